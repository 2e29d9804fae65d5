import { describe, expect, it } from 'vitest';
import { computeProbeInWorker, ProbeCache, type CachedProbe } from '../../../server/analysis/probe-cache.ts';
import { probeForward } from '../../../server/engine/probe-forward.ts';
import { initWeights } from '../../../server/training/init.ts';
import { writeCheckpoint } from '../../../server/training/variant-files.ts';
import { moduloFamily, tempDir, writeSyntheticVariant } from './fixtures.ts';

/** Largest |a − b| relative to the largest |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

describe('ProbeCache', () => {
  it('keeps the most recent checkpoints, evicts the oldest, and never serves a replaced checkpoint', async () => {
    const family = await moduloFamily();
    const { paths, dims } = await writeSyntheticVariant(await tempDir(), family, 11, [0, 1, 2]);
    const computed: string[] = [];
    const cache = new ProbeCache(2, async (path) => {
      computed.push(path);
      return { mlpPost: new Float32Array(1), attnPattern: new Float32Array(1) } satisfies CachedProbe;
    });
    const get = (epoch: number) => cache.get(paths.checkpoint(epoch), family.architecture, 11);

    const first = await get(0);
    expect(await get(0)).toBe(first);
    await get(1);
    await get(0); // 0 is now the most recent, so 1 goes next
    await get(2);
    expect(await get(0)).toBe(first);
    const one = await get(1);
    expect(computed).toHaveLength(4); // 0, 1, 2, then 1 again after its eviction

    await writeCheckpoint(paths.checkpoint(1), initWeights(dims, 12345), dims);
    expect(await get(1)).not.toBe(one);
    expect(computed).toHaveLength(5);
    await expect(get(7)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('computes the forward pass on a worker thread, matching the engine on this thread', async () => {
    const family = await moduloFamily();
    const { paths, weights } = await writeSyntheticVariant(await tempDir(), family, 11, [0]);
    const inWorker = await computeProbeInWorker(paths.checkpoint(0), family.architecture, 11);
    const here = probeForward(weights.get(0)!, family.architecture, 11);
    // OpenBLAS may split the sums differently on another thread: equal to float32 rounding, not bitwise.
    expect(relativeError(inWorker.mlpPost, here.mlpPost)).toBeLessThan(1e-5);
    expect(relativeError(inWorker.attnPattern, here.attnPattern)).toBeLessThan(1e-5);
    await expect(computeProbeInWorker(`${paths.checkpointsDir}/missing.safetensors`, family.architecture, 11)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
