import { tableCsv } from '../../../shared/csv.ts';
import { describe, expect, it } from 'vitest';
import type { VariantDetail } from '../../../shared/artifacts.ts';
import { dimensionalityTrajectorySpec } from '../../../frontend/plots/dimensionality.ts';
import { flatnessTrajectorySpec, FLATNESS_METRICS } from '../../../frontend/plots/flatness.ts';
import { downsampleIndices, lossSpec, MAX_LINE_POINTS } from '../../../frontend/plots/loss.ts';
import { specializationByFrequencySpec, specializationTrajectorySpec } from '../../../frontend/plots/neurons.ts';
import { attentionSpecializationSpec } from '../../../frontend/plots/attention.ts';
import type {
  AttentionFreqSummary,
  EffectiveDimensionalitySummary,
  LandscapeFlatnessSummary,
  NeuronFreqNormSummary,
} from '../../../frontend/plots/types.ts';
import { axisTitle, lineColors, marker, nd, placeholderText, titleOf, trace, traceNames, vec } from './fixtures.ts';

describe('downsampleIndices', () => {
  it('keeps every point of a short series', () => {
    expect(downsampleIndices([3, 2, 1], 10)).toEqual([0, 1, 2]);
  });

  it('caps a long series near the limit while keeping its extremes, ends and requested indices', () => {
    const n = 25_000;
    const values = Array.from({ length: n }, (_, i) => 1 + Math.sin(i / 50));
    values[12_345] = 100; // a spike
    values[20_001] = -5; // a dip
    const keep = [0, 100, 7_777, 24_999];
    const indices = downsampleIndices(values, MAX_LINE_POINTS, keep);
    expect(indices.length).toBeLessThanOrEqual(MAX_LINE_POINTS + keep.length + 2);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    expect(indices).toEqual(expect.arrayContaining([0, n - 1, 12_345, 20_001, ...keep]));
  });

  it('never takes a missing or non-finite value (a diverged epoch) for a bucket extreme', () => {
    // Two buckets of four: [null, 5, NaN, 7] and [1, null, 0.5, Infinity].
    const values = [null, 5, NaN, 7, 1, null, 0.5, Infinity];
    expect(downsampleIndices(values, 4)).toEqual([0, 1, 3, 4, 6, 7]);
    // A bucket with no number at all adds nothing but the ends.
    expect(downsampleIndices([null, NaN, null, NaN, 2, 3, 4, 5], 4)).toEqual([0, 4, 7]);
  });
});

describe('lossSpec', () => {
  const losses = { trainLosses: [4, 2, 1, 0.5, 0.25], testLosses: [4.5, 4, 3, 1, 0.1] };

  it('draws a diverged epoch (null in the stored file) as a gap, and exports it as an empty field', () => {
    const spec = lossSpec({ trainLosses: [4, 2, null, 0.5], testLosses: [4.5, null, 3, 1] }, [2], null);
    expect(trace(spec, 0).y).toEqual([4, 2, NaN, 0.5]);
    expect(trace(spec, 1).y).toEqual([4.5, NaN, 3, 1]);
    expect(trace(spec, 0).text).toEqual(['4', '2', 'NaN', '0.5']);
    const csv = tableCsv(spec.export!.table());
    expect(csv.split('\n').slice(1, 4)).toEqual(['0,4,4.5,false', '1,2,,false', '2,,3,true']);
  });

  it('draws train (blue) and test (orange) 1.5 px lines on a log y axis with x-unified hover', () => {
    const spec = lossSpec(losses, [], 2);
    expect(spec.data.map((_, i) => [trace(spec, i).name, trace(spec, i).line])).toEqual([
      ['Train Loss', { color: '#1f77b4', width: 1.5 }],
      ['Test Loss', { color: '#ff7f0e', width: 1.5 }],
    ]);
    expect(trace(spec, 0).x).toEqual([0, 1, 2, 3, 4]);
    expect(trace(spec, 1).y).toEqual([4.5, 4, 3, 1, 0.1]);
    expect(titleOf(spec.layout)).toBe('Training Progress');
    expect(axisTitle(spec.layout, 'xaxis')).toBe('Epoch');
    expect(axisTitle(spec.layout, 'yaxis')).toBe('Loss');
    expect(spec.layout.yaxis?.type).toBe('log');
    expect(spec.layout.hovermode).toBe('x unified');
    expect(spec.layout.height).toBe(300);
  });

  it('draws the checkpoints the adaptive rule added as open diamonds, with why in the hover and the CSV', () => {
    const reason = 'test loss fell 2.5× from 3 at epoch 2 (≥ 2× needed), 1 epochs after the checkpoint at epoch 3';
    const spec = lossSpec({ ...losses, addedCheckpoints: [{ epoch: 4, reason }] }, [0, 3, 4], null);
    const [planned, added] = [trace(spec, 2), trace(spec, 3)];
    expect([planned.name, planned.x]).toEqual(['Checkpoints', [0, 3]]);
    expect([added.name, added.x, added.customdata]).toEqual(['Added checkpoints', [4], [reason]]);
    expect(added.marker).toMatchObject({ symbol: 'diamond-open' });
    expect(added.hovertemplate).toContain('%{customdata}');
    const reasons = spec.export!.table().find((column) => column.name === 'added_checkpoint_reason')!.values;
    expect(Array.from(reasons)).toEqual(['', '', '', '', reason]);
  });

  it('adds green diamond checkpoints at the analyzed epochs, at their train loss', () => {
    const spec = lossSpec(losses, [0, 3, 99], 3);
    const checkpoints = trace(spec, 2);
    expect(spec.data).toHaveLength(3);
    expect(checkpoints.name).toBe('Checkpoints');
    expect(checkpoints.x).toEqual([0, 3]);
    expect(checkpoints.y).toEqual([4, 0.5]);
    expect(checkpoints.marker).toEqual({ color: '#2ca02c', symbol: 'diamond', size: 8 });
    expect(checkpoints.text).toEqual(['4', '0.5']);
    expect(checkpoints.hovertemplate).toBe('Checkpoint<br>Epoch: %{x}<br>Loss: %{text}<extra></extra>');
  });

  it('shows tiny losses with their digits: hover in scientific notation, the log axis in powers of ten', () => {
    const spec = lossSpec({ trainLosses: [3.77, 1.2e-3, 2.3e-7], testLosses: [3.8, 9.1, 0.0965] }, [], 0);
    expect(trace(spec, 0).text).toEqual(['3.77', '0.0012', '2.3e-7']);
    expect(trace(spec, 0).hovertemplate).toBe('Epoch: %{x}<br>Train Loss: %{text}<extra></extra>');
    expect(spec.layout.yaxis).toMatchObject({ type: 'log', exponentformat: 'power' });
    expect(spec.layout.xaxis?.exponentformat).toBe('B');
  });

  it('puts the marker label on the side of the line with room for it, so the last epoch is not cut off', () => {
    const anchor = (epoch: number) => marker(lossSpec(losses, [], epoch).layout).annotation.xanchor;
    expect([anchor(0), anchor(2), anchor(3), anchor(4)]).toEqual(['left', 'left', 'right', 'right']);
  });

  it('puts the epoch marker at the current epoch, hidden outside the loss range', () => {
    expect(marker(lossSpec(losses, [], 3).layout).shape).toMatchObject({ x0: 3, x1: 3, visible: true });
    expect(marker(lossSpec(losses, [], 3).layout).annotation).toMatchObject({ x: 3, text: 'Epoch 3' });
    expect(marker(lossSpec(losses, [], 5).layout).shape.visible).toBe(false);
  });

  it('downsamples long runs but keeps every checkpoint on the drawn line', () => {
    const n = 30_000;
    const train = Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const checkpoints = [0, 1, 2, 15_001, 29_999];
    const spec = lossSpec({ trainLosses: train, testLosses: train }, checkpoints, 0);
    const x = trace(spec, 0).x as number[];
    expect(x.length).toBeLessThanOrEqual(MAX_LINE_POINTS + checkpoints.length + 2);
    expect(x).toEqual(expect.arrayContaining(checkpoints));
    expect(trace(spec, 2).x).toEqual(checkpoints);
  });

  it('reads the losses of a VariantDetail as they are', () => {
    const detail = { trainLosses: [1, 0.5], testLosses: [2, 1] } as Pick<VariantDetail, 'trainLosses' | 'testLosses'>;
    expect(lossSpec(detail, [1], 1).data).toHaveLength(3);
  });

  it('draws train and test accuracy dotted on a second axis (0–100 %, right), with percentages on hover', () => {
    const withAccuracy = { ...losses, trainAccuracies: [0.1, 0.6, 1, 1, 1], testAccuracies: [0.05, 0.1, 0.125, 0.7, 1] };
    const spec = lossSpec(withAccuracy, [0, 3], 2);
    expect(spec.data.map((_, i) => trace(spec, i).name)).toEqual([
      'Train Loss',
      'Test Loss',
      'Checkpoints',
      'Train Accuracy',
      'Test Accuracy',
    ]);
    const test = trace(spec, 4);
    expect(test).toMatchObject({ yaxis: 'y2', line: { color: '#ff7f0e', width: 1.5, dash: 'dot' } });
    expect(test.y).toEqual([0.05, 0.1, 0.125, 0.7, 1]);
    expect(test.text).toEqual(['5 %', '10 %', '12.5 %', '70 %', '100 %']);
    expect(test.hovertemplate).toBe('Epoch: %{x}<br>Test Accuracy: %{text}<extra></extra>');
    expect(trace(spec, 3)).toMatchObject({ yaxis: 'y2', line: { color: '#1f77b4', dash: 'dot' } });
    expect(axisTitle(spec.layout, 'yaxis2')).toBe('Accuracy');
    expect(spec.layout.yaxis2).toMatchObject({ overlaying: 'y', side: 'right', tickmode: 'auto', tickformat: '.0%' });
  });

  it('opens a variant trained before accuracies were recorded: the losses alone, no second axis', () => {
    const spec = lossSpec(losses, [], 2);
    expect(spec.data).toHaveLength(2);
    expect(spec.layout.yaxis2).toBeUndefined();
  });

  it('shows "No training data loaded" without losses', () => {
    expect(placeholderText(lossSpec(null, [], 0))).toBe('No training data loaded');
    expect(placeholderText(lossSpec({ trainLosses: [], testLosses: [] }, [], 0))).toBe('No training data loaded');
  });
});

const neuronSummary: NeuronFreqNormSummary = {
  epochs: [0, 100, 500],
  specialized_count_total: vec(0, 10, 40),
  specialized_count_low: vec(0, 5, 20),
  specialized_count_mid: vec(0, 3, 15),
  specialized_count_high: vec(0, 2, 5),
  // (n_epochs = 3, n_freq = 2)
  specialized_count_per_freq: nd([3, 2], [0, 0, 6, 4, 30, 10]),
};

describe('specializationTrajectorySpec', () => {
  it('draws Total (blue, 2.5 px) and the low/mid/high bands against the summary epochs', () => {
    const spec = specializationTrajectorySpec(neuronSummary, 100);
    expect(traceNames(spec)).toEqual(['Total', 'Low freq', 'Mid freq', 'High freq']);
    expect(lineColors(spec)).toEqual(['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728']);
    expect(trace(spec, 0).line?.width).toBe(2.5);
    expect(trace(spec, 0).x).toEqual([0, 100, 500]);
    expect(trace(spec, 3).y).toEqual([0, 2, 5]);
    expect(axisTitle(spec.layout, 'yaxis')).toBe('Specialized Neuron Count');
    expect(titleOf(spec.layout)).toBe('Neuron Specialization Over Training');
    expect(spec.layout.legend).toMatchObject({ orientation: 'h', xanchor: 'right' });
    expect(marker(spec.layout).shape).toMatchObject({ x0: 100, x1: 100 });
  });

  it('shows "No summary data" without a summary or epochs', () => {
    expect(placeholderText(specializationTrajectorySpec(null, 0))).toBe('No summary data');
    expect(placeholderText(specializationTrajectorySpec({ ...neuronSummary, epochs: [] }, 0))).toBe('No summary data');
  });
});

describe('specializationByFrequencySpec', () => {
  it('transposes the counts to (n_freq × n_epochs) with real epochs on x and 1-based frequencies on y', () => {
    const spec = specializationByFrequencySpec(neuronSummary, 500);
    const heatmap = trace(spec, 0);
    expect(heatmap.type).toBe('heatmap');
    expect(heatmap.z).toEqual([
      [0, 6, 30],
      [0, 4, 10],
    ]);
    expect(heatmap.x).toEqual([0, 100, 500]);
    expect(heatmap.y).toEqual([1, 2]);
    expect(heatmap.colorscale).toEqual(expect.arrayContaining([[0, 'rgb(255,255,204)']]));
    expect(heatmap.colorbar?.title?.text).toBe('Count');
    expect(spec.layout.yaxis?.dtick).toBe(1);
    expect(titleOf(spec.layout)).toBe('Specialized Neurons by Frequency Over Training');
    expect(spec.layout.height).toBe(400);
    expect(marker(spec.layout).annotation).toMatchObject({ x: 500, text: 'Epoch 500' });
    expect([heatmap.zmin, heatmap.zmax]).toEqual([0, 30]);
  });

  it('keeps a 0–1 count scale before any neuron specializes', () => {
    const none = { ...neuronSummary, specialized_count_per_freq: nd([3, 2], [0, 0, 0, 0, 0, 0]) };
    const heatmap = trace(specializationByFrequencySpec(none, 0), 0);
    expect([heatmap.zmin, heatmap.zmax]).toEqual([0, 1]);
  });
});

describe('attentionSpecializationSpec', () => {
  const summary: AttentionFreqSummary = { epochs: [0, 10], max_frac_per_head: nd([2, 3], [0.1, 0.2, 0.3, 0.9, 0.8, 0.7]) };

  it('draws one line per head in the default colours on a fixed 0–1 axis', () => {
    const spec = attentionSpecializationSpec(summary, 10);
    expect(traceNames(spec)).toEqual(['Head 0', 'Head 1', 'Head 2']);
    expect(lineColors(spec)).toEqual(['#1f77b4', '#ff7f0e', '#2ca02c']);
    expect(trace(spec, 1).y).toEqual([0.2, 0.8]);
    expect(spec.layout.yaxis?.range).toEqual([0, 1]);
    expect(axisTitle(spec.layout, 'yaxis')).toBe('Max Variance Fraction');
    expect(titleOf(spec.layout)).toBe('Attention Head Specialization Over Training');
    expect(marker(spec.layout).shape.x0).toBe(10);
  });
});

const dimSummary: EffectiveDimensionalitySummary = {
  epochs: [0, 100],
  pr_W_E: vec(50, 10),
  pr_W_pos: vec(2, 1.5),
  pr_W_Q: nd([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]),
  pr_W_K: nd([2, 4], [0, 0, 0, 0, 0, 0, 0, 0]),
  pr_W_V: nd([2, 4], [0, 0, 0, 0, 0, 0, 0, 0]),
  pr_W_O: nd([2, 4], [0, 0, 0, 0, 0, 0, 0, 0]),
  pr_W_in: vec(100, 20),
  pr_W_out: vec(90, 30),
  pr_W_U: vec(80, 8),
};

describe('dimensionalityTrajectorySpec', () => {
  it('draws the non-attention matrices by default, each in its fixed colour', () => {
    const spec = dimensionalityTrajectorySpec(dimSummary, 100);
    expect(traceNames(spec)).toEqual(['W_E', 'W_pos', 'W_in', 'W_out', 'W_U']);
    expect(trace(spec, 2).line?.color).toBe('#d62728');
    expect(trace(spec, 3).line?.color).toBe('#ff7f0e');
    expect(trace(spec, 2).y).toEqual([100, 20]);
    expect(trace(spec, 2).text).toEqual(['100', '20']);
    expect(titleOf(spec.layout)).toBe('Effective Dimensionality (Participation Ratio)');
    expect(spec.layout.height).toBe(400);
    expect(marker(spec.layout).shape.x0).toBe(100);
  });

  it('draws an attention matrix as its mean over heads, labelled "(mean)"', () => {
    const spec = dimensionalityTrajectorySpec(dimSummary, 0, ['W_Q']);
    expect(trace(spec, 0).name).toBe('W_Q (mean)');
    expect(trace(spec, 0).y).toEqual([2.5, 6.5]);
  });
});

describe('flatnessTrajectorySpec', () => {
  const summary: LandscapeFlatnessSummary = {
    epochs: [0, 50],
    mean_delta_loss: vec(0.5, 0.01),
    median_delta_loss: vec(0.4, 0.01),
    max_delta_loss: vec(2, 0.1),
    flatness_ratio: vec(0.1, 0.9),
    p90_delta_loss: vec(1, 0.05),
    std_delta_loss: vec(0.3, 0.02),
    baseline_loss: vec(4.6, 0.001),
  };

  it('offers the metrics in the original order', () => {
    expect(FLATNESS_METRICS.map((m) => m.label)).toEqual([
      'Mean Delta Loss',
      'Median Delta Loss',
      'Max Delta Loss',
      'Flatness Ratio',
      'P90 Delta Loss',
      'Std Delta Loss',
    ]);
  });

  it('puts the metric on the left axis (blue) and the baseline grey dashed on a right-hand axis', () => {
    const spec = flatnessTrajectorySpec(summary, 'flatness_ratio', 50);
    expect(trace(spec, 0)).toMatchObject({ name: 'Flatness Ratio', y: [0.1, 0.9], line: { color: '#1f77b4' } });
    expect(trace(spec, 0).yaxis).toBeUndefined();
    expect(trace(spec, 1)).toMatchObject({ name: 'Baseline Loss', yaxis: 'y2', line: { color: '#7f7f7f', dash: 'dash' } });
    expect(spec.layout.yaxis2).toMatchObject({ overlaying: 'y', side: 'right', tickmode: 'auto' });
    expect(axisTitle(spec.layout, 'yaxis')).toBe('Flatness Ratio');
    expect(axisTitle(spec.layout, 'yaxis2')).toBe('Baseline Loss');
    expect(titleOf(spec.layout)).toBe('Landscape Flatness — Flatness Ratio');
    expect(marker(spec.layout).shape).toMatchObject({ x0: 50, xref: 'x' });
  });
});
