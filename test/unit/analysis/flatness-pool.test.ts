/**
 * landscape_flatness gives the same result, bit for bit, whichever processes compute it: the same
 * directions (each process draws and skips the ones before its share), in order, and every pass
 * summed as a one-thread matrix multiply, in this process or in a helper. Exact equality is what the
 * code guarantees for one backend on one machine, so it is what is asserted, for every backend and
 * whatever OPENBLAS_NUM_THREADS this process has.
 */
import { describe, expect, it } from 'vitest';
import type { EpochContext } from '../../../server/analysis/analyzer.ts';
import { landscapeFlatness } from '../../../server/analysis/analyzers/landscape-flatness.ts';
import { gridLoss } from '../../../server/analysis/grid-loss.ts';
import { availableBackends, selectGemm, type Gemm } from '../../../server/engine/gemm/gemm.ts';
import { portableGemm } from '../../../server/engine/gemm/portable.ts';
import { modelDims } from '../../../server/engine/weights.ts';
import { initWeights } from '../../../server/training/init.ts';
import type { TensorMap } from '../../../server/storage/safetensors.ts';
import { moduloFamily } from './fixtures.ts';

const settings = { directions: 7, epsilon: 0.1, seed: 3 };

async function flatnessAt(gemm: Gemm, processes: number | undefined, epochs: number[]): Promise<TensorMap[]> {
  const dims = modelDims((await moduloFamily()).architecture, 11);
  const analyzer = landscapeFlatness(settings, processes === undefined ? {} : { processes });
  try {
    const results: TensorMap[] = [];
    for (const epoch of epochs) {
      const context = {
        dims,
        gemm,
        weights: initWeights(dims, epoch),
        operation: 'add',
        probeLoss: gridLoss(dims, 'add', gemm),
      } as unknown as EpochContext;
      results.push(await analyzer.compute(context));
    }
    return results;
  } finally {
    analyzer.close?.();
  }
}

describe.each(availableBackends())('landscape_flatness, %s backend', (backend) => {
  const gemm = selectGemm(backend);

  it('is the same in this process (when it sums with one thread) and split unevenly over 1, 2 and 3 helpers, at every checkpoint', async () => {
    const reference = await flatnessAt(gemm, gemm.threads === 1 ? 0 : 1, [1, 2]);
    expect(reference[0]!.delta_losses!.data).toHaveLength(7);
    expect(reference[0]).not.toEqual(reference[1]);
    for (const processes of [1, 2, 3, undefined])
      expect(await flatnessAt(gemm, processes, [1, 2]), `processes: ${processes}`).toEqual(reference);
  });
});

it('refuses to compute in a process whose products use several threads, naming the multiply', async () => {
  const twoThreads: Gemm = { ...portableGemm, threads: 2, description: 'a two-thread multiply' };
  await expect(flatnessAt(twoThreads, 0, [1])).rejects.toThrow(
    "needs one-thread sums; this process's matrix multiply is a two-thread multiply",
  );
});
