/**
 * Processes found by an environment tag: every process a server starts (job processes, their
 * flatness helpers, the probe process) inherits its environment, so after the server is killed
 * any process still carrying its tag is an orphan.
 */
import { readdir, readFile } from 'node:fs/promises';

export const TAG_VARIABLE = 'WORKBENCH_RELIABILITY_TAG';

export interface TaggedProcess {
  pid: number;
  command: string;
}

export async function taggedProcesses(tag: string): Promise<TaggedProcess[]> {
  const marker = Buffer.from(`${TAG_VARIABLE}=${tag}\0`);
  const found: TaggedProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`);
      if (!environ.includes(marker)) continue;
      const command = (await readFile(`/proc/${entry}/cmdline`)).toString('utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Waits until no process carries `tag`; returns those still there after `timeoutMs`. */
export async function waitUntilGone(tag: string, timeoutMs: number): Promise<TaggedProcess[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await taggedProcesses(tag);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
