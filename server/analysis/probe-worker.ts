/**
 * Worker thread that runs full-grid forward passes for the read API, so a neuron grid or an
 * attention slice being recomputed never blocks the HTTP event loop. Started by probe-cache.ts
 * through ts-worker.mjs; answers each request with the activations, transferred (not copied).
 */
import { parentPort } from 'node:worker_threads';
import type { Architecture } from '../../shared/family-schema.ts';
import { selectGemm } from '../engine/gemm/gemm.ts';
import { probeForward } from '../engine/probe-forward.ts';
import { modelDims } from '../engine/weights.ts';
import { readCheckpoint } from '../training/variant-files.ts';

export interface ProbeRequest {
  id: number;
  checkpointPath: string;
  arch: Architecture;
  p: number;
}

export type ProbeReply =
  | { id: number; mlpPost: Float32Array; attnPattern: Float32Array }
  | { id: number; error: string; code?: string };

const gemm = selectGemm();

/** An array that owns its whole buffer, so the buffer can be transferred without taking others along. */
const owned = (array: Float32Array) => (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : array.slice());

parentPort?.on('message', async ({ id, checkpointPath, arch, p }: ProbeRequest) => {
  try {
    const weights = await readCheckpoint(checkpointPath, modelDims(arch, p));
    const forward = probeForward(weights, arch, p, gemm);
    const mlpPost = owned(forward.mlpPost);
    const attnPattern = owned(forward.attnPattern);
    parentPort!.postMessage({ id, mlpPost, attnPattern } satisfies ProbeReply, [mlpPost.buffer as ArrayBuffer, attnPattern.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message, code: (error as NodeJS.ErrnoException).code } satisfies ProbeReply);
  }
});
