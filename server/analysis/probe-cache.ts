/**
 * Forward passes recomputed on demand for the read API (neuron grids, attention slices are not
 * stored; see neuron-activations.ts and attention-patterns.ts), kept for a few recent checkpoints
 * so scrubbing through neurons or position pairs at one epoch costs one forward pass.
 *
 * Keyed by the checkpoint file's path, inode and mtime (atomic writes replace the inode), so a
 * retrained checkpoint is never served stale.
 * Each entry holds the MLP activations and attention patterns: about 28 MB at p = 113.
 */
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Architecture } from '../../shared/family-schema.ts';
import type { ProbeReply, ProbeRequest } from './probe-worker.ts';

export interface CachedProbe {
  /** [p², dMlp] */
  mlpPost: Float32Array;
  /** [p², nHeads, 3, 3] */
  attnPattern: Float32Array;
}

/** Computes the forward pass of the full grid at one checkpoint. */
export type ComputeProbe = (checkpointPath: string, arch: Architecture, p: number) => Promise<CachedProbe>;

export class ProbeCache {
  private readonly entries = new Map<string, Promise<CachedProbe>>();

  constructor(
    private readonly capacity = 4,
    private readonly compute: ComputeProbe = computeProbeInWorker,
  ) {}

  /** The forward pass of the full grid at this checkpoint; rejects with ENOENT when the file is missing. */
  async get(checkpointPath: string, arch: Architecture, p: number): Promise<CachedProbe> {
    const { ino, mtimeMs } = await stat(checkpointPath);
    const key = `${checkpointPath}|${ino}|${mtimeMs}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-inserted below as the most recent
    } else {
      entry = this.compute(checkpointPath, arch, p);
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

/** One worker per process, started on first use and unref'd so it never keeps the process alive. */
let probeWorker: { worker: Worker; pending: Map<number, (reply: ProbeReply) => void>; nextId: number } | undefined;

function startProbeWorker() {
  const worker = new Worker(new URL('../workers/ts-worker.mjs', import.meta.url), {
    workerData: { entry: new URL('./probe-worker.ts', import.meta.url).href },
  });
  worker.unref();
  const state = { worker, pending: new Map<number, (reply: ProbeReply) => void>(), nextId: 1 };
  worker.on('message', (reply: ProbeReply) => {
    state.pending.get(reply.id)?.(reply);
    state.pending.delete(reply.id);
  });
  const fail = (message: string) => {
    if (probeWorker === state) probeWorker = undefined; // the next request starts a new worker
    for (const [id, settle] of state.pending) settle({ id, error: message });
    state.pending.clear();
  };
  worker.on('error', (error) => fail(`the forward-pass worker failed: ${error.message}`));
  worker.on('exit', (code) => fail(`the forward-pass worker exited (code ${code})`));
  return state;
}

/** The default ComputeProbe: the forward pass runs on the worker thread, off the event loop. */
export function computeProbeInWorker(checkpointPath: string, arch: Architecture, p: number): Promise<CachedProbe> {
  probeWorker ??= startProbeWorker();
  const state = probeWorker;
  const id = state.nextId++;
  return new Promise((resolve, reject) => {
    state.pending.set(id, (reply) => {
      if ('error' in reply) reject(Object.assign(new Error(reply.error), { code: reply.code }));
      else resolve({ mlpPost: reply.mlpPost, attnPattern: reply.attnPattern });
    });
    state.worker.postMessage({ id, checkpointPath, arch, p } satisfies ProbeRequest);
  });
}
