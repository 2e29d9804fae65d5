/**
 * The independent reference forward for tests: one example [a, b, "="] straight from docs/ARCHITECTURE.md §5.3 —
 * every position, every head, causal softmax, float64, no per-token tables.
 */
import type { ModelDims, ModelWeights } from '../../server/engine/weights.ts';

/** Logits at "=", the post-ReLU MLP there, and pattern[head][query][key]. */
export function naiveForward(w: ModelWeights, d: ModelDims, a: number, b: number) {
  const { p, dModel: D, dHead: E, nHeads: H, dMlp: M } = d;
  const tokens = [a, b, p];
  const x = tokens.map((token, pos) => Array.from({ length: D }, (_, i) => w.W_E[token * D + i]! + w.W_pos[pos * D + i]!));
  const project = (v: number[], W: Float32Array, h: number) =>
    Array.from({ length: E }, (_, e) => v.reduce((sum, vi, i) => sum + vi * W[(h * D + i) * E + e]!, 0));
  const pattern: number[][][] = [];
  const residual = x.map((row) => [...row]);
  for (let h = 0; h < H; h++) {
    const q = x.map((v) => project(v, w.W_Q, h));
    const k = x.map((v) => project(v, w.W_K, h));
    const v = x.map((row) => project(row, w.W_V, h));
    pattern.push(
      q.map((qi, query) => {
        const scores = k.map((kj, key) => (key > query ? -Infinity : qi.reduce((s, qe, e) => s + qe * kj[e]!, 0) / Math.sqrt(E)));
        const top = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - top));
        const total = exps.reduce((s, e) => s + e, 0);
        return exps.map((e) => e / total);
      }),
    );
    for (let query = 0; query < 3; query++) {
      const z = Array.from({ length: E }, (_, e) => pattern[h]![query]!.reduce((s, weight, key) => s + weight * v[key]![e]!, 0));
      for (let i = 0; i < D; i++) residual[query]![i]! += z.reduce((s, ze, e) => s + ze * w.W_O[(h * E + e) * D + i]!, 0);
    }
  }
  const last = residual[2]!;
  const post = Array.from({ length: M }, (_, m) =>
    Math.max(
      0,
      last.reduce((s, v, i) => s + v * w.W_in[i * M + m]!, 0),
    ),
  );
  const final = last.map((v, i) => v + post.reduce((s, pm, m) => s + pm * w.W_out[m * D + i]!, 0));
  const logits = Array.from({ length: p }, (_, c) => final.reduce((s, v, i) => s + v * w.W_U[i * p + c]!, 0));
  return { logits, post, pattern };
}

/** Share of the grid rows `indices` (i = a·p + b) whose naive forward's argmax (the first on a tie) is (a + b) mod p. */
export function naiveAccuracy(w: ModelWeights, d: ModelDims, indices: readonly number[]): number {
  let correct = 0;
  for (const i of indices) {
    const [a, b] = [Math.floor(i / d.p), i % d.p];
    const logits = naiveForward(w, d, a, b).logits;
    if (logits.indexOf(Math.max(...logits)) === (a + b) % d.p) correct++;
  }
  return correct / indices.length;
}
