/** Exports: one tidy table per figure from the full data, under a file name carrying every selection. */
import { describe, expect, it } from 'vitest';
import { attentionHeadsSpec } from '../../../frontend/plots/attention.ts';
import { singularValueSpectrumSpec } from '../../../frontend/plots/dimensionality.ts';
import { withEpochMarker } from '../../../frontend/plots/epoch-marker.ts';
import { csvExport, exportFileName, gridColumns, tableCsv, type ExportContext } from '../../../frontend/plots/export.ts';
import { flatnessTrajectorySpec } from '../../../frontend/plots/flatness.ts';
import { lossSpec, MAX_LINE_POINTS } from '../../../frontend/plots/loss.ts';
import { activationSpec, specializationByFrequencySpec } from '../../../frontend/plots/neurons.ts';
import { PLACEHOLDER, placeholderSpec } from '../../../frontend/plots/style.ts';
import { trajectory2dSpec } from '../../../frontend/plots/trajectory.ts';
import {
  CROSS_EPOCH_TRAJECTORY_KEYS,
  isAttentionMatrix,
  LANDSCAPE_FLATNESS_SUMMARY_KEYS,
  pickSeriesArrays,
  TRAJECTORY_GROUPS,
  WEIGHT_MATRIX_NAMES,
  type CrossEpochTrajectory,
  type EffectiveDimensionalityEpoch,
  type LandscapeFlatnessSummary,
  type PlotSpec,
} from '../../../frontend/plots/types.ts';
import { nd, vec } from './fixtures.ts';

const at = (view: ExportContext['view'], epoch = 1200): ExportContext => ({ variant: 'v', view, epoch });
const csvLines = (spec: PlotSpec, context: ExportContext) => csvExport(spec, context)!.csv.trimEnd().split('\n');

describe('exportFileName', () => {
  it('names a figure without controls {variant}__{view}__epoch{NNNNN}', () => {
    const spec = lossSpec({ trainLosses: [1, 0.5], testLosses: [2, 1] }, [], 1);
    expect(exportFileName(spec, { variant: 'modulo_addition_1layer_p113_seed999', view: 'loss', epoch: 42 })).toBe(
      'modulo_addition_1layer_p113_seed999__loss__epoch00042',
    );
  });

  it('carries the neuron, position pair, matrix and head, group and metric, so different selections never collide', () => {
    const grid = { activations: nd([2, 2], [1, 2, 3, 4]) };
    const patterns = { patterns: nd([1, 2, 2], [1, 2, 3, 4]) };
    const sv = Object.fromEntries(
      WEIGHT_MATRIX_NAMES.map((m) => [`sv_${m}`, isAttentionMatrix(m) ? nd([2, 2], [3, 1, 2, 1]) : vec(3, 1)]),
    ) as EffectiveDimensionalityEpoch;
    const names = [
      exportFileName(activationSpec(grid, 7, 1200), at('activation')),
      exportFileName(activationSpec(grid, 8, 1200), at('activation')),
      exportFileName(attentionHeadsSpec(patterns, { to: 2, from: 0 }, 1200), at('attention')),
      exportFileName(attentionHeadsSpec(patterns, { to: 1, from: 0 }, 1200), at('attention')),
      exportFileName(singularValueSpectrumSpec(sv, 'W_in', 0, 1200), at('sv-spectrum')),
      exportFileName(singularValueSpectrumSpec(sv, 'W_Q', 1, 1200), at('sv-spectrum')),
      exportFileName(trajectory2dSpec('trajectory', trajectory(), 'mlp', 0), at('trajectory')),
      exportFileName(flatnessTrajectorySpec(flatness(), 'max_delta_loss', 0), at('flatness-trajectory')),
    ];
    expect(names).toEqual([
      'v__activation__neuron7__epoch01200',
      'v__activation__neuron8__epoch01200',
      'v__attention__eq-to-a__epoch01200',
      'v__attention__b-to-a__epoch01200',
      'v__sv-spectrum__W_in__epoch01200',
      'v__sv-spectrum__W_Q__head1__epoch01200',
      'v__trajectory__group-mlp__epoch01200',
      'v__flatness-trajectory__max_delta_loss__epoch01200',
    ]);
  });
});

describe('csvExport', () => {
  it('writes every epoch of the losses with its epoch, though the plot is thinned', () => {
    const epochs = 2400;
    const train = Array.from({ length: epochs }, (_, e) => 1 / (e + 1));
    const test = Array.from({ length: epochs }, (_, e) => 2 + Math.sin(e));
    const spec = lossSpec({ trainLosses: train, testLosses: test }, [0, 1200], 1200);
    expect((spec.data[0] as { x: number[] }).x.length).toBeLessThanOrEqual(MAX_LINE_POINTS + 2);
    const lines = csvLines(spec, at('loss'));
    expect(lines).toHaveLength(epochs + 1);
    expect(lines[0]).toBe('epoch,train_loss,test_loss,analyzed');
    expect(lines[1]).toBe(`0,1,2,true`);
    expect(lines[1234 + 1]).toBe(`1234,${train[1234]},${test[1234]},false`);
    expect(csvExport(spec, at('loss'))!.filename).toBe('v__loss__epoch01200.csv');
  });

  it('adds the accuracies as columns when the variant recorded them, one row per epoch', () => {
    const spec = lossSpec({ trainLosses: [1, 0.5], testLosses: [2, 1], trainAccuracies: [0.5, 1], testAccuracies: [0, 0.25] }, [1], 1);
    expect(csvLines(spec, at('loss'))).toEqual([
      'epoch,train_loss,test_loss,train_accuracy,test_accuracy,analyzed',
      '0,1,2,0.5,0,false',
      '1,0.5,1,1,0.25,true',
    ]);
  });

  it('writes a trajectory as one row per epoch with its plotted components', () => {
    expect(csvLines(trajectory2dSpec('trajectory-pc1-pc3', trajectory(), 'all', 100), at('trajectory-pc1-pc3'))).toEqual([
      'epoch,PC1,PC3',
      '0,0,0.2',
      '100,1,1.2',
      '200,2,2.2',
    ]);
  });

  it('writes a heatmap over epochs as one row per epoch and a column per frequency', () => {
    const summary = {
      epochs: [0, 10],
      specialized_count_total: vec(0, 3),
      specialized_count_low: vec(0, 1),
      specialized_count_mid: vec(0, 1),
      specialized_count_high: vec(0, 1),
      specialized_count_per_freq: nd([2, 3], [0, 0, 0, 1, 2, 0]),
    };
    expect(csvLines(specializationByFrequencySpec(summary, 10), at('spec-freq'))).toEqual([
      'epoch,freq_1,freq_2,freq_3',
      '0,0,0,0',
      '10,1,2,0',
    ]);
  });

  it('writes grids as one row per cell, with a column per head for attention', () => {
    expect(csvLines(activationSpec({ activations: nd([2, 2], [1, -2, 3, 0]) }, 5, 0), at('activation'))).toEqual([
      'a,b,activation',
      '0,0,1',
      '0,1,-2',
      '1,0,3',
      '1,1,0',
    ]);
    const patterns = { patterns: nd([2, 2, 2], [0.1, 0.9, 0.5, 0.5, 0.2, 0.8, 1, 0]) };
    expect(csvLines(attentionHeadsSpec(patterns, { to: 2, from: 0 }, 0), at('attention'))).toEqual([
      'a,b,head_0,head_1',
      '0,0,0.1,0.2',
      '0,1,0.9,0.8',
      '1,0,0.5,1',
      '1,1,0.5,0',
    ]);
  });

  it('keeps the data when the epoch marker moves, and has nothing for a placeholder', () => {
    const spec = lossSpec({ trainLosses: [1, 0.5], testLosses: [2, 1] }, [], 0);
    expect(withEpochMarker(spec, 1).export).toBe(spec.export);
    expect(csvExport(placeholderSpec(PLACEHOLDER.noSummaryData), at('loss'))).toBeNull();
  });
});

describe('tables', () => {
  it('quote fields holding commas, quotes or line breaks', () => {
    expect(tableCsv([{ name: 'Head "0", a', values: ['x\ny', 1] }])).toBe('"Head ""0"", a"\n"x\ny"\n1\n');
  });

  it('lay grids out row-major, coordinates first', () => {
    const columns = gridColumns({ name: 'r', values: [1, 2] }, { name: 'c', values: ['x', 'y', 'z'] }, [
      { name: 'v', values: [1, 2, 3, 4, 5, 6] },
    ]);
    expect(columns.map((column) => Array.from(column.values))).toEqual([
      [1, 1, 1, 2, 2, 2],
      ['x', 'y', 'z', 'x', 'y', 'z'],
      [1, 2, 3, 4, 5, 6],
    ]);
  });
});

/** Three checkpoints; every group's component pc at checkpoint i is i + pc/10. */
function trajectory(): CrossEpochTrajectory {
  const arrays: Record<string, ReturnType<typeof nd>> = {};
  for (const group of TRAJECTORY_GROUPS) {
    arrays[`${group}__projections`] = nd([3, 3], [0, 0.1, 0.2, 1, 1.1, 1.2, 2, 2.1, 2.2]);
    arrays[`${group}__explained_variance_ratio`] = vec(0.5, 0.25, 0.125);
    arrays[`${group}__velocity`] = vec(1, 1);
  }
  return pickSeriesArrays({ epochs: [0, 100, 200], arrays }, CROSS_EPOCH_TRAJECTORY_KEYS)!;
}

function flatness(): LandscapeFlatnessSummary {
  const arrays = Object.fromEntries(LANDSCAPE_FLATNESS_SUMMARY_KEYS.map((key) => [key, vec(0.1, 0.2)]));
  return pickSeriesArrays({ epochs: [0, 10], arrays }, LANDSCAPE_FLATNESS_SUMMARY_KEYS)!;
}
