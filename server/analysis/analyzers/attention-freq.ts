/**
 * attention_freq (docs/ARCHITECTURE.md §6.9): how much of each head's "= attends to a" pattern each frequency explains.
 *
 * freq_matrix[f][h], shape (⌊p/2⌋, nHeads): the (query 2, key 0) attention weight over the p×p
 * grid, put through the 2-D Fourier transform and the frequency variance fractions. Stored per epoch.
 *
 * Summary: each head's dominant frequency index (argmax, 0-based, k − 1), its largest fraction,
 * and the mean of the largest fractions over heads.
 */
import { float32, values, type Analyzer } from '../analyzer.ts';
import { fourier2d, frequencyCount, frequencyVarianceFractions } from '../fourier.ts';
import { columnMax, mean } from '../stats.ts';

const QUERY = 2; // "="
const KEY = 0; // "a"

export const attentionFreq: Analyzer = {
  name: 'attention_freq',
  compute({ dims: { p, nHeads, nCtx }, probe, basis, gemm }) {
    const { attnPattern } = probe(); // [p², nHeads, nCtx, nCtx]
    const grids = new Float32Array(p * p * nHeads); // [(a, b)][h], channels last for fourier2d
    for (let row = 0; row < p * p; row++) {
      for (let h = 0; h < nHeads; h++) grids[row * nHeads + h] = attnPattern[((row * nHeads + h) * nCtx + QUERY) * nCtx + KEY]!;
    }
    const fractions = frequencyVarianceFractions(fourier2d(grids, nHeads, basis, gemm), nHeads, p);
    return { freq_matrix: float32([frequencyCount(p), nHeads], fractions) };
  },
  summarize(result) {
    const [nFreq, nHeads] = result.freq_matrix!.shape as [number, number];
    const { value: maxFraction, row: dominant } = columnMax(values(result, 'freq_matrix'), nFreq, nHeads);
    return {
      dominant_freq_per_head: Float64Array.from(dominant),
      max_frac_per_head: maxFraction,
      mean_specialization: mean(maxFraction),
    };
  },
};
