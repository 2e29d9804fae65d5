import { describe, expect, it } from 'vitest';
import { float32 } from '../../../server/analysis/analyzer.ts';
import { attentionFreq } from '../../../server/analysis/analyzers/attention-freq.ts';
import { coarseness } from '../../../server/analysis/analyzers/coarseness.ts';
import { effectiveDimensionality } from '../../../server/analysis/analyzers/effective-dimensionality.ts';
import { flatnessRatio, landscapeFlatness } from '../../../server/analysis/analyzers/landscape-flatness.ts';
import { specializationSummary } from '../../../server/analysis/analyzers/neuron-freq-norm.ts';
import { histogram, median, percentile, populationStd } from '../../../server/analysis/stats.ts';
import { stackSummary } from '../../../server/analysis/summary.ts';

describe('statistics with NumPy definitions', () => {
  it('percentile interpolates linearly between order statistics', () => {
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12); // rank 2.7
    expect(percentile([10, 0, 5], 25)).toBeCloseTo(2.5, 12); // sorted 0 5 10, rank 0.5
    expect(percentile([7], 90)).toBe(7);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
  it('std is the population standard deviation', () => expect(populationStd([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2));
  it('histogram over [0, 1] closes the last bin', () =>
    expect(Array.from(histogram([0, 0.05, 0.5, 1, 1.2], 4, 0, 1))).toEqual([2, 0, 1, 1]));
});

describe('neuron_freq_norm summary', () => {
  it('counts specialized neurons (max ≥ 0.9) per frequency and per band', () => {
    // 6 frequencies → bands: low f < 2, mid 2 ≤ f < 4, high f ≥ 4. Columns are neurons.
    const maxima = [
      [0, 0.95], // neuron 0: low
      [3, 0.9], // neuron 1: mid, exactly at the threshold
      [5, 0.89], // neuron 2: not specialized
      [5, 0.99], // neuron 3: high
      [2, 0.92], // neuron 4: mid
    ];
    const normMatrix = new Float64Array(6 * 5);
    maxima.forEach(([f, value], n) => {
      normMatrix[f! * 5 + n] = value!;
      normMatrix[((f! + 1) % 6) * 5 + n] = (1 - value!) / 2;
    });
    const summary = specializationSummary(normMatrix, 6, 5, 0.9);
    expect(Array.from(summary.specialized_count_per_freq as Float64Array)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(summary).toMatchObject({
      specialized_count_low: 1,
      specialized_count_mid: 2,
      specialized_count_high: 1,
      specialized_count_total: 4,
    });
    expect(summary.mean_max_frac).toBeCloseTo((0.95 + 0.9 + 0.89 + 0.99 + 0.92) / 5, 12);
    expect(summary.median_max_frac).toBeCloseTo(0.92, 12);
  });
});

describe('attention_freq summary', () => {
  it('takes each head’s argmax frequency (0-based) and largest fraction', () => {
    // 3 frequencies × 2 heads
    const result = { freq_matrix: float32([3, 2], [0.1, 0.7, 0.8, 0.2, 0.1, 0.05]) };
    const summary = attentionFreq.summarize!(result);
    expect(Array.from(summary.dominant_freq_per_head as Float64Array)).toEqual([1, 0]);
    expect(Array.from(summary.max_frac_per_head as Float64Array)).toEqual([expect.closeTo(0.8, 6), expect.closeTo(0.7, 6)]);
    expect(summary.mean_specialization).toBeCloseTo(0.75, 6);
  });
});

describe('landscape_flatness summary', () => {
  it('flatness ratio: share of Δ below 10 % of the baseline, or below 0.1 when the baseline is not positive', () => {
    expect(flatnessRatio([0.01, 0.05, 0.2, -0.1], 1)).toBe(0.75);
    expect(flatnessRatio([0.01, 0.05, 0.2, -0.1], 0.2)).toBe(0.5);
    expect(flatnessRatio([0.01, 0.05, 0.2, -0.1], 0)).toBe(0.75);
    expect(flatnessRatio([0.01, 0.05, 0.2, -0.1], -1)).toBe(0.75);
  });
  it('summarizes the stored deltas', () => {
    const result = { baseline_loss: float32([], [2]), delta_losses: float32([5], [0.1, 0.3, 0.2, 0.5, 0.4]) };
    const summary = landscapeFlatness().summarize!(result);
    expect(summary.mean_delta_loss).toBeCloseTo(0.3, 6);
    expect(summary.median_delta_loss).toBeCloseTo(0.3, 6);
    expect(summary.max_delta_loss).toBeCloseTo(0.5, 6);
    expect(summary.std_delta_loss).toBeCloseTo(Math.sqrt(0.02), 6);
    expect(summary.p90_delta_loss).toBeCloseTo(0.46, 6);
    expect(summary.baseline_loss).toBe(2);
    expect(summary.flatness_ratio).toBe(0.2);
  });
});

describe('coarseness and effective_dimensionality summaries', () => {
  it('coarseness: quartiles, blob count (≥ 0.7) and a 20-bin histogram', () => {
    const summary = coarseness.summarize!({ coarseness: float32([4], [0.1, 0.4, 0.7, 0.9]) });
    expect(summary.blob_count).toBe(2);
    expect(summary.p25_coarseness).toBeCloseTo(0.325, 6);
    expect(summary.p75_coarseness).toBeCloseTo(0.75, 6);
    expect(Array.from(summary.coarseness_hist as Float64Array).reduce((a, b) => a + b)).toBe(4);
  });
  it('effective dimensionality: one PR per matrix, per head for attention matrices', () => {
    const names = ['W_E', 'W_pos', 'W_in', 'W_out', 'W_U'];
    const result = Object.fromEntries(names.map((name) => [`sv_${name}`, float32([2], [1, 1])]));
    for (const name of ['W_Q', 'W_K', 'W_V', 'W_O']) result[`sv_${name}`] = float32([2, 2], [1, 0, 1, 1]);
    const summary = effectiveDimensionality.summarize!(result);
    expect(summary.pr_W_in).toBe(2);
    expect(Array.from(summary.pr_W_O as Float64Array)).toEqual([1, 2]);
  });
});

describe('summary files', () => {
  it('stack rows by epoch: scalars (n,), vectors (n, length), float64', () => {
    const stacked = stackSummary(
      [0, 100],
      [
        { total: 1, perFreq: [1, 2, 3] },
        { total: 4, perFreq: [4, 5, 6] },
      ],
    );
    expect(stacked.epochs).toMatchObject({ dtype: 'I32', shape: [2] });
    expect(stacked.total).toMatchObject({ dtype: 'F64', shape: [2] });
    expect(stacked.perFreq).toMatchObject({ dtype: 'F64', shape: [2, 3] });
    expect(Array.from(stacked.perFreq!.data as Float64Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
