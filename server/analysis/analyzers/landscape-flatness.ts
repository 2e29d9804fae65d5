/**
 * landscape_flatness (spec §4.5, §4.6): how much the loss rises along random directions of fixed length.
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
 * Cost: 51 full-grid forward passes per checkpoint, 85 % of a default run's analysis. With the
 * native GEMM on a multi-core machine they run in helper processes (flatness-pool.ts), the
 * directions split between them, each with a one-thread OpenBLAS: this beats one process with a
 * two-thread OpenBLAS because a third of each pass (attention, ReLU, cross-entropy) is
 * single-threaded JavaScript. Results are then those of one-thread OpenBLAS sums, the same whichever
 * process computes a direction; in-process results can differ from them in the last float32 bits.
 */
import { availableParallelism } from 'node:os';
import { WEIGHT_NAMES, weightShapes, type ModelDims, type ModelWeights } from '../../engine/weights.ts';
import { Mt19937, NormalStream } from '../../training/rng.ts';
import { float32, values, type Analyzer, type EpochContext } from '../analyzer.ts';
import { FlatnessPool } from '../flatness-pool.ts';
import { max, mean, median, percentile, populationStd } from '../stats.ts';

export interface FlatnessSettings {
  directions: number;
  epsilon: number;
  seed: number;
}

export const FLATNESS_DEFAULTS: FlatnessSettings = { directions: 50, epsilon: 0.1, seed: 0 };

/** Below this many grid pairs (p ≈ 45) a pass takes a few ms and starting helper processes does not pay. */
const POOL_MIN_PAIRS = 2000;

export interface FlatnessOptions {
  /** Helper processes for the perturbed passes; 0 computes in this process. Default: 2 when worth it. */
  processes?: number;
}

/** L(θ) and L(θ + step_t) for t = 0 … directions − 1. */
export interface PerturbedLosses {
  baseline: number;
  perturbed: Float64Array;
}

export function landscapeFlatness(settings: FlatnessSettings = FLATNESS_DEFAULTS, options: FlatnessOptions = {}): Analyzer {
  const { directions, epsilon, seed } = settings;
  // The steps ε·d/‖d‖ depend only on the seed and the parameter shapes: drawn once per run, reused at every checkpoint.
  let steps: ModelWeights[] | undefined;
  let pool: FlatnessPool | undefined;
  const processesFor = ({ dims, gemm }: EpochContext) =>
    options.processes ?? (gemm.name === 'native' && dims.p * dims.p >= POOL_MIN_PAIRS ? Math.min(2, availableParallelism()) : 0);

  async function losses(context: EpochContext): Promise<PerturbedLosses> {
    if (!pool && processesFor(context) > 1) pool = new FlatnessPool(context.dims, settings, processesFor(context));
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
        delta_losses: float32([directions], perturbed.map((loss) => loss - baseline)),
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
 * Steps first … first + count − 1 of the `directions` steps ε·d/‖d‖, shaped like the weights,
 * d ~ N(0, I) drawn from the engine's seeded Mersenne Twister normal stream over all parameters in
 * module order (WEIGHT_NAMES), one direction after another (earlier directions are drawn and skipped).
 */
export function perturbationSteps(dims: ModelDims, { directions, epsilon, seed }: FlatnessSettings, first = 0, count = directions - first): ModelWeights[] {
  const shapes = weightShapes(dims);
  const sizes = WEIGHT_NAMES.map((name) => shapes[name].reduce((a, b) => a * b, 1));
  const normal = new NormalStream(new Mt19937(seed));
  const steps: ModelWeights[] = [];
  for (let t = 0; t < first + count; t++) {
    const draw = sizes.map((size) => {
      const part = new Float64Array(size);
      for (let j = 0; j < size; j++) part[j] = normal.next();
      return part;
    });
    if (t < first) continue;
    let squares = 0;
    for (const part of draw) for (let j = 0; j < part.length; j++) squares += part[j]! * part[j]!;
    const scale = epsilon / Math.sqrt(squares);
    steps.push(Object.fromEntries(WEIGHT_NAMES.map((name, i) => [name, Float32Array.from(draw[i]!, (x) => scale * x)])) as unknown as ModelWeights);
  }
  return steps;
}

/** L(θ) and L(θ + step) for each step, the step added to the float32 weights in float32. */
export function perturbedLosses(weights: ModelWeights, steps: readonly ModelWeights[], loss: (weights: ModelWeights) => number, withBaseline = true): PerturbedLosses {
  const baseline = withBaseline ? loss(weights) : NaN;
  const perturbed = new Float64Array(steps.length);
  const moved = Object.fromEntries(WEIGHT_NAMES.map((name) => [name, new Float32Array(weights[name].length)])) as unknown as ModelWeights;
  steps.forEach((step, t) => {
    for (const name of WEIGHT_NAMES) {
      const [target, base, delta] = [moved[name], weights[name], step[name]];
      for (let j = 0; j < target.length; j++) target[j] = base[j]! + delta[j]!;
    }
    perturbed[t] = loss(moved);
  });
  return { baseline, perturbed };
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
