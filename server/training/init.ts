/** Seeded initialization (docs/ARCHITECTURE.md §5.7): every W_ tensor i.i.d. N(0, (0.8/√d_model)²), biases zero. */
import { WEIGHT_NAMES, zeroWeights, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { Mt19937, NormalStream } from './rng.ts';

/**
 * One normal stream from Mt19937(seed), drawn tensor by tensor in TransformerLens registration
 * order (W_E, W_pos, W_Q, W_O, W_K, W_V, W_in, W_out, W_U), each in row-major order.
 */
export function initWeights(d: ModelDims, seed: number): ModelWeights {
  const std = 0.8 / Math.sqrt(d.dModel);
  const normals = new NormalStream(new Mt19937(seed));
  const weights = zeroWeights(d);
  for (const name of WEIGHT_NAMES) {
    const tensor = weights[name];
    for (let i = 0; i < tensor.length; i++) tensor[i] = std * normals.next();
  }
  return weights;
}
