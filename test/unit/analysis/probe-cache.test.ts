import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attentionGrid, attentionSlice } from '../../../server/analysis/analyzers/attention-patterns.ts';
import { ProbeCache } from '../../../server/analysis/probe-cache.ts';
import { ProbeProcess } from '../../../server/analysis/probe-process.ts';
import { neuronActivationGrid, probeAttention, probeForward, type AttentionProbe } from '../../../server/engine/probe-forward.ts';
import { initWeights } from '../../../server/training/init.ts';
import { writeCheckpoint } from '../../../server/training/variant-files.ts';
import { moduloFamily, tempDir, writeSyntheticVariant } from './fixtures.ts';

/** Largest |a − b| relative to the largest |b| (absolute when b is all zeros, as a dead neuron's grid is). */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** How many probe processes this test process has running (Linux: read from /proc). */
function probeChildren(): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const parent = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
        return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('probe-worker');
      } catch {
        return false; // exited while listed
      }
    }).length;
}

describe('ProbeCache', () => {
  it('keeps the most recent checkpoints, evicts the oldest, and never serves a replaced checkpoint', async () => {
    const family = await moduloFamily();
    const { paths, dims } = await writeSyntheticVariant(await tempDir(), family, 11, [0, 1, 2]);
    const computed: string[] = [];
    const cache = new ProbeCache(2, async (path) => {
      computed.push(path);
      return {
        attnPattern: new Float32Array(1),
        patternAtEquals: new Float32Array(1),
        z1: new Float32Array(1),
        A_in: new Float32Array(1),
      } satisfies AttentionProbe;
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

  it('probeAttention gives probeForward’s attention pattern and, neuron by neuron, its MLP activations', async () => {
    const family = await moduloFamily();
    const { weights } = await writeSyntheticVariant(await tempDir(), family, 11, [0]);
    const full = probeForward(weights.get(0)!, family.architecture, 11);
    const light = probeAttention(weights.get(0)!, family.architecture, 11);
    expect(light.attnPattern).toEqual(full.attnPattern);
    for (const [query, key] of [
      [2, 0],
      [2, 1],
      [2, 2],
      [1, 0],
      [0, 0],
    ] as const) {
      expect(attentionGrid(light, 4, 11, query, key)).toEqual(attentionSlice(full.attnPattern, 4, 3, 11, query, key));
    }
    const dMlp = family.architecture.d_mlp;
    for (const neuron of [0, 7, dMlp - 1]) {
      const column = Float32Array.from({ length: 121 }, (_, row) => full.mlpPost[row * dMlp + neuron]!);
      // float64 sums here, float32 GEMM sums there: equal to float32 rounding.
      expect(relativeError(neuronActivationGrid(light, dMlp, neuron), column)).toBeLessThan(1e-5);
    }
  });

  it('answers neuron grids and attention slices from the probe process, as computed here', async () => {
    const family = await moduloFamily();
    const { paths, weights } = await writeSyntheticVariant(await tempDir(), family, 11, [0]);
    const probes = new ProbeProcess();
    const here = probeAttention(weights.get(0)!, family.architecture, 11);
    const arch = family.architecture;
    const [grid, slice] = await Promise.all([
      probes.neuronGrid(paths.checkpoint(0), arch, 11, 5),
      probes.attentionSlice(paths.checkpoint(0), arch, 11, 1, 0),
    ]);
    expect(relativeError(grid, neuronActivationGrid(here, arch.d_mlp, 5))).toBeLessThan(1e-5);
    expect(relativeError(slice, attentionSlice(here.attnPattern, arch.n_heads, arch.n_ctx, 11, 1, 0))).toBeLessThan(1e-5);
    await expect(probes.neuronGrid(`${paths.checkpointsDir}/missing.safetensors`, arch, 11, 0)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('warm() starts the process before any request, and that process answers the first one', async () => {
    const family = await moduloFamily();
    const { paths, weights } = await writeSyntheticVariant(await tempDir(), family, 11, [0]);
    const before = probeChildren();
    const probes = new ProbeProcess();
    probes.warm();
    expect(probeChildren()).toBe(before + 1);
    const grid = await probes.neuronGrid(paths.checkpoint(0), family.architecture, 11, 3);
    expect(
      relativeError(grid, neuronActivationGrid(probeAttention(weights.get(0)!, family.architecture, 11), family.architecture.d_mlp, 3)),
    ).toBeLessThan(1e-5);
    expect(probeChildren()).toBe(before + 1);
  });
});
