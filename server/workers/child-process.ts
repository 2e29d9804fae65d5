/**
 * Background work in child processes rather than worker threads: the native matrix multiply (the
 * `nblas` addon) is not context-aware, so only one thread of a process can hold it at a time — a
 * second worker thread silently fell back to the portable kernel, 8× slower. Each child process
 * loads its own OpenBLAS, with its own thread count (OPENBLAS_NUM_THREADS in `env`).
 *
 * Messages use the structured-clone ("advanced") serialization, so typed arrays cross as they are.
 * The start-up data is the first message, never a process argument: arguments are limited in size
 * (a job with a long checkpoint list failed to start with E2BIG). A child exits when its parent
 * disconnects (see ts-child.mjs).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = fileURLToPath(new URL('./ts-child.mjs', import.meta.url));

export interface ChildOptions {
  /** Start-up data (structured-clonable), read in the child with `childData()`. */
  data?: unknown;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
}

/**
 * Starts the TypeScript module `entry` in a new Node process with an IPC channel. Throws when the
 * process cannot be created; a failure after that comes as the child's 'error' or 'exit' event.
 */
export function startChild(entry: URL, { data = null, env = {} }: ChildOptions = {}): ChildProcess {
  const child = fork(BOOTSTRAP, [entry.href], {
    execArgv: [],
    serialization: 'advanced',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ startup: data } satisfies StartupMessage);
  return child;
}

interface StartupMessage {
  startup: unknown;
}

let startup: unknown;
let listener: ((message: unknown) => void) | undefined;
const early: unknown[] = [];

/**
 * In a child, before its module loads (ts-child.mjs): installs the one listener of parent messages
 * and resolves with the start-up data. Messages that come before the module listens are kept for
 * it, since Node drops messages that arrive while a started channel has no listener.
 */
export function receiveStartup(): Promise<void> {
  return new Promise((resolve) => {
    let started = false;
    process.on('message', (message) => {
      if (started) return listener ? listener(message) : void early.push(message);
      started = true;
      startup = (message as StartupMessage).startup;
      resolve();
    });
  });
}

/** In a child started by startChild: its start-up data. */
export function childData<T>(): T {
  return startup as T;
}

/** In a child started by startChild: handles every later message from the parent, in order. */
export function onParentMessage<T>(handle: (message: T) => void): void {
  listener = handle as (message: unknown) => void;
  for (const message of early.splice(0)) handle(message as T);
}

/** In a child started by startChild: sends a message to the parent. */
export function toParent(message: unknown): void {
  process.send!(message);
}
