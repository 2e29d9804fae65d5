/**
 * Background work in child processes rather than worker threads: the native matrix multiply (the
 * `nblas` addon) is not context-aware, so only one thread of a process can hold it at a time — a
 * second worker thread silently fell back to the portable kernel, 8× slower. Each child process
 * loads its own OpenBLAS, with its own thread count (OPENBLAS_NUM_THREADS in `env`).
 *
 * Messages use the structured-clone ("advanced") serialization, so typed arrays cross as they are.
 * A child exits when its parent disconnects (see ts-child.mjs).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('./ts-child.mjs', import.meta.url));

export interface ChildOptions {
  /** JSON-serializable start-up data, read in the child with `childData()`. */
  data?: unknown;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
}

/** Starts the TypeScript module `entry` in a new Node process with an IPC channel. */
export function startChild(entry: URL, { data = null, env = {} }: ChildOptions = {}): ChildProcess {
  return fork(BOOTSTRAP, [entry.href, JSON.stringify(data)], {
    execArgv: [],
    serialization: 'advanced',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** In a child started by startChild: its start-up data. */
export function childData<T>(): T {
  return JSON.parse(process.argv[3] ?? 'null') as T;
}

/** In a child started by startChild: sends a message to the parent. */
export function toParent(message: unknown): void {
  process.send!(message);
}
