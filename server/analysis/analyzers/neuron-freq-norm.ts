/**
 * neuron_freq_norm (docs/ARCHITECTURE.md §6.7): each neuron's non-constant variance explained by each frequency.
 *
 * norm_matrix[f][n], shape (⌊p/2⌋, dMlp): the 2-D Fourier transform of neuron n's p×p activation
 * grid, reduced to frequency variance fractions (see fourier.ts). Stored per epoch (115 KB at p = 113).
 *
 * Summary, with specialization threshold τ = 0.9: a neuron is specialized when its largest
 * fraction ≥ τ, at frequency index dom = argmax. Counts per frequency and per band (thirds of
 * the index range: low dom < ⌊n/3⌋, mid < ⌊2n/3⌋, high the rest), the total, and the mean and
 * median of the largest fraction over all neurons.
 */
import { float32, values, type Analyzer, type SummaryRow } from '../analyzer.ts';
import { columnMax, mean, median } from '../stats.ts';

export const SPECIALIZATION_THRESHOLD = 0.9;

export const neuronFreqNorm: Analyzer = {
  name: 'neuron_freq_norm',
  compute({ dims: { dMlp }, neuronFractions }) {
    const fractions = neuronFractions();
    return { norm_matrix: float32([fractions.length / dMlp, dMlp], fractions) };
  },
  summarize(result) {
    const [nFreq, nNeurons] = result.norm_matrix!.shape as [number, number];
    return specializationSummary(values(result, 'norm_matrix'), nFreq, nNeurons, SPECIALIZATION_THRESHOLD);
  },
};

export function specializationSummary(normMatrix: ArrayLike<number>, nFreq: number, nNeurons: number, threshold: number): SummaryRow {
  const { value: maxFraction, row: dominant } = columnMax(normMatrix, nFreq, nNeurons);
  const nLow = Math.floor(nFreq / 3);
  const nMid = Math.floor((2 * nFreq) / 3);
  const perFrequency = new Float64Array(nFreq);
  let low = 0;
  let mid = 0;
  let high = 0;
  for (let n = 0; n < nNeurons; n++) {
    if (maxFraction[n]! < Math.fround(threshold)) continue; // float32 comparison, as NumPy does for float32 data
    const f = dominant[n]!;
    perFrequency[f]! += 1;
    if (f < nLow) low++;
    else if (f < nMid) mid++;
    else high++;
  }
  return {
    specialized_count_per_freq: perFrequency,
    specialized_count_low: low,
    specialized_count_mid: mid,
    specialized_count_high: high,
    specialized_count_total: low + mid + high,
    mean_max_frac: mean(maxFraction),
    median_max_frac: median(maxFraction),
  };
}
