/**
 * Atomic file writes: data goes to a hidden temporary name in the same folder and is renamed
 * into place, so a final name never holds a partial file.
 *
 * A writer killed between its write and its rename (a SIGKILLed server takes its job processes
 * with it) leaves its temporary behind. No reader lists hidden names, so it is only wasted space;
 * `removeStaleTemporaries` deletes those whose writer no longer runs, and a job calls it on its
 * variant's folder before it writes there.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The name of a temporary: `.<final name>.<writer's pid>.<8 hex digits>.tmp`. */
export const TEMPORARY_FILE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(path: string, value: unknown, indent?: number): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, indent) + (indent ? '\n' : ''));
}

/** Whether process `pid` runs (a process of another user counts as running). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporaries under `dir` (recursively) whose writer has stopped; a running writer's
 * are kept, so this is safe while another process writes there. Returns the paths deleted; a
 * missing `dir` has none.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stale = entries.filter((entry) => {
    const match = TEMPORARY_FILE.exec(basename(entry));
    return match !== null && !isRunning(Number(match[1]));
  });
  await Promise.all(stale.map((entry) => rm(join(dir, entry), { force: true })));
  return stale.map((entry) => join(dir, entry));
}
