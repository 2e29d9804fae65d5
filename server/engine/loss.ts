/**
 * Cross-entropy at the last position, in float64 (docs/ARCHITECTURE.md §5.5):
 *   loss = −(1/N) Σ_n log_softmax(logits[n])[label_n]
 *        = (1/N) Σ_n (log Σ_c exp(logits[n][c] − max_n) + max_n − logits[n][label_n])
 * and, when asked, its gradient ∂loss/∂logits[n][c] = (softmax(logits[n])[c] − [c = label_n]) / N,
 * computed in float64 and stored as float32 (the dtype of the logits).
 * Any shift gives the same value up to rounding; the code shifts by the label's logit, so that
 *   loss_n = log Σ_c exp(logits[n][c] − logits[n][label_n])
 * in one pass (no max pass). The sum is ≥ 1 (the label's term is 1), so it cannot underflow; if it
 * overflows (some logit exceeds the label's by > 709), that example is redone shifted by its max.
 *
 * Also the accuracy's count of correct predictions (argmax of the logits = label), read from the same
 * logits: `correctPredictions`.
 */

// fastExp(x) = e^x to within a few float64 ulps (max relative error ≈ 1e-15 on |x| < 700).
// Math.exp costs 10–15 ns a call in V8 (an out-of-line C call); this inlines to ~3 ns, and the
// cross-entropy makes p exps per example. Method: k = round(64x/ln2) = 64q + j (0 ≤ j < 64)
// and r = x − k·ln2/64, |r| ≤ ln2/128, so e^x = 2^(j/64) · 2^q · e^r: the two powers of 2 come
// from tables, e^r from a degree-5 Taylor polynomial (truncation error r⁶/720 < 4e-17).
const EXP_TABLE_BITS = 6;
const EXP_TABLE_SIZE = 1 << EXP_TABLE_BITS;
/** 2^(j/64), j = 0 … 63 */
const EXP_FRACTION = Float64Array.from({ length: EXP_TABLE_SIZE }, (_, j) => 2 ** (j / EXP_TABLE_SIZE));
/** 2^q at index q + EXP_POW2_OFFSET, q = −1024 … 1023 (|x| < 700 needs |q| ≤ 1010) */
const EXP_POW2_OFFSET = 1024;
const EXP_POW2 = Float64Array.from({ length: 2 * EXP_POW2_OFFSET }, (_, i) => 2 ** (i - EXP_POW2_OFFSET));
const EXP_INV_STEP = EXP_TABLE_SIZE / Math.LN2;
// ln2/64 split in two so that k·STEP_HI is exact (STEP_HI has 24 significant bits, |k| < 2^16)
const EXP_STEP_HI = Math.fround(Math.LN2 / EXP_TABLE_SIZE / 2 ** -10) * 2 ** -10;
const EXP_STEP_LO = Math.LN2 / EXP_TABLE_SIZE - EXP_STEP_HI;
/** Adding then subtracting 1.5·2^52 rounds a double of magnitude < 2^51 to the nearest integer. */
const ROUND_MAGIC = 6755399441055744;

export function fastExp(x: number): number {
  if (!(x > -700 && x < 700)) return Math.exp(x); // tails, overflow and NaN: rare, leave to Math.exp
  const kf = x * EXP_INV_STEP + ROUND_MAGIC - ROUND_MAGIC; // k = round(64x/ln2)
  const r = x - kf * EXP_STEP_HI - kf * EXP_STEP_LO;
  const k = kf | 0;
  const poly = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  // k = 64·q + j with j = k & 63 ∈ [0, 64), q = k >> 6 (arithmetic shift floors)
  return EXP_FRACTION[k & (EXP_TABLE_SIZE - 1)]! * EXP_POW2[(k >> EXP_TABLE_BITS) + EXP_POW2_OFFSET]! * poly;
}

/** exp(logits[base + c] − shift) for one example, reused across calls. */
let expScratch = new Float64Array(0);

export function crossEntropy(logits: Float32Array, labels: Int32Array, n: number, p: number, dLogits?: Float32Array): number {
  return crossEntropySum(logits, labels, 0, n, p, n, dLogits) / n;
}

/**
 * Σ over examples i < count of −log_softmax(logits[i])[labels[labelOffset + i]] (not divided by
 * anything), with the gradient (softmax − onehot) / gradScale written to dLogits[i] when given.
 * Lets a caller sum the loss over chunks of a batch.
 */
export function crossEntropySum(
  logits: Float32Array,
  labels: Int32Array,
  labelOffset: number,
  count: number,
  p: number,
  gradScale: number,
  dLogits?: Float32Array,
): number {
  let total = 0;
  if (expScratch.length < p) expScratch = new Float64Array(p);
  const probs = expScratch;
  // Loops index the logits from base to end directly: measurably faster in V8 than base + c.
  for (let i = 0; i < count; i++) {
    const base = i * p;
    const end = base + p;
    const label = labels[labelOffset + i]!;
    const labelLogit = logits[base + label]!;
    // probs[c] = exp(logits[c] − shift), kept in float64 for the gradient
    let shift = labelLogit;
    let sum = 0;
    if (dLogits) {
      for (let j = base, c = 0; j < end; j++, c++) {
        const e = fastExp(logits[j]! - shift);
        probs[c] = e;
        sum += e;
      }
    } else {
      for (let j = base; j < end; j++) sum += fastExp(logits[j]! - shift);
    }
    if (!(sum < Infinity)) {
      // overflow (or NaN logits): shift by the max instead, as the textbook form does
      shift = -Infinity;
      for (let j = base; j < end; j++) if (logits[j]! > shift) shift = logits[j]!;
      sum = 0;
      for (let j = base, c = 0; j < end; j++, c++) {
        const e = fastExp(logits[j]! - shift);
        probs[c] = e;
        sum += e;
      }
    }
    total += Math.log(sum) + shift - labelLogit;
    if (dLogits) {
      const scale = 1 / (sum * gradScale);
      for (let j = base, c = 0; j < end; j++, c++) dLogits[j] = probs[c]! * scale;
      dLogits[base + label] = (probs[label]! / sum - 1) / gradScale;
    }
  }
  return total;
}

/**
 * Correct predictions among examples i < count: the prediction is argmax_c logits[i][c], the first
 * index of the largest logit on a tie (as torch.argmax and NumPy's argmax), and it is correct when it
 * equals labels[labelOffset + i]. Accuracy = correct / N. (A diverged run's NaN logits never compare
 * larger, so its predictions are arbitrary but still deterministic; its loss says NaN.)
 */
export function correctPredictions(logits: Float32Array, labels: Int32Array, labelOffset: number, count: number, p: number): number {
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const base = i * p;
    let predicted = 0;
    let largest = logits[base]!;
    for (let c = 1; c < p; c++) {
      const logit = logits[base + c]!;
      if (logit > largest) {
        largest = logit;
        predicted = c;
      }
    }
    if (predicted === labels[labelOffset + i]) correct++;
  }
  return correct;
}
