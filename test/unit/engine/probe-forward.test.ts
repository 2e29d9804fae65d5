/**
 * probeForward against a naive transformer forward written straight from docs/ARCHITECTURE.md §5.3 (every position,
 * every head, float64, no tables), on p = 5 with a small architecture.
 */
import { expect, it } from 'vitest';
import { probeForward, probeLoss } from '../../../server/engine/probe-forward.ts';
import { modelDims, type ModelWeights } from '../../../server/engine/weights.ts';
import { initWeights } from '../../../server/training/init.ts';
import { naiveForward } from '../../helpers/naive-forward.ts';

const arch = { n_heads: 2, d_model: 8, d_head: 4, d_mlp: 16 };
const P = 5;

/** Float32 agreement of a vector: every entry within 1e-5 of the largest magnitude in it. */
function expectClose(actual: Float32Array, expected: number[]) {
  const scale = Math.max(1, ...expected.map(Math.abs));
  expected.forEach((value, i) => expect(Math.abs(actual[i]! - value)).toBeLessThanOrEqual(1e-5 * scale));
}

it('matches a naive forward on every grid row: logits, MLP activations and the full causal pattern', () => {
  const weights = initWeights(modelDims(arch, P), 3);
  for (const name of Object.keys(weights) as (keyof ModelWeights)[]) weights[name].forEach((v, i, t) => (t[i] = v * 4));
  const probe = probeForward(weights, arch, P);
  expect(probe.logits).toHaveLength(P * P * P);
  expect(probe.mlpPost).toHaveLength(P * P * arch.d_mlp);
  expect(probe.attnPattern).toHaveLength(P * P * arch.n_heads * 9);
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) {
      const row = a * P + b;
      const naive = naiveForward(weights, modelDims(arch, P), a, b);
      expectClose(probe.logits.subarray(row * P, (row + 1) * P), naive.logits);
      expectClose(probe.mlpPost.subarray(row * arch.d_mlp, (row + 1) * arch.d_mlp), naive.post);
      naive.pattern.forEach((rows, h) =>
        rows.forEach((keys, q) =>
          keys.forEach((pk, k) => expect(probe.attnPattern[((row * arch.n_heads + h) * 3 + q) * 3 + k]).toBeCloseTo(pk, 5)),
        ),
      );
    }
  }
  // The loss helper is the training loss: mean −log softmax(logits)[label] over the chosen rows,
  // labelled by the operation: row 7 is (a, b) = (1, 2), label 3 for addition and 4 for subtraction.
  const rows = [0, 7, 24];
  const labels = { add: [0, 3, 3], subtract: [0, 4, 0] } as const;
  for (const operation of ['add', 'subtract'] as const) {
    const expected =
      rows.reduce((s, row, k) => {
        const l = Array.from(probe.logits.subarray(row * P, (row + 1) * P));
        const top = Math.max(...l);
        return s + Math.log(l.reduce((t, v) => t + Math.exp(v - top), 0)) + top - l[labels[operation][k]!]!;
      }, 0) / rows.length;
    expect(probeLoss(probe.logits, P, operation, rows)).toBeCloseTo(expected, 12);
  }
});
