/**
 * The module graph of the product (server/, shared/, frontend/, version.ts) has no cycles, type-only
 * imports included: a shared type lives in its own module (cli/command.ts, engine/gemm/types.ts,
 * analysis/flatness-passes.ts), not in one of the modules that use it. ESLint's import-x/no-cycle
 * skips `import type`, so this test reads the imports itself.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../server/config.ts';

const ROOTS = ['server', 'shared', 'frontend'];
// `import … from './x.ts'`, `export … from './x.ts'`, `import('./x.ts')`, `import './x.ts'`: relative specifiers only.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

async function sourceFiles(): Promise<string[]> {
  const files = [join(REPO_ROOT, 'version.ts')];
  for (const root of ROOTS) {
    for (const entry of await readdir(join(REPO_ROOT, root), { recursive: true })) {
      if (/\.(ts|mjs|js)$/.test(entry) && !entry.includes('node_modules')) files.push(join(REPO_ROOT, root, entry));
    }
  }
  return files;
}

// The same, without `import type …` and `export type …`, which the build erases.
const VALUE_IMPORT = /(?:\b(?:import|export)\s+(?!type\b)[^'";]*?\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** module → the modules it imports (relative imports only). */
export function importGraph(sources: Map<string, string>, pattern = IMPORT): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of sources) {
    const targets = [...text.matchAll(pattern)].map((match) => resolve(dirname(file), match[1]!)).filter((target) => sources.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle's modules, one list per strongly connected component of more than one module (or a self-import). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)!.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the module graph', () => {
  it('finds a cycle when there is one, type imports included', () => {
    const graph = importGraph(
      new Map([
        ['/a.ts', "import type { B } from './b.ts';"],
        ['/b.ts', "export { a } from './a.ts';"],
        ['/c.ts', "const lazy = () => import('./c.ts');"],
        ['/d.ts', "import { a } from './a.ts';"],
      ]),
    );
    expect(cycles(graph)).toEqual([['/a.ts', '/b.ts'], ['/c.ts']]);
  });

  it('of the product has no cycles', async () => {
    const files = await sourceFiles();
    const graph = importGraph(new Map(await Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')] as const))));
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph).map((cycle) => cycle.map((file) => relative(REPO_ROOT, file)))).toEqual([]);
  });

  it('of the browser code reaches no server module: from server/ it takes types only', async () => {
    const files = await sourceFiles();
    const graph = importGraph(
      new Map(await Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')] as const))),
      VALUE_IMPORT,
    );
    const reached = new Set(files.filter((file) => relative(REPO_ROOT, file).startsWith('frontend/')));
    for (const file of reached) for (const target of graph.get(file) ?? []) reached.add(target);
    const server = [...reached].map((file) => relative(REPO_ROOT, file)).filter((file) => file.startsWith('server/'));
    expect(server).toEqual([]);
    // The check sees through `import type`: the client's type-only import of the API is not counted, a value import would be.
    expect(
      importGraph(
        new Map([
          ['/f.ts', "import type { A } from './s.ts';\nimport { b } from './t.ts';"],
          ['/s.ts', ''],
          ['/t.ts', ''],
        ]),
        VALUE_IMPORT,
      ).get('/f.ts'),
    ).toEqual(['/t.ts']);
  });
});
