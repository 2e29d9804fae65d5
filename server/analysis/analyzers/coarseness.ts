/**
 * coarseness (docs/ARCHITECTURE.md §6.13): how much of each neuron's variance lives in the lowest frequencies.
 *
 * coarseness[n] = Σ_{k=1..3} norm_matrix[k−1][n], shape (dMlp,), stored per epoch. A neuron is a
 * "blob" when coarseness ≥ 0.7 (and "plaid" below 0.5).
 *
 * Summary: mean, population std, median, 25th and 75th percentiles, blob_count, and
 * coarseness_hist (20 equal bins over [0, 1]).
 */
import { float32, values, type Analyzer } from '../analyzer.ts';
import { lowFrequencyShare } from '../fourier.ts';
import { histogram, mean, median, percentile, populationStd } from '../stats.ts';

export const BLOB_THRESHOLD = 0.7;

export const coarseness: Analyzer = {
  name: 'coarseness',
  compute({ dims: { p, dMlp }, neuronFractions }) {
    return { coarseness: float32([dMlp], lowFrequencyShare(neuronFractions(), dMlp, p)) };
  },
  summarize(result) {
    const perNeuron = values(result, 'coarseness');
    return {
      mean_coarseness: mean(perNeuron),
      std_coarseness: populationStd(perNeuron),
      median_coarseness: median(perNeuron),
      p25_coarseness: percentile(perNeuron, 25),
      p75_coarseness: percentile(perNeuron, 75),
      // float32 values against the float32 threshold, as NumPy compares a float32 array with a Python float.
      blob_count: perNeuron.filter((c) => c >= Math.fround(BLOB_THRESHOLD)).length,
      coarseness_hist: histogram(perNeuron, 20, 0, 1),
    };
  },
};
