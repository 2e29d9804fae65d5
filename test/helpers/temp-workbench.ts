/** Temporary results and families folders for tests that touch real files. */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type WorkbenchPaths } from '../../server/config.ts';

export interface TempWorkbench extends WorkbenchPaths {
  root: string;
  cleanup(): Promise<void>;
}

/** A fresh results folder and a copy of the shipped families, so tests may add broken ones. */
export async function makeTempWorkbench(): Promise<TempWorkbench> {
  const root = await mkdtemp(join(tmpdir(), 'workbench-test-'));
  const familiesDir = join(root, 'families');
  const resultsDir = join(root, 'results');
  await cp(join(REPO_ROOT, 'server/families'), familiesDir, { recursive: true });
  await mkdir(resultsDir, { recursive: true });
  return { root, familiesDir, resultsDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Creates files (empty unless given content) relative to a folder. */
export async function touch(dir: string, files: Record<string, string> | string[]): Promise<void> {
  const entries = Array.isArray(files) ? files.map((f) => [f, ''] as const) : Object.entries(files);
  for (const [file, content] of entries) {
    const path = join(dir, file);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
  }
}
