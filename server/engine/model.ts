/**
 * Forward and backward passes of the 1-layer TransformerLens model (docs/ARCHITECTURE.md §5.3, §5.4) for tokens
 * [a, b, "="], written for its structure rather than as a general transformer.
 *
 * Only the logits at the last position (the "=" query, index 2) reach the loss. With no LayerNorm:
 *   x0 = W_E[a] + W_pos[0],  x1 = W_E[b] + W_pos[1],  x2 = W_E[p] + W_pos[2] (the same for every example)
 *   s_j[h]    = (x2·W_Q[h]) · (x_j·W_K[h]) / √d_head              scores of the query at position 2
 *   pat[h]    = softmax_j(s_j[h])                                 over keys j = 0, 1, 2 (all ≤ 2: no mask)
 *   z[h]      = Σ_j pat_j[h] · (x_j·W_V[h])                       head outputs before W_O
 *   mid       = x2 + Σ_h z[h]·W_O[h]                              residual after attention
 *   pre       = mid·W_in,  post = ReLU(pre)
 *   logits    = (mid + post·W_out)·W_U
 * Every x_j depends on one token, so keys, values and scores are per-token tables ("rows": x0 for
 * each number token, x1 for each number token, then x2), computed once per pass and gathered per
 * example. Products of weights are folded once per pass too, which leaves two GEMMs per example.
 * With z1 = [z, 1] (z with a trailing 1) and outRows = [W_O; x2] (W_O [H, d_head, d_model] read as
 * H·d_head rows, then x2 as one more row), mid·W = z1·(outRows·W) for any W, so
 *   pre    = z1·A_in            A_in = outRows·W_in   [H·d_head + 1, d_mlp]
 *   logits = z1·A_U + post·B_U  A_U  = outRows·W_U    [H·d_head + 1, p],  B_U = W_out·W_U  [d_mlp, p]
 * and the gradients of the x2 row come out of the same GEMMs. Biases are zero (frozen).
 * Activations are float32; the cross-entropy is float64 (see loss.ts).
 */
import type { Gemm } from './gemm/gemm.ts';
import { correctPredictions, crossEntropySum, fastExp } from './loss.ts';
import { simdFloat32Array, simdRelu } from './relu-simd.ts';
import type { ModelDims, ModelWeights } from './weights.ts';

/** A set of examples [a, b, "="]: what the forward pass reads. */
export interface Inputs {
  n: number;
  a: Int32Array;
  b: Int32Array;
}

/** Examples with their labels, the family's operation of (a, b) mod p: what the loss reads. */
export interface Batch extends Inputs {
  labels: Int32Array;
}

/** Per-token tables and folded weight products for one set of weights. */
export interface Tables {
  /** rows[r][d]: x0 for token r (r < p), x1 for token r − p (p ≤ r < 2p), x2 (r = 2p). [2p+1, d_model] */
  rows: Float32Array;
  /** query[h][e] = (x2·W_Q[h])[e]. [H, d_head] */
  query: Float32Array;
  /** keys[h][r][e] = (rows[r]·W_K[h])[e]. [H, 2p+1, d_head] */
  keys: Float32Array;
  /** values[h][r][e] = (rows[r]·W_V[h])[e]. [H, 2p+1, d_head] */
  values: Float32Array;
  /** scores[r][h] = query[h]·keys[h][r] / √d_head. [2p+1, H] */
  scores: Float64Array;
  /** outRows = [W_O; x2] [H·d_head + 1, d_model] */
  outRows: Float32Array;
  /** outRows·W_in [H·d_head + 1, d_mlp] */
  A_in: Float32Array;
  /** outRows·W_U [H·d_head + 1, p] */
  A_U: Float32Array;
  /** W_out·W_U [d_mlp, p] */
  B_U: Float32Array;
}

/** Activations of one pass over a batch, kept for the backward pass. Buffers are reused. */
export interface Activations {
  capacity: number;
  /** attnPattern[example][head][key] for the query at position 2. [N, H, 3] */
  pattern: Float32Array;
  /** z1[example] = [z[head·d_head + e] …, 1]. [N, H·d_head + 1] */
  z1: Float32Array;
  /** post[example][m] = ReLU(pre). [N, d_mlp] */
  post: Float32Array;
  /** logits[example][c] at the last position. [N, p] */
  logits: Float32Array;
}

/** Scratch for the backward pass. */
export interface GradientScratch {
  capacity: number;
  /** ∂L/∂logits [N, p] */
  dLogits: Float32Array;
  /** ∂L/∂pre [N, d_mlp] (∂L/∂post masked by ReLU′) */
  dPre: Float32Array;
  /** ∂L/∂z1 [N, H·d_head + 1] (the last column is not used) */
  dz1: Float32Array;
  dB_U: Float32Array;
  dA_U: Float32Array;
  dA_in: Float32Array;
  /** ∂L/∂outRows [H·d_head + 1, d_model] */
  dOutRows: Float32Array;
  /** ∂L/∂scores[r][h], accumulated over examples. [2p+1, H] */
  dScores: Float64Array;
  /** ∂L/∂values[h][r][e], accumulated over examples. [H, 2p+1, d_head] */
  dValues64: Float64Array;
  dValues: Float32Array;
  /** ∂L/∂keys[h][r][e] [H, 2p+1, d_head] */
  dKeys: Float32Array;
  /** ∂L/∂query[h][e] [H, d_head] */
  dQuery: Float32Array;
  /** ∂L/∂rows [2p+1, d_model] */
  dRows: Float32Array;
  /** ∂L/∂x2 through the query [d_model] */
  dx2: Float64Array;
}

export function tableRowCount(d: ModelDims): number {
  return 2 * d.p + 1;
}

export function createTables(d: ModelDims): Tables {
  const rows = tableRowCount(d);
  const hd = d.nHeads * d.dHead;
  return {
    rows: new Float32Array(rows * d.dModel),
    query: new Float32Array(hd),
    keys: new Float32Array(d.nHeads * rows * d.dHead),
    values: new Float32Array(d.nHeads * rows * d.dHead),
    scores: new Float64Array(rows * d.nHeads),
    outRows: new Float32Array((hd + 1) * d.dModel),
    A_in: new Float32Array((hd + 1) * d.dMlp),
    A_U: new Float32Array((hd + 1) * d.p),
    B_U: new Float32Array(d.dMlp * d.p),
  };
}

/**
 * `simdPost`: allocate `post` in its own WebAssembly memory, where the forward's ReLU runs with SIMD.
 * Only for buffers that stay inside the engine: a WebAssembly memory's buffer cannot be transferred
 * to another thread (probeForward hands `post` to its caller, so it keeps an ordinary buffer).
 */
export function createActivations(d: ModelDims, capacity: number, simdPost = false): Activations {
  return {
    capacity,
    pattern: new Float32Array(capacity * d.nHeads * 3),
    z1: new Float32Array(capacity * (d.nHeads * d.dHead + 1)).fill(1),
    post: simdPost ? simdFloat32Array(capacity * d.dMlp) : new Float32Array(capacity * d.dMlp),
    logits: new Float32Array(capacity * d.p),
  };
}

export function createGradientScratch(d: ModelDims, capacity: number): GradientScratch {
  const rows = tableRowCount(d);
  const hd = d.nHeads * d.dHead;
  return {
    capacity,
    dLogits: new Float32Array(capacity * d.p),
    dPre: new Float32Array(capacity * d.dMlp),
    dz1: new Float32Array(capacity * (hd + 1)),
    dB_U: new Float32Array(d.dMlp * d.p),
    dA_U: new Float32Array((hd + 1) * d.p),
    dA_in: new Float32Array((hd + 1) * d.dMlp),
    dOutRows: new Float32Array((hd + 1) * d.dModel),
    dScores: new Float64Array(rows * d.nHeads),
    dValues64: new Float64Array(d.nHeads * rows * d.dHead),
    dValues: new Float32Array(d.nHeads * rows * d.dHead),
    dKeys: new Float32Array(d.nHeads * rows * d.dHead),
    dQuery: new Float32Array(hd),
    dRows: new Float32Array(rows * d.dModel),
    dx2: new Float64Array(d.dModel),
  };
}

/** Fills `t` from the weights: the per-token tables and the folded products. */
export function computeTables(w: ModelWeights, d: ModelDims, gemm: Gemm, t: Tables): void {
  const { p, dModel: D, dHead: E, nHeads: H, dMlp: M } = d;
  const R = tableRowCount(d);
  const hd = H * E;
  // rows[t] = W_E[t] + W_pos[0]; rows[p+t] = W_E[t] + W_pos[1]; rows[2p] = W_E[p] + W_pos[2]
  for (let tok = 0; tok < p; tok++) {
    for (let i = 0; i < D; i++) {
      t.rows[tok * D + i] = w.W_E[tok * D + i]! + w.W_pos[i]!;
      t.rows[(p + tok) * D + i] = w.W_E[tok * D + i]! + w.W_pos[D + i]!;
    }
  }
  const x2 = t.rows.subarray(2 * p * D, (2 * p + 1) * D);
  for (let i = 0; i < D; i++) x2[i] = w.W_E[p * D + i]! + w.W_pos[2 * D + i]!;

  for (let h = 0; h < H; h++) {
    const W_Qh = w.W_Q.subarray(h * D * E, (h + 1) * D * E);
    // query[h] = x2·W_Q[h]
    gemm.sgemm(false, false, 1, E, D, 1, x2, D, W_Qh, E, 0, t.query.subarray(h * E, (h + 1) * E), E);
    // keys[h] = rows·W_K[h], values[h] = rows·W_V[h]
    gemm.sgemm(
      false,
      false,
      R,
      E,
      D,
      1,
      t.rows,
      D,
      w.W_K.subarray(h * D * E, (h + 1) * D * E),
      E,
      0,
      t.keys.subarray(h * R * E, (h + 1) * R * E),
      E,
    );
    gemm.sgemm(
      false,
      false,
      R,
      E,
      D,
      1,
      t.rows,
      D,
      w.W_V.subarray(h * D * E, (h + 1) * D * E),
      E,
      0,
      t.values.subarray(h * R * E, (h + 1) * R * E),
      E,
    );
  }
  // scores[r][h] = query[h]·keys[h][r] / √d_head
  const scale = 1 / Math.sqrt(E);
  for (let h = 0; h < H; h++) {
    for (let r = 0; r < R; r++) {
      let dot = 0;
      for (let e = 0; e < E; e++) dot += t.query[h * E + e]! * t.keys[(h * R + r) * E + e]!;
      t.scores[r * H + h] = Math.fround(dot) * scale;
    }
  }
  t.outRows.set(w.W_O);
  t.outRows.set(x2, hd * D);
  gemm.sgemm(false, false, hd + 1, M, D, 1, t.outRows, D, w.W_in, M, 0, t.A_in, M);
  gemm.sgemm(false, false, hd + 1, p, D, 1, t.outRows, D, w.W_U, p, 0, t.A_U, p);
  gemm.sgemm(false, false, M, p, D, 1, w.W_out, D, w.W_U, p, 0, t.B_U, p);
}

/**
 * Examples per chunk of a forward pass. Each chunk's MLP activations ([CHUNK, d_mlp] float32 =
 * 1 MB for d_mlp = 512) are still in cache when the ReLU and the next GEMM read them; a full-batch
 * pass streams them through memory several times.
 */
const FORWARD_CHUNK = 512;

/**
 * z1 rows for examples first … first + count − 1 of the batch, written from row 0 of `z1`; the
 * attention pattern too when `pattern` is given (same row offset). z1 must have its trailing 1s.
 */
export function attend(
  batch: Inputs,
  first: number,
  count: number,
  d: ModelDims,
  t: Tables,
  z1: Float32Array,
  pattern: Float32Array | null,
): void {
  const { p, dHead: E, nHeads: H } = d;
  const R = tableRowCount(d);
  const K = H * E + 1;
  const { scores, values } = t;
  const queryRow = 2 * p;
  for (let i = 0; i < count; i++) {
    const row0 = batch.a[first + i]!;
    const row1 = p + batch.b[first + i]!;
    for (let h = 0; h < H; h++) {
      // pat = softmax(s0, s1, s2), shifted by the max for stability
      const s0 = scores[row0 * H + h]!;
      const s1 = scores[row1 * H + h]!;
      const s2 = scores[queryRow * H + h]!;
      const top = Math.max(s0, s1, s2);
      const e0 = fastExp(s0 - top);
      const e1 = fastExp(s1 - top);
      const e2 = fastExp(s2 - top);
      const inv = 1 / (e0 + e1 + e2);
      const p0 = Math.fround(e0 * inv);
      const p1 = Math.fround(e1 * inv);
      const p2 = Math.fround(e2 * inv);
      if (pattern) {
        const pi = (i * H + h) * 3;
        pattern[pi] = p0;
        pattern[pi + 1] = p1;
        pattern[pi + 2] = p2;
      }
      // z[n][h] = Σ_j pat_j · values[h][row_j]
      const v0 = (h * R + row0) * E;
      const v1 = (h * R + row1) * E;
      const v2 = (h * R + queryRow) * E;
      const zi = i * K + h * E;
      for (let e = 0; e < E; e++) {
        z1[zi + e] = p0 * values[v0 + e]! + p1 * values[v1 + e]! + p2 * values[v2 + e]!;
      }
    }
  }
}

/**
 * The MLP and unembedding for `count` examples whose z1 rows are given:
 *   post = ReLU(z1·A_in) [count, d_mlp],  logits = z1·A_U + post·B_U [count, p]
 */
function mlpAndUnembed(
  count: number,
  d: ModelDims,
  t: Tables,
  gemm: Gemm,
  z1: Float32Array,
  post: Float32Array,
  logits: Float32Array,
): void {
  const { p, dMlp: M } = d;
  const K = d.nHeads * d.dHead + 1;
  gemm.sgemm(false, false, count, M, K, 1, z1, K, t.A_in, M, 0, post, M);
  relu(post, count * M);
  gemm.sgemm(false, false, count, p, K, 1, z1, K, t.A_U, p, 0, logits, p);
  gemm.sgemm(false, false, count, p, M, 1, post, M, t.B_U, p, 1, logits, p);
}

/** Fills `out` (pattern, z1, post, logits) for the batch, in chunks of FORWARD_CHUNK examples. */
export function forward(batch: Inputs, d: ModelDims, t: Tables, gemm: Gemm, out: Activations): void {
  const { p, nHeads: H, dMlp: M } = d;
  const K = H * d.dHead + 1;
  const N = batch.n;
  if (N > out.capacity) throw new Error(`activation buffers hold ${out.capacity} examples, not ${N}`);
  for (let first = 0; first < N; first += FORWARD_CHUNK) {
    const count = Math.min(FORWARD_CHUNK, N - first);
    const z1 = out.z1.subarray(first * K, (first + count) * K);
    attend(batch, first, count, d, t, z1, out.pattern.subarray(first * H * 3, (first + count) * H * 3));
    const post = out.post.subarray(first * M, (first + count) * M);
    mlpAndUnembed(count, d, t, gemm, z1, post, out.logits.subarray(first * p, (first + count) * p));
  }
}

/** Buffers for one chunk of a loss-only forward pass (forwardLoss). */
export interface LossScratch {
  /** [FORWARD_CHUNK, H·d_head + 1], trailing 1s */
  z1: Float32Array;
  /** [FORWARD_CHUNK, d_mlp] */
  post: Float32Array;
  /** [FORWARD_CHUNK, p] */
  logits: Float32Array;
}

export function createLossScratch(d: ModelDims): LossScratch {
  return {
    z1: new Float32Array(FORWARD_CHUNK * (d.nHeads * d.dHead + 1)).fill(1),
    post: simdFloat32Array(FORWARD_CHUNK * d.dMlp), // in WebAssembly memory for the SIMD ReLU
    logits: new Float32Array(FORWARD_CHUNK * d.p),
  };
}

/** What a loss-only forward pass measures on a batch of N examples. */
export interface LossAndAccuracy {
  /** Mean cross-entropy, (1/N) Σ_n −log_softmax(logits[n])[label_n], in float64. */
  loss: number;
  /** (1/N) · #{n : argmax_c logits[n][c] = label_n}, the first index of the largest logit on a tie. */
  accuracy: number;
}

/**
 * Mean cross-entropy and accuracy of the batch (as crossEntropy and correctPredictions of forward's
 * logits), keeping no activations: each chunk of examples goes through attention, MLP, unembedding,
 * loss and argmax in cache-sized buffers.
 */
export function forwardLoss(batch: Batch, d: ModelDims, t: Tables, gemm: Gemm, s: LossScratch): LossAndAccuracy {
  const N = batch.n;
  let total = 0;
  let correct = 0;
  for (let first = 0; first < N; first += FORWARD_CHUNK) {
    const count = Math.min(FORWARD_CHUNK, N - first);
    attend(batch, first, count, d, t, s.z1, null);
    mlpAndUnembed(count, d, t, gemm, s.z1, s.post, s.logits);
    total += crossEntropySum(s.logits, batch.labels, first, count, d.p, N);
    correct += correctPredictions(s.logits, batch.labels, first, count, d.p);
  }
  return { loss: total / N, accuracy: correct / N };
}

/**
 * x ← max(x, 0) on the first n values, on the float bits: a set sign bit (negative, −0) clears the
 * word. Branch-free, because the signs of pre-activations are unpredictable.
 */
function relu(x: Float32Array, n: number): void {
  const bits = new Int32Array(x.buffer, x.byteOffset, n);
  // SIMD when x lives in a simdFloat32Array (the activations' post buffers), then the rest here,
  // unrolled by 4 (V8 does not vectorise; this halves the loop overhead per value).
  let i = simdRelu(x, n);
  for (; i + 4 <= n; i += 4) {
    const b0 = bits[i]!;
    const b1 = bits[i + 1]!;
    const b2 = bits[i + 2]!;
    const b3 = bits[i + 3]!;
    bits[i] = b0 & ~(b0 >> 31);
    bits[i + 1] = b1 & ~(b1 >> 31);
    bits[i + 2] = b2 & ~(b2 >> 31);
    bits[i + 3] = b3 & ~(b3 >> 31);
  }
  for (; i < n; i++) bits[i] &= ~(bits[i]! >> 31);
}

/** g ← g where post > 0, else 0 (post ≥ 0 after ReLU), branch-free on the bits as above. */
function reluGradient(g: Float32Array, post: Float32Array, n: number): void {
  const gBits = new Int32Array(g.buffer, g.byteOffset, n);
  const postBits = new Int32Array(post.buffer, post.byteOffset, n);
  // (b | −b) >> 31 is all ones when b ≠ 0. Unrolled by 4 like relu.
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const b0 = postBits[i]!;
    const b1 = postBits[i + 1]!;
    const b2 = postBits[i + 2]!;
    const b3 = postBits[i + 3]!;
    gBits[i] &= (b0 | -b0) >> 31;
    gBits[i + 1] &= (b1 | -b1) >> 31;
    gBits[i + 2] &= (b2 | -b2) >> 31;
    gBits[i + 3] &= (b3 | -b3) >> 31;
  }
  for (; i < n; i++) {
    const b = postBits[i]!;
    gBits[i] &= (b | -b) >> 31;
  }
}

/**
 * Gradients of the loss with respect to every weight, written into `grads`, given
 * `scratch.dLogits` = ∂L/∂logits (filled by the loss) and the activations of the same batch.
 */
export function backward(
  batch: Batch,
  d: ModelDims,
  w: ModelWeights,
  t: Tables,
  act: Activations,
  gemm: Gemm,
  s: GradientScratch,
  grads: ModelWeights,
): void {
  const { p, dModel: D, dHead: E, nHeads: H, dMlp: M } = d;
  const R = tableRowCount(d);
  const hd = H * E;
  const N = batch.n;
  const { pattern, z1, post } = act;
  const { dLogits, dPre, dz1 } = s;
  const K = hd + 1;

  // logits = z1·A_U + post·B_U
  gemm.sgemm(true, false, M, p, N, 1, post, M, dLogits, p, 0, s.dB_U, p); // ∂B_U = postᵀ·∂logits
  gemm.sgemm(true, false, K, p, N, 1, z1, K, dLogits, p, 0, s.dA_U, p); // ∂A_U = z1ᵀ·∂logits
  gemm.sgemm(false, true, N, M, p, 1, dLogits, p, t.B_U, p, 0, dPre, M); // ∂post = ∂logits·B_Uᵀ
  reluGradient(dPre, post, N * M); // ∂pre = ∂post ⊙ [pre > 0]
  // pre = z1·A_in
  gemm.sgemm(true, false, K, M, N, 1, z1, K, dPre, M, 0, s.dA_in, M); // ∂A_in = z1ᵀ·∂pre
  gemm.sgemm(false, true, N, K, p, 1, dLogits, p, t.A_U, p, 0, dz1, K); // ∂z1 = ∂logits·A_Uᵀ
  gemm.sgemm(false, true, N, K, M, 1, dPre, M, t.A_in, M, 1, dz1, K); //     + ∂pre·A_inᵀ

  // Attention, per example and head: z = Σ_j pat_j v_j, pat = softmax(s)
  //   ∂pat_j = ∂z·v_j,  ∂v_j += pat_j ∂z,  ∂s_j = pat_j (∂pat_j − Σ_k pat_k ∂pat_k)
  const { dScores, dValues64 } = s;
  dScores.fill(0);
  dValues64.fill(0);
  const queryRow = 2 * p;
  for (let n = 0; n < N; n++) {
    const row0 = batch.a[n]!;
    const row1 = p + batch.b[n]!;
    for (let h = 0; h < H; h++) {
      const pi = (n * H + h) * 3;
      const p0 = pattern[pi]!;
      const p1 = pattern[pi + 1]!;
      const p2 = pattern[pi + 2]!;
      const v0 = (h * R + row0) * E;
      const v1 = (h * R + row1) * E;
      const v2 = (h * R + queryRow) * E;
      const zi = n * K + h * E;
      let dp0 = 0;
      let dp1 = 0;
      let dp2 = 0;
      for (let e = 0; e < E; e++) {
        const g = dz1[zi + e]!;
        dp0 += g * t.values[v0 + e]!;
        dp1 += g * t.values[v1 + e]!;
        dp2 += g * t.values[v2 + e]!;
        dValues64[v0 + e] += p0 * g;
        dValues64[v1 + e] += p1 * g;
        dValues64[v2 + e] += p2 * g;
      }
      const mean = p0 * dp0 + p1 * dp1 + p2 * dp2;
      dScores[row0 * H + h] += p0 * (dp0 - mean);
      dScores[row1 * H + h] += p1 * (dp1 - mean);
      dScores[queryRow * H + h] += p2 * (dp2 - mean);
    }
  }

  // scores[r][h] = query[h]·keys[h][r] / √d_head
  const scale = 1 / Math.sqrt(E);
  s.dValues.set(dValues64);
  for (let h = 0; h < H; h++) {
    for (let e = 0; e < E; e++) {
      let dq = 0;
      for (let r = 0; r < R; r++) dq += dScores[r * H + h]! * t.keys[(h * R + r) * E + e]!;
      s.dQuery[h * E + e] = dq * scale;
    }
    for (let r = 0; r < R; r++) {
      const g = dScores[r * H + h]! * scale;
      for (let e = 0; e < E; e++) s.dKeys[(h * R + r) * E + e] = g * t.query[h * E + e]!;
    }
  }

  // keys[h] = rows·W_K[h], values[h] = rows·W_V[h], query[h] = x2·W_Q[h]
  const x2 = t.rows.subarray(2 * p * D, (2 * p + 1) * D);
  s.dRows.fill(0);
  for (let h = 0; h < H; h++) {
    const weightSlice = (W: Float32Array) => W.subarray(h * D * E, (h + 1) * D * E);
    const tableSlice = (T: Float32Array) => T.subarray(h * R * E, (h + 1) * R * E);
    gemm.sgemm(true, false, D, E, R, 1, t.rows, D, tableSlice(s.dKeys), E, 0, weightSlice(grads.W_K), E); // ∂W_K[h] = rowsᵀ·∂keys[h]
    gemm.sgemm(true, false, D, E, R, 1, t.rows, D, tableSlice(s.dValues), E, 0, weightSlice(grads.W_V), E); // ∂W_V[h] = rowsᵀ·∂values[h]
    gemm.sgemm(false, true, R, D, E, 1, tableSlice(s.dKeys), E, weightSlice(w.W_K), E, 1, s.dRows, D); // ∂rows += ∂keys[h]·W_K[h]ᵀ
    gemm.sgemm(false, true, R, D, E, 1, tableSlice(s.dValues), E, weightSlice(w.W_V), E, 1, s.dRows, D); // ∂rows += ∂values[h]·W_V[h]ᵀ
    gemm.sgemm(true, false, D, E, 1, 1, x2, D, s.dQuery.subarray(h * E, (h + 1) * E), E, 0, weightSlice(grads.W_Q), E); // ∂W_Q[h] = x2ᵀ·∂query[h]
  }

  // Folded products: A_in = outRows·W_in, A_U = outRows·W_U, B_U = W_out·W_U
  gemm.sgemm(true, false, D, M, K, 1, t.outRows, D, s.dA_in, M, 0, grads.W_in, M); // ∂W_in = outRowsᵀ·∂A_in
  gemm.sgemm(true, false, D, p, K, 1, t.outRows, D, s.dA_U, p, 0, grads.W_U, p); // ∂W_U = outRowsᵀ·∂A_U
  gemm.sgemm(true, false, D, p, M, 1, w.W_out, D, s.dB_U, p, 1, grads.W_U, p); //       + W_outᵀ·∂B_U
  gemm.sgemm(false, true, K, D, M, 1, s.dA_in, M, w.W_in, M, 0, s.dOutRows, D); // ∂outRows = ∂A_in·W_inᵀ
  gemm.sgemm(false, true, K, D, p, 1, s.dA_U, p, w.W_U, p, 1, s.dOutRows, D); //             + ∂A_U·W_Uᵀ
  grads.W_O.set(s.dOutRows.subarray(0, hd * D));
  gemm.sgemm(false, true, M, D, p, 1, s.dB_U, p, w.W_U, p, 0, grads.W_out, D); // ∂W_out = ∂B_U·W_Uᵀ

  // ∂x2 outside the key/value rows: its outRows row, plus Σ_h ∂query[h]·W_Q[h]ᵀ
  const { dx2 } = s;
  for (let i = 0; i < D; i++) {
    let g = s.dOutRows[hd * D + i]!;
    for (let h = 0; h < H; h++) {
      for (let e = 0; e < E; e++) g += s.dQuery[h * E + e]! * w.W_Q[(h * D + i) * E + e]!;
    }
    dx2[i] = g;
  }

  // rows[t] = W_E[t] + W_pos[0], rows[p+t] = W_E[t] + W_pos[1], rows[2p] = x2 = W_E[p] + W_pos[2]
  grads.W_pos.fill(0);
  for (let tok = 0; tok < p; tok++) {
    for (let i = 0; i < D; i++) {
      const g0 = s.dRows[tok * D + i]!;
      const g1 = s.dRows[(p + tok) * D + i]!;
      grads.W_E[tok * D + i] = g0 + g1;
      grads.W_pos[i] += g0;
      grads.W_pos[D + i] += g1;
    }
  }
  for (let i = 0; i < D; i++) {
    const g2 = s.dRows[2 * p * D + i]! + dx2[i]!;
    grads.W_E[p * D + i] = g2;
    grads.W_pos[2 * D + i] = g2;
  }
}
