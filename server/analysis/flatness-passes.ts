/**
 * landscape_flatness's perturbed forward passes (docs/ARCHITECTURE.md, "landscape_flatness"),
 * shared by the analyzer (in process) and its helper processes (flatness-worker.ts).
 */
import { WEIGHT_NAMES, weightShapes, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { Mt19937, NormalStream } from '../training/rng.ts';

export interface FlatnessSettings {
  directions: number;
  epsilon: number;
  seed: number;
}

export const FLATNESS_DEFAULTS: FlatnessSettings = { directions: 50, epsilon: 0.1, seed: 0 };

/** L(θ) and L(θ + step_t) for t = 0 … directions − 1. */
export interface PerturbedLosses {
  baseline: number;
  perturbed: Float64Array;
}

/**
 * Steps first … first + count − 1 of the `directions` steps ε·d/‖d‖, shaped like the weights,
 * d ~ N(0, I) drawn from the engine's seeded Mersenne Twister normal stream over all parameters in
 * module order (WEIGHT_NAMES), one direction after another (earlier directions are drawn and skipped).
 * Each step is computed in float64 and stored as float32.
 */
export function perturbationSteps(
  dims: ModelDims,
  { directions, epsilon, seed }: FlatnessSettings,
  first = 0,
  count = directions - first,
): ModelWeights[] {
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
    steps.push(
      Object.fromEntries(WEIGHT_NAMES.map((name, i) => [name, Float32Array.from(draw[i]!, (x) => scale * x)])) as unknown as ModelWeights,
    );
  }
  return steps;
}

/** L(θ) and L(θ + step) for each step, the step added to the float32 weights in float32. */
export function perturbedLosses(
  weights: ModelWeights,
  steps: readonly ModelWeights[],
  loss: (weights: ModelWeights) => number,
  withBaseline = true,
): PerturbedLosses {
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
