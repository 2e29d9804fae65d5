/**
 * landscape_flatness (docs/ARCHITECTURE.md §6.12): how much the loss rises along random directions of fixed length.
 *
 * For each of N = 50 directions: draw d ~ N(0, I) over all trainable parameters concatenated in
 * module order (W_E, W_pos, W_Q, W_O, W_K, W_V, W_in, W_out, W_U; 226,048 values at p = 113),
 * scale it to unit L2 norm, and record Δ = L(θ + ε·d) − L(θ) with ε = 0.1, L the mean
 * cross-entropy over all p² pairs. Stores baseline_loss (0-d), delta_losses (N,), epsilon (0-d)
 * and seed (0-d, int32). A few hundred bytes per epoch.
 *
 * Unlike the original (an unseeded generator by default), the directions are seeded (default 0,
 * recorded in the file): the same directions at every checkpoint, so the trajectory's changes come
 * from the landscape, not from resampling. Each step ε·d/‖d‖ is computed in float64 and stored as
 * float32, then added to the float32 weights.
 *
 * Summary: mean, median, max, population std and 90th percentile of Δ, the baseline, and
 * flatness_ratio = fraction of Δ below 0.1·baseline (0.1 when the baseline is not positive).
 *
 * Cost: 51 full-grid forward passes per checkpoint, 85 % of a default run's analysis. A job with
 * several matrix-multiply threads splits the directions over as many helper processes
 * (flatness-pool.ts), each with a one-thread OpenBLAS: this beats one process with several threads
 * because a third of each pass (attention, ReLU, cross-entropy) is single-threaded JavaScript.
 * Every pass sums as a one-thread multiply, so results do not depend on the process that computed them.
 */
import { float32, values, type Analyzer, type EpochContext } from '../analyzer.ts';
import { FLATNESS_DEFAULTS, perturbationSteps, perturbedLosses, type FlatnessSettings, type PerturbedLosses } from '../flatness-passes.ts';
import type { ModelWeights } from '../../engine/weights.ts';
import { FlatnessPool } from '../flatness-pool.ts';
import { max, mean, median, percentile, populationStd } from '../stats.ts';

/** Below this many grid pairs (p ≈ 45) a pass takes a few ms and several helper processes do not pay. */
const POOL_MIN_PAIRS = 2000;

export interface FlatnessOptions {
  /**
   * Helper processes for the perturbed passes; 0 computes in this process, which needs a one-thread
   * matrix multiply. Default: as many as the job's matrix-multiply threads (docs/ARCHITECTURE.md §2.6).
   */
  processes?: number;
}

export function landscapeFlatness(settings: FlatnessSettings = FLATNESS_DEFAULTS, options: FlatnessOptions = {}): Analyzer {
  const { directions, epsilon, seed } = settings;
  // The steps ε·d/‖d‖ depend only on the seed and the parameter shapes: drawn once per run, reused at every checkpoint.
  let steps: ModelWeights[] | undefined;
  let pool: FlatnessPool | undefined;

  async function losses(context: EpochContext): Promise<PerturbedLosses> {
    const processes = options.processes ?? defaultProcesses(context);
    if (processes === 0 && context.gemm.threads !== 1) {
      throw new Error(`landscape_flatness in process needs one-thread sums; this process's matrix multiply is ${context.gemm.description}`);
    }
    if (!pool && processes > 0) pool = new FlatnessPool(context.dims, context.operation, settings, processes, context.gemm.name);
    if (pool) return pool.losses(context.weights);
    steps ??= perturbationSteps(context.dims, settings);
    return perturbedLosses(context.weights, steps, context.probeLoss);
  }

  return {
    name: 'landscape_flatness',
    async compute(context) {
      const { baseline, perturbed } = await losses(context);
      return {
        baseline_loss: float32([], [baseline]),
        delta_losses: float32(
          [directions],
          perturbed.map((loss) => loss - baseline),
        ),
        epsilon: float32([], [epsilon]),
        seed: { dtype: 'I32', shape: [], data: Int32Array.of(seed) },
      };
    },
    summarize(result) {
      const deltas = values(result, 'delta_losses');
      const baseline = values(result, 'baseline_loss')[0]!;
      return { ...deltaSummary(deltas), baseline_loss: baseline, flatness_ratio: flatnessRatio(deltas, baseline) };
    },
    close() {
      pool?.close();
      pool = undefined;
    },
  };
}

/**
 * Every pass sums as a one-thread matrix multiply does, wherever it runs, so the result does not
 * depend on which process computed it: in this process when its multiply is one-thread, otherwise
 * in one-thread helpers, as many as this process's threads (its share of the cores), and only one
 * when the grid is too small for the split to pay.
 */
function defaultProcesses({ dims, gemm }: EpochContext): number {
  if (gemm.threads === 1) return 0;
  return dims.p * dims.p >= POOL_MIN_PAIRS ? gemm.threads : 1;
}

export function deltaSummary(deltas: ArrayLike<number>) {
  return {
    mean_delta_loss: mean(deltas),
    median_delta_loss: median(deltas),
    max_delta_loss: max(deltas),
    std_delta_loss: populationStd(deltas),
    p90_delta_loss: percentile(deltas, 90),
  };
}

/** Fraction of directions whose loss rise stays below 10 % of the baseline (below 0.1 if the baseline is ≤ 0). */
export function flatnessRatio(deltas: ArrayLike<number>, baseline: number): number {
  const threshold = baseline > 0 ? 0.1 * baseline : 0.1;
  let below = 0;
  for (let i = 0; i < deltas.length; i++) if (deltas[i]! < threshold) below++;
  return below / deltas.length;
}
