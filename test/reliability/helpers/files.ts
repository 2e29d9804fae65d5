/** The results folder as files on disk: listing, snapshots, "does every file parse", artifact comparison. */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TEMPORARY_FILE } from '../../../server/storage/atomic-write.ts';
import { decodeSafetensors, type Tensor } from '../../../server/storage/safetensors.ts';

export const FAMILY = 'modulo_addition_1layer';

/** Every path under `dir`, relative, with `/` separators, folders included; [] when `dir` is missing. */
export async function listTree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map((entry) => entry.split('\\').join('/')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export const isTemporary = (path: string) => TEMPORARY_FILE.test(basename(path));

/**
 * Path → kind, size and modification time of everything under `dir` that `keep` accepts; a folder
 * `keep` refuses is not entered.
 */
export async function snapshot(dir: string, keep: (path: string) => boolean = () => true): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    let children;
    try {
      children = await readdir(join(dir, relative), { withFileTypes: true });
    } catch (error) {
      // Gone meanwhile (a job's overwrite removing its own folder, which `keep` then refuses anyway).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await Promise.all(
      children.map(async (child) => {
        const path = relative ? `${relative}/${child.name}` : child.name;
        if (!keep(path)) return;
        if (child.isDirectory()) {
          entries.set(path, 'dir');
          return visit(path);
        }
        try {
          const info = await lstat(join(dir, path));
          entries.set(path, `file ${info.size} B ${info.mtimeMs}`);
        } catch (error) {
          // Gone between the listing and the stat: a temporary being renamed by a running job.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }),
    );
  };
  await visit('');
  return entries;
}

/** What changed from `before` to `after`, one line each. */
export function snapshotChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, state] of after) {
    const old = before.get(path);
    if (old === undefined) changes.push(`created ${path}`);
    else if (old !== state) changes.push(`changed ${path} (${old} → ${state})`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`deleted ${path}`);
  return changes;
}

const BYTES: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, BOOL: 1 };

/** Why a safetensors file is not whole, or undefined: every tensor's bytes match its shape and the data ends where the file does. */
export function safetensorsProblem(file: Buffer): string | undefined {
  try {
    const { tensors } = decodeSafetensors(file);
    const headerLength = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets?: [number, number] }>;
    let end = 0;
    for (const [name, entry] of Object.entries(header)) if (name !== '__metadata__') end = Math.max(end, entry.data_offsets![1]);
    if (8 + headerLength + end !== file.length) return `the data ends at byte ${8 + headerLength + end} but the file has ${file.length}`;
    for (const [name, tensor] of Object.entries(tensors)) {
      const count = tensor.shape.reduce((a, b) => a * b, 1);
      if (tensor.data.byteLength !== count * BYTES[tensor.dtype]!)
        return `tensor ${name} has ${tensor.data.byteLength} bytes for shape [${tensor.shape}] ${tensor.dtype}`;
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export interface FileCheck {
  /** Files checked (temporaries excluded). */
  files: number;
  /** Hidden temporaries of writeFileAtomic, relative paths. */
  temporaries: string[];
  /** One line per file that does not parse, or that no writer of the workbench makes. */
  problems: string[];
}

/**
 * Reads every file under the results folder: *.json must parse, *.safetensors must decode whole;
 * temporaries are listed (no reader opens them); anything else is a problem.
 */
export async function checkFiles(resultsDir: string): Promise<FileCheck> {
  const check: FileCheck = { files: 0, temporaries: [], problems: [] };
  for (const path of await listTree(resultsDir)) {
    const full = join(resultsDir, path);
    let content: Buffer;
    try {
      if ((await lstat(full)).isDirectory()) continue;
      if (isTemporary(path)) {
        check.temporaries.push(path);
        continue;
      }
      content = await readFile(full);
    } catch (error) {
      // Gone since the listing: a running server renamed its temporary into place (or replaced a job record).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    check.files++;
    if (path.endsWith('.json')) {
      try {
        JSON.parse(content.toString('utf8'));
      } catch (error) {
        check.problems.push(`${path}: ${(error as Error).message}`);
      }
    } else if (path.endsWith('.safetensors')) {
      const problem = safetensorsProblem(content);
      if (problem) check.problems.push(`${path}: ${problem}`);
    } else {
      check.problems.push(`${path}: not a file the workbench writes`);
    }
  }
  return check;
}

function sameTensor(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(
    Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  );
}

/** Drops every `updated_at` of a manifest (the time it was written). */
function withoutTimes(manifest: { analyzers?: Record<string, Record<string, unknown>> }) {
  for (const entry of Object.values(manifest.analyzers ?? {})) delete entry.updated_at;
  return manifest;
}

/**
 * Differences between two artifact folders: the same files, every tensor bitwise equal (dtype,
 * shape, bytes, header metadata), and the same manifest apart from its times.
 */
export async function compareArtifacts(actualDir: string, expectedDir: string): Promise<string[]> {
  const files = async (dir: string) =>
    (await listTree(dir)).filter(
      (path) => !path.endsWith('/') && (path.endsWith('.json') || path.endsWith('.safetensors') || isTemporary(path)),
    );
  const actual = await files(actualDir);
  const expected = await files(expectedDir);
  const differences: string[] = [];
  for (const path of expected) if (!actual.includes(path)) differences.push(`missing ${path}`);
  for (const path of actual) if (!expected.includes(path)) differences.push(`extra ${path}`);
  for (const path of expected.filter((p) => actual.includes(p))) {
    const [a, b] = await Promise.all([readFile(join(actualDir, path)), readFile(join(expectedDir, path))]);
    if (path.endsWith('.json')) {
      const [ma, mb] = [withoutTimes(JSON.parse(a.toString('utf8'))), withoutTimes(JSON.parse(b.toString('utf8')))];
      if (JSON.stringify(ma) !== JSON.stringify(mb))
        differences.push(`${path} differs: ${JSON.stringify(ma).slice(0, 300)} vs ${JSON.stringify(mb).slice(0, 300)}`);
      continue;
    }
    const [da, db] = [decodeSafetensors(a), decodeSafetensors(b)];
    if (JSON.stringify(da.metadata) !== JSON.stringify(db.metadata)) differences.push(`${path}: header metadata differs`);
    const names = new Set([...Object.keys(da.tensors), ...Object.keys(db.tensors)]);
    for (const name of names) {
      const [ta, tb] = [da.tensors[name], db.tensors[name]];
      if (!ta || !tb) differences.push(`${path}: tensor ${name} only in the ${ta ? 'interrupted' : 'reference'} run`);
      else if (!sameTensor(ta, tb)) differences.push(`${path}: tensor ${name} differs`);
    }
  }
  return differences;
}
