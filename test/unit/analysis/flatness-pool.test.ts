/**
 * landscape_flatness with its perturbed passes in helper processes gives what it computes in this
 * process: the same directions (each process draws and skips the ones before its share), in order.
 */
import { describe, expect, it } from 'vitest';
import type { EpochContext } from '../../../server/analysis/analyzer.ts';
import { landscapeFlatness } from '../../../server/analysis/analyzers/landscape-flatness.ts';
import { gridLoss } from '../../../server/analysis/grid-loss.ts';
import { selectGemm } from '../../../server/engine/gemm/gemm.ts';
import { modelDims } from '../../../server/engine/weights.ts';
import { initWeights } from '../../../server/training/init.ts';
import type { TensorMap } from '../../../server/storage/safetensors.ts';
import { moduloFamily } from './fixtures.ts';

describe('landscape_flatness in helper processes', () => {
  it('equals the in-process result, directions split unevenly over processes, at every checkpoint', async () => {
    const dims = modelDims((await moduloFamily()).architecture, 11);
    const gemm = selectGemm();
    const settings = { directions: 7, epsilon: 0.1, seed: 3 };
    const context = (epoch: number) => ({ dims, gemm, weights: initWeights(dims, epoch), probeLoss: gridLoss(dims, gemm) }) as unknown as EpochContext;
    const here = landscapeFlatness(settings, { processes: 0 });
    const pooled = landscapeFlatness(settings, { processes: 2 });
    try {
      for (const epoch of [1, 2]) {
        const [expected, actual]: TensorMap[] = [await here.compute(context(epoch)), await pooled.compute(context(epoch))];
        expect(actual.delta_losses!.data).toHaveLength(7);
        // p = 11 is too small for OpenBLAS to use threads, so one-thread helpers sum as this process does.
        expect(actual).toEqual(expected);
      }
    } finally {
      pooled.close!();
    }
  });
});
