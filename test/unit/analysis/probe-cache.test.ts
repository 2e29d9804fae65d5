import { describe, expect, it } from 'vitest';
import { ProbeCache } from '../../../server/analysis/probe-cache.ts';
import { probeForward } from '../../../server/engine/probe-forward.ts';
import { initWeights } from '../../../server/training/init.ts';
import { writeCheckpoint } from '../../../server/training/variant-files.ts';
import { moduloFamily, tempDir, writeSyntheticVariant } from './fixtures.ts';

describe('ProbeCache', () => {
  it('keeps the most recent checkpoints, evicts the oldest, and never serves a replaced checkpoint', async () => {
    const family = await moduloFamily();
    const { paths, dims, weights } = await writeSyntheticVariant(await tempDir(), family, 11, [0, 1, 2]);
    const cache = new ProbeCache(2);
    const get = (epoch: number) => cache.get(paths.checkpoint(epoch), family.architecture, 11);

    const first = await get(0);
    expect(Array.from(first.mlpPost)).toEqual(Array.from(probeForward(weights.get(0)!, family.architecture, 11).mlpPost));
    expect(await get(0)).toBe(first);
    await get(1);
    await get(0); // 0 is now the most recent, so 1 goes next
    await get(2);
    expect(await get(0)).toBe(first);
    const one = await get(1);

    const retrained = initWeights(dims, 12345);
    await writeCheckpoint(paths.checkpoint(1), retrained, dims);
    const fresh = await get(1);
    expect(fresh).not.toBe(one);
    expect(Array.from(fresh.mlpPost)).toEqual(Array.from(probeForward(retrained, family.architecture, 11).mlpPost));
    await expect(get(7)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
