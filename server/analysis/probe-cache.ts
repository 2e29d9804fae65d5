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
import type { Architecture } from '../../shared/family-schema.ts';
import { selectGemm, type Gemm } from '../engine/gemm/gemm.ts';
import { probeForward } from '../engine/probe-forward.ts';
import { modelDims } from '../engine/weights.ts';
import { readCheckpoint } from '../training/variant-files.ts';

export interface CachedProbe {
  /** [p², dMlp] */
  mlpPost: Float32Array;
  /** [p², nHeads, 3, 3] */
  attnPattern: Float32Array;
}

export class ProbeCache {
  private readonly entries = new Map<string, Promise<CachedProbe>>();

  constructor(
    private readonly capacity = 4,
    private readonly gemm: Gemm = selectGemm(),
  ) {}

  /** The forward pass of the full grid at this checkpoint; rejects with ENOENT when the file is missing. */
  async get(checkpointPath: string, arch: Architecture, p: number): Promise<CachedProbe> {
    const { ino, mtimeMs } = await stat(checkpointPath);
    const key = `${checkpointPath}|${ino}|${mtimeMs}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-inserted below as the most recent
    } else {
      entry = readCheckpoint(checkpointPath, modelDims(arch, p)).then((weights) => {
        const { mlpPost, attnPattern } = probeForward(weights, arch, p, this.gemm);
        return { mlpPost, attnPattern };
      });
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
