/**
 * probeForward against a naive transformer forward written straight from spec §2.2 (every position,
 * every head, float64, no tables), on p = 5 with a small architecture.
 */
import { expect, it } from 'vitest';
import { probeForward, probeLoss } from '../../../server/engine/probe-forward.ts';
import { modelDims, type ModelWeights } from '../../../server/engine/weights.ts';
import { initWeights } from '../../../server/training/init.ts';

const arch = { n_heads: 2, d_model: 8, d_head: 4, d_mlp: 16 };
const P = 5;

/** Logits at the last position, post-ReLU MLP there, and pattern[head][query][key], for tokens [a, b, p]. */
function naiveForward(w: ModelWeights, a: number, b: number) {
  const { dModel: D, nHeads: H, dHead: E, dMlp: M } = modelDims(arch, P);
  const tokens = [a, b, P];
  const x = tokens.map((tok, pos) => Array.from({ length: D }, (_, i) => w.W_E[tok * D + i]! + w.W_pos[pos * D + i]!));
  const project = (v: number[], W: Float32Array, h: number) =>
    Array.from({ length: E }, (_, e) => v.reduce((s, vi, i) => s + vi * W[(h * D + i) * E + e]!, 0));
  const pattern: number[][][] = [];
  const attnOut = x.map(() => new Array<number>(D).fill(0));
  for (let h = 0; h < H; h++) {
    const q = x.map((v) => project(v, w.W_Q, h));
    const k = x.map((v) => project(v, w.W_K, h));
    const v = x.map((row) => project(row, w.W_V, h));
    pattern.push(
      q.map((qi, query) => {
        const scores = k.map((kj, key) => (key <= query ? qi.reduce((s, qe, e) => s + qe * kj[e]!, 0) / Math.sqrt(E) : -Infinity));
        const top = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - top));
        const total = exps.reduce((s, e) => s + e, 0);
        return exps.map((e) => e / total);
      }),
    );
    for (let query = 0; query < 3; query++) {
      const z = Array.from({ length: E }, (_, e) => pattern[h]![query]!.reduce((s, pk, key) => s + pk * v[key]![e]!, 0));
      for (let i = 0; i < D; i++) attnOut[query]![i]! += z.reduce((s, ze, e) => s + ze * w.W_O[(h * E + e) * D + i]!, 0);
    }
  }
  const mid = x[2]!.map((xi, i) => xi + attnOut[2]![i]!);
  const post = Array.from({ length: M }, (_, m) => Math.max(0, mid.reduce((s, r, i) => s + r * w.W_in[i * M + m]!, 0)));
  const resid = mid.map((r, i) => r + post.reduce((s, pm, m) => s + pm * w.W_out[m * D + i]!, 0));
  const logits = Array.from({ length: P }, (_, c) => resid.reduce((s, r, i) => s + r * w.W_U[i * P + c]!, 0));
  return { logits, post, pattern };
}

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
      const naive = naiveForward(weights, a, b);
      expectClose(probe.logits.subarray(row * P, (row + 1) * P), naive.logits);
      expectClose(probe.mlpPost.subarray(row * arch.d_mlp, (row + 1) * arch.d_mlp), naive.post);
      naive.pattern.forEach((rows, h) =>
        rows.forEach((keys, q) => keys.forEach((pk, k) => expect(probe.attnPattern[((row * arch.n_heads + h) * 3 + q) * 3 + k]).toBeCloseTo(pk, 5))),
      );
      expect(probe.labels[row]).toBe((a + b) % P);
    }
  }
  // The loss helper is the training loss: mean −log softmax(logits)[label] over the chosen rows.
  const rows = [0, 7, 24];
  const expected =
    rows.reduce((s, row) => {
      const l = Array.from(probe.logits.subarray(row * P, (row + 1) * P));
      const top = Math.max(...l);
      return s + Math.log(l.reduce((t, v) => t + Math.exp(v - top), 0)) + top - l[probe.labels[row]!]!;
    }, 0) / rows.length;
  expect(probeLoss(probe.logits, P, rows)).toBeCloseTo(expected, 12);
});
