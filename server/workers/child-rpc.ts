/**
 * Request/response over a child process's IPC channel, the one protocol of every child the server
 * starts (jobs, the probe, the flatness helpers). The parent sends a request with an id; the child
 * answers it once, with a value or an error, and may send notes (progress) before that. The parent
 * may abort a request; the child's handler sees it as its AbortSignal.
 *
 *   parent → child   { rpc: 'request', id, payload }   { rpc: 'abort', id }
 *   child → parent   { rpc: 'note', id, note }   { rpc: 'reply', id, value }   { rpc: 'error', id, message, code? }
 */
import type { ChildProcess } from 'node:child_process';
import { onParentMessage, startChild, toParent, type ChildOptions } from './child-process.ts';

type ToChild<Request> = { rpc: 'request'; id: number; payload: Request } | { rpc: 'abort'; id: number };
type ToParent<Reply, Note> =
  | { rpc: 'note'; id: number; note: Note }
  | { rpc: 'reply'; id: number; value: Reply }
  | { rpc: 'error'; id: number; message: string; code?: string };

/** A request's failure: the handler threw (with its message and errno `code`), or the child died (`code` CHILD_EXITED). */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface RequestOptions<Note> {
  onNote?: (note: Note) => void;
  /** Aborting sends `abort` to the child; the request still settles with what the handler returns. */
  signal?: AbortSignal;
}

interface Pending<Reply, Note> {
  resolve: (value: Reply) => void;
  reject: (error: Error) => void;
  onNote?: (note: Note) => void;
}

export interface RpcChildOptions extends ChildOptions {
  /** What the child is, in messages: "the job process exited (SIGKILL)". */
  label: string;
  /** Let the server exit while this child is idle (no request pending). */
  unrefWhenIdle?: boolean;
}

/** The parent's handle on a child that serves requests with `serveRpc`. */
export class RpcChild<Request, Reply, Note = never> {
  readonly process: ChildProcess;
  private readonly pending = new Map<number, Pending<Reply, Note>>();
  private nextId = 1;
  private exitReason: string | undefined;

  constructor(
    entry: URL,
    private readonly options: RpcChildOptions,
  ) {
    this.process = startChild(entry, options);
    if (options.unrefWhenIdle) {
      this.process.unref();
      this.process.channel?.unref();
    }
    this.process.on('message', (message: ToParent<Reply, Note>) => this.receive(message));
    this.process.on('error', (error) => this.failAll(`failed: ${error.message}`));
    this.process.on('exit', (code, signal) => this.failAll(`exited (${signal ?? `code ${code}`})`));
  }

  /** Whether the process has exited or failed; every later request is rejected. */
  get exited(): boolean {
    return this.exitReason !== undefined;
  }

  request(payload: Request, { onNote, signal }: RequestOptions<Note> = {}): Promise<Reply> {
    if (this.exitReason) return Promise.reject(new RpcError(`${this.options.label} ${this.exitReason}`, 'CHILD_EXITED'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onNote });
      if (this.options.unrefWhenIdle) this.process.channel?.ref();
      this.send({ rpc: 'request', id, payload });
      signal?.addEventListener('abort', () => this.pending.has(id) && this.send({ rpc: 'abort', id }), { once: true });
    });
  }

  kill(signal?: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  private send(message: ToChild<Request>): void {
    // A child that has just died is reported by its 'exit' event, which rejects the request.
    if (this.process.connected) this.process.send(message);
  }

  private receive(message: ToParent<Reply, Note>): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.rpc === 'note') return pending.onNote?.(message.note);
    this.pending.delete(message.id);
    if (this.options.unrefWhenIdle && this.pending.size === 0) this.process.channel?.unref();
    if (message.rpc === 'reply') pending.resolve(message.value);
    else pending.reject(new RpcError(message.message, message.code));
  }

  private failAll(reason: string): void {
    this.exitReason ??= reason;
    for (const pending of this.pending.values()) pending.reject(new RpcError(`${this.options.label} ${reason}`, 'CHILD_EXITED'));
    this.pending.clear();
  }
}

export interface RpcContext<Note> {
  notify(note: Note): void;
  /** Aborted when the parent aborts this request. */
  signal: AbortSignal;
}

/** In a child started as an RpcChild: answers each request with `handle`'s value or error. */
export function serveRpc<Request, Reply, Note = never>(
  handle: (payload: Request, context: RpcContext<Note>) => Reply | Promise<Reply>,
): void {
  const aborts = new Map<number, AbortController>();
  onParentMessage(async (message: ToChild<Request>) => {
    if (message.rpc === 'abort') return aborts.get(message.id)?.abort();
    const abort = new AbortController();
    aborts.set(message.id, abort);
    const { id } = message;
    try {
      const value = await handle(message.payload, { notify: (note) => toParent({ rpc: 'note', id, note }), signal: abort.signal });
      toParent({ rpc: 'reply', id, value } satisfies ToParent<Reply, Note>);
    } catch (error) {
      const { message: text, code } = error as NodeJS.ErrnoException;
      toParent({ rpc: 'error', id, message: text, ...(code ? { code } : {}) } satisfies ToParent<Reply, Note>);
    } finally {
      aborts.delete(id);
    }
  });
}
