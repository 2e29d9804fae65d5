/**
 * AdamW as torch.optim.AdamW computes it (decoupled weight decay, no amsgrad), applied to the W_
 * tensors only: the frozen biases never get a gradient, so torch skips them entirely.
 * For each parameter θ with gradient g, at step t (counting from 1):
 *   θ ← θ·(1 − lr·wd)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 * Moments are stored as float32 like torch's and read back before use; each expression is
 * evaluated in float64 and rounded once when stored.
 */
import { OPTIMIZER, type TrainingParams } from '../../shared/training-params.ts';
import { WEIGHT_NAMES, zeroWeights, type ModelDims, type ModelWeights } from '../engine/weights.ts';

export interface AdamState {
  /** Number of steps taken so far. */
  step: number;
  m: ModelWeights;
  v: ModelWeights;
}

/** As recorded in metadata.json's `optimizer`. */
export interface AdamHyperParams {
  learning_rate: number;
  weight_decay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** A run's hyper-parameters: its learning rate and weight decay, and the fixed betas and eps. */
export function adamHyperParams(training: Pick<TrainingParams, 'learning_rate' | 'weight_decay'>): AdamHyperParams {
  return { learning_rate: training.learning_rate, weight_decay: training.weight_decay, ...OPTIMIZER };
}

export function initialAdamState(d: ModelDims): AdamState {
  return { step: 0, m: zeroWeights(d), v: zeroWeights(d) };
}

export function adamwStep(params: ModelWeights, grads: ModelWeights, state: AdamState, hp: AdamHyperParams): void {
  state.step += 1;
  const { learning_rate: lr, weight_decay: wd, beta1, beta2, eps } = hp;
  const decay = 1 - lr * wd;
  const stepSize = lr / (1 - beta1 ** state.step);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** state.step);
  const b1c = 1 - beta1;
  const b2c = 1 - beta2;
  for (const name of WEIGHT_NAMES) {
    const theta = params[name];
    const g = grads[name];
    const m = state.m[name];
    const v = state.v[name];
    // One pass per tensor. Math.fround(x) is the value a Float32Array store of x reads back as, so
    // the moments are used as stored without reloading them.
    for (let i = 0, n = theta.length; i < n; i++) {
      const gi = g[i]!;
      const mi = Math.fround(beta1 * m[i]! + b1c * gi);
      const vi = Math.fround(beta2 * v[i]! + b2c * gi * gi);
      m[i] = mi;
      v[i] = vi;
      theta[i] = theta[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / bias2Sqrt + eps);
    }
  }
}
