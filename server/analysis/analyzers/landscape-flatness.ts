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
 */
import { cloneWeights, WEIGHT_NAMES, type ModelWeights } from '../../engine/weights.ts';
import { Mt19937, NormalStream } from '../../training/rng.ts';
import { float32, values, type Analyzer } from '../analyzer.ts';
import { max, mean, median, percentile, populationStd } from '../stats.ts';

export const FLATNESS_DEFAULTS = { directions: 50, epsilon: 0.1, seed: 0 } as const;

export function landscapeFlatness({ directions, epsilon, seed } = FLATNESS_DEFAULTS): Analyzer {
  // The steps ε·d/‖d‖ depend only on the seed and the parameter count: drawn once, reused at every checkpoint.
  let steps: { count: number; list: ModelWeights[] } | undefined;
  return {
    name: 'landscape_flatness',
    compute({ weights, probeLoss }) {
      const count = WEIGHT_NAMES.reduce((total, name) => total + weights[name].length, 0);
      if (steps?.count !== count) steps = { count, list: perturbationSteps(weights, directions, epsilon, seed) };
      const baseline = probeLoss(weights);
      const deltas = new Float32Array(directions);
      const perturbed = cloneWeights(weights);
      steps.list.forEach((step, t) => {
        for (const name of WEIGHT_NAMES) {
          const [target, base, delta] = [perturbed[name], weights[name], step[name]];
          for (let j = 0; j < target.length; j++) target[j] = base[j]! + delta[j]!;
        }
        deltas[t] = probeLoss(perturbed) - baseline;
      });
      return {
        baseline_loss: float32([], [baseline]),
        delta_losses: float32([directions], deltas),
        epsilon: float32([], [epsilon]),
        seed: { dtype: 'I32', shape: [], data: Int32Array.of(seed) },
      };
    },
    summarize(result) {
      const deltas = values(result, 'delta_losses');
      const baseline = values(result, 'baseline_loss')[0]!;
      return { ...deltaSummary(deltas), baseline_loss: baseline, flatness_ratio: flatnessRatio(deltas, baseline) };
    },
  };
}

/**
 * `directions` steps ε·d/‖d‖ shaped like the weights, d ~ N(0, I) drawn from the engine's seeded
 * Mersenne Twister normal stream over all parameters in module order (WEIGHT_NAMES).
 */
export function perturbationSteps(like: ModelWeights, directions: number, epsilon: number, seed: number): ModelWeights[] {
  const normal = new NormalStream(new Mt19937(seed));
  return Array.from({ length: directions }, () => {
    const draw = WEIGHT_NAMES.map((name) => {
      const part = new Float64Array(like[name].length);
      for (let j = 0; j < part.length; j++) part[j] = normal.next();
      return part;
    });
    let squares = 0;
    for (const part of draw) for (let j = 0; j < part.length; j++) squares += part[j]! * part[j]!;
    const scale = epsilon / Math.sqrt(squares);
    return Object.fromEntries(
      WEIGHT_NAMES.map((name, i) => {
        const part = draw[i]!;
        const step = new Float32Array(part.length);
        for (let j = 0; j < part.length; j++) step[j] = scale * part[j]!;
        return [name, step];
      }),
    ) as unknown as ModelWeights;
  });
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
