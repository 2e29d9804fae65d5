/**
 * Backward pass against central finite differences, p = 7 with a small architecture (2 heads of 4,
 * d_model 8, d_mlp 16) on the full grid. Weights are the seeded init scaled by 2.5 so the loss is far
 * from uniform and every path carries gradient. For each tensor, the 5 largest gradient entries are
 * compared with (L(w + ε) − L(w − ε)) / 2ε, ε = 1e-2; the forward pass is float32, so the tolerance
 * is 2e-2 relative (observed: at most 8e-3, most entries below 1e-4).
 */
import { describe, expect, it } from 'vitest';
import { availableBackends, selectGemm } from '../../../server/engine/gemm/gemm.ts';
import { cloneWeights, modelDims, WEIGHT_NAMES } from '../../../server/engine/weights.ts';
import { fullGrid } from '../../../server/training/data.ts';
import { initWeights } from '../../../server/training/init.ts';
import { lossAndGradients, newGradients } from './helpers.ts';

describe.each(availableBackends())('gradients vs finite differences, %s backend', (backend) => {
  it.each(WEIGHT_NAMES)('%s', (name) => {
    const gemm = selectGemm(backend);
    const d = modelDims({ n_heads: 2, d_model: 8, d_head: 4, d_mlp: 16 }, 7);
    const weights = initWeights(d, 1);
    for (const n of WEIGHT_NAMES) weights[n].forEach((v, i, t) => (t[i] = v * 2.5));
    const batch = fullGrid(7, 'add');
    const grads = newGradients(d);
    lossAndGradients(weights, d, batch, gemm, grads);
    const largest = [...grads[name].keys()].sort((i, j) => Math.abs(grads[name][j]!) - Math.abs(grads[name][i]!)).slice(0, 5);
    expect(Math.abs(grads[name][largest[0]!]!)).toBeGreaterThan(0.1);
    for (const i of largest) {
      const plus = cloneWeights(weights);
      const minus = cloneWeights(weights);
      plus[name][i]! += 1e-2;
      minus[name][i]! -= 1e-2;
      const step = plus[name][i]! - minus[name][i]!;
      const numeric = (lossAndGradients(plus, d, batch, gemm) - lossAndGradients(minus, d, batch, gemm)) / step;
      expect(Math.abs(numeric - grads[name][i]!) / Math.abs(grads[name][i]!), `${name}[${i}]`).toBeLessThan(2e-2);
    }
  });
});
