/**
 * Cross-entropy at the last position, in float64 as the original computes it (spec §3.3):
 *   loss = −(1/N) Σ_n log_softmax(logits[n])[label_n]
 *        = (1/N) Σ_n (log Σ_c exp(logits[n][c] − max_n) + max_n − logits[n][label_n])
 * and, when asked, its gradient ∂loss/∂logits[n][c] = (softmax(logits[n])[c] − [c = label_n]) / N,
 * computed in float64 and stored as float32 (the dtype of the logits).
 */
export function crossEntropy(
  logits: Float32Array,
  labels: Int32Array,
  n: number,
  p: number,
  dLogits?: Float32Array,
): number {
  let total = 0;
  const probs = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const base = i * p;
    let top = -Infinity;
    for (let c = 0; c < p; c++) if (logits[base + c]! > top) top = logits[base + c]!;
    let sum = 0;
    for (let c = 0; c < p; c++) {
      const e = Math.exp(logits[base + c]! - top);
      probs[c] = e;
      sum += e;
    }
    const label = labels[i]!;
    total += Math.log(sum) + top - logits[base + label]!;
    if (dLogits) {
      const scale = 1 / (sum * n);
      for (let c = 0; c < p; c++) dLogits[base + c] = probs[c]! * scale;
      dLogits[base + label] = (probs[label]! / sum - 1) / n;
    }
  }
  return total / n;
}
