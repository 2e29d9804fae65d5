/**
 * The probe's attention side (probeAttention), recomputed on demand for the read API's neuron
 * grids and attention slices (neither is stored; see neuron-activations.ts and
 * attention-patterns.ts) and kept for a few recent checkpoints, so scrubbing through neurons or
 * position pairs at one epoch, or back and forth between neighbouring epochs, computes nothing twice.
 * Lives in the probe process (probe-worker.ts); each entry is about 9 MB at p = 113.
 *
 * Keyed by the checkpoint file's path, inode and mtime (atomic writes replace the inode), so a
 * retrained checkpoint is never served stale.
 */
import { stat } from 'node:fs/promises';
import type { Architecture } from '../../shared/family-schema.ts';
import type { AttentionProbe } from '../engine/probe-forward.ts';

/** Computes the probe at one checkpoint. */
export type ComputeProbe = (checkpointPath: string, arch: Architecture, p: number) => Promise<AttentionProbe>;

export class ProbeCache {
  private readonly entries = new Map<string, Promise<AttentionProbe>>();

  constructor(
    private readonly capacity: number,
    private readonly compute: ComputeProbe,
  ) {}

  /** The probe at this checkpoint; rejects with ENOENT when the file is missing. */
  async get(checkpointPath: string, arch: Architecture, p: number): Promise<AttentionProbe> {
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
