import { describe, expect, it } from 'vitest';
import type { ArrayPayload, SummaryResponse } from '../../../shared/artifacts.ts';
import { epochMarkerLayout, nearestEpoch, withEpochMarker } from '../../../frontend/plots/epoch-marker.ts';
import { fourierComponentLabel, fourierComponentLabels } from '../../../frontend/plots/fourier.ts';
import { axis, COLOR_SCALES, PLACEHOLDER, placeholderMessage, placeholderSpec } from '../../../frontend/plots/style.ts';
import { NEURON_FREQ_NORM_SUMMARY_KEYS, pickEpochArrays, pickSeriesArrays, type NdArray } from '../../../frontend/plots/types.ts';
import { clickSelection, MARKER_VIEW_IDS, PER_EPOCH_VIEW_IDS, TRAJECTORY_VIEW_IDS, VIEWS } from '../../../frontend/plots/views.ts';
import { nd } from './fixtures.ts';

describe('Fourier component labels', () => {
  it('names each basis row by its true order: Const, sin 1, cos 1, sin 2, cos 2, …', () => {
    expect(fourierComponentLabels(7)).toEqual(['Const', 'sin 1', 'cos 1', 'sin 2', 'cos 2', 'sin 3', 'cos 3']);
  });

  it('puts sin k at row 2k−1 and cos k at row 2k for p = 113', () => {
    expect(fourierComponentLabel(2 * 56 - 1)).toBe('sin 56');
    expect(fourierComponentLabel(2 * 56)).toBe('cos 56');
    expect(fourierComponentLabels(113)).toHaveLength(113);
  });
});

describe('axes', () => {
  it('let tick labels overflow rather than measure each against the div on every redraw', () => {
    expect(axis('Epoch')).toMatchObject({ title: { text: 'Epoch' }, automargin: true, ticklabeloverflow: 'allow' });
    expect(axis(null, { ticklabeloverflow: 'hide past div' }).ticklabeloverflow).toBe('hide past div');
  });
});

describe('placeholders', () => {
  it('are 300 px figures without traces that carry their message', () => {
    const spec = placeholderSpec(PLACEHOLDER.runAnalysisFirst);
    expect(spec.data).toEqual([]);
    expect(spec.layout.height).toBe(300);
    expect(placeholderMessage(spec)).toBe('Run analysis first');
    expect(placeholderMessage({ data: [{ type: 'bar', y: [1] }], layout: { annotations: [{ text: 'a label' }] } })).toBe(null);
  });

  it('carry the messages of the spec', () => {
    expect(Object.values(PLACEHOLDER)).toEqual(
      expect.arrayContaining([
        'Select a variant',
        'Run analysis first',
        'No data for this epoch',
        'No summary data',
        'No training data loaded',
      ]),
    );
  });
});

describe('epoch marker', () => {
  it('is a 2 px solid red vertical line over the full plot height with a red "Epoch N" label', () => {
    const { shapes, annotations } = epochMarkerLayout(1500);
    expect(shapes[0]).toMatchObject({ type: 'line', xref: 'x', yref: 'paper', x0: 1500, x1: 1500, y0: 0, y1: 1, visible: true });
    expect(shapes[0]!.line).toEqual({ color: 'red', width: 2, dash: 'solid' });
    expect(annotations[0]).toMatchObject({
      text: 'Epoch 1500',
      x: 1500,
      y: 1,
      yref: 'paper',
      xanchor: 'left',
      visible: true,
      font: { color: 'red' },
    });
  });

  it('stays in place but hidden when there is no epoch, so a later move can reveal it', () => {
    const { shapes, annotations } = epochMarkerLayout(null);
    expect(shapes[0]!.visible).toBe(false);
    expect(annotations[0]!.visible).toBe(false);
  });

  it('moves by swapping shapes[0] and annotations[0] only, sharing the traces and leaving the input alone', () => {
    const other = { shape: { type: 'line' as const, x0: 1 }, annotation: { text: 'other' } };
    const data = [{ type: 'scatter' as const, x: [0, 10, 20], y: [1, 2, 3] }];
    const marked = epochMarkerLayout(null);
    const spec = {
      data,
      layout: { title: { text: 'T' }, shapes: [...marked.shapes, other.shape], annotations: [...marked.annotations, other.annotation] },
    };
    const moved = withEpochMarker(spec, 42);
    expect(moved.data).toBe(data);
    expect(moved.layout.title).toBe(spec.layout.title);
    expect(moved.layout.shapes).toEqual([epochMarkerLayout(42, [0, 20]).shapes[0], other.shape]);
    expect(moved.layout.annotations).toEqual([epochMarkerLayout(42, [0, 20]).annotations[0], other.annotation]);
    expect(moved.layout.shapes![0]).toMatchObject({ x0: 42, x1: 42, visible: true });
    expect(marked.shapes[0]!.visible).toBe(false);
  });
});

describe('nearestEpoch', () => {
  it('snaps to the analyzed epoch with the smallest absolute difference', () => {
    expect(nearestEpoch([0, 100, 500, 1000], 420)).toBe(500);
    expect(nearestEpoch([0, 100, 500, 1000], -7)).toBe(0);
    expect(nearestEpoch([0, 100, 500, 1000], 1e9)).toBe(1000);
  });

  it('breaks ties towards the first epoch', () => {
    expect(nearestEpoch([100, 200], 150)).toBe(100);
    expect(nearestEpoch([200, 100], 150)).toBe(200);
  });

  it('has no answer without epochs', () => {
    expect(nearestEpoch([], 3)).toBeUndefined();
  });
});

describe('colour scales', () => {
  it('spell out plotly.py RdBu: red for low values, blue for high, white-ish in the middle', () => {
    const rdbu = COLOR_SCALES.RdBu;
    expect(rdbu[0]).toEqual([0, 'rgb(103,0,31)']);
    expect(rdbu[5]).toEqual([0.5, 'rgb(247,247,247)']);
    expect(rdbu.at(-1)).toEqual([1, 'rgb(5,48,97)']);
  });

  it('run Blues and YlOrRd from light to dark', () => {
    expect(COLOR_SCALES.Blues[0]![1]).toBe('rgb(247,251,255)');
    expect(COLOR_SCALES.Blues.at(-1)![1]).toBe('rgb(8,48,107)');
    expect(COLOR_SCALES.YlOrRd[0]![1]).toBe('rgb(255,255,204)');
    expect(COLOR_SCALES.YlOrRd.at(-1)![1]).toBe('rgb(128,0,38)');
  });
});

describe('view registry', () => {
  it('lists the 18 views in page order', () => {
    expect(VIEWS.map((v) => v.id)).toEqual([
      'loss',
      'freq',
      'activation',
      'clusters',
      'spec-trajectory',
      'spec-freq',
      'attention',
      'attn-freq',
      'attn-spec',
      'trajectory',
      'trajectory-3d',
      'trajectory-pc1-pc3',
      'trajectory-pc2-pc3',
      'velocity',
      'dim-trajectory',
      'sv-spectrum',
      'flatness-trajectory',
      'perturbation',
    ]);
  });

  it('splits them into marker, per-epoch and trajectory views', () => {
    expect(MARKER_VIEW_IDS).toEqual([
      'loss',
      'spec-trajectory',
      'spec-freq',
      'attn-spec',
      'velocity',
      'dim-trajectory',
      'flatness-trajectory',
    ]);
    expect(PER_EPOCH_VIEW_IDS).toEqual(['freq', 'activation', 'clusters', 'attention', 'attn-freq', 'sv-spectrum', 'perturbation']);
    expect(TRAJECTORY_VIEW_IDS).toEqual(['trajectory', 'trajectory-3d', 'trajectory-pc1-pc3', 'trajectory-pc2-pc3']);
  });

  it('reads a click as an epoch (x, or customdata on trajectories) or a neuron (clusters)', () => {
    expect(clickSelection('loss', { x: 1234 })).toEqual({ epoch: 1234 });
    expect(clickSelection('trajectory', { x: -3.2, customdata: 500 })).toEqual({ epoch: 500 });
    expect(clickSelection('clusters', { x: 17 })).toEqual({ neuron: 17 });
    expect(clickSelection('freq', { x: 'sin 1' })).toBeNull();
    expect(clickSelection('activation', { x: 3 })).toBeNull();
  });
});

describe('API payloads as builder inputs', () => {
  const payload = (shape: number[], data: number[]): ArrayPayload => nd(shape, data) as ArrayPayload;

  it('picks the keys a builder reads from an epoch response, or null when one is missing', () => {
    const arrays: Record<string, NdArray> = { coefficients: payload([2], [1, 2]), other: payload([1], [0]) };
    expect(pickEpochArrays(arrays, ['coefficients'])).toEqual({ coefficients: arrays['coefficients'] });
    expect(pickEpochArrays(arrays, ['norm_matrix'])).toBeNull();
    expect(pickEpochArrays(null, ['coefficients'])).toBeNull();
  });

  it('turns a summary response into a summary input with its epochs', () => {
    const counts = payload([2], [0, 5]);
    const response: SummaryResponse = {
      analyzer: 'neuron_freq_norm',
      epochs: [0, 100],
      arrays: {
        specialized_count_total: counts,
        specialized_count_low: counts,
        specialized_count_mid: counts,
        specialized_count_high: counts,
        specialized_count_per_freq: payload([2, 1], [0, 5]),
      },
    };
    const summary = pickSeriesArrays(response, NEURON_FREQ_NORM_SUMMARY_KEYS);
    expect(summary?.epochs).toEqual([0, 100]);
    expect(summary?.specialized_count_total).toBe(counts);
    expect(pickSeriesArrays({ ...response, arrays: {} }, NEURON_FREQ_NORM_SUMMARY_KEYS)).toBeNull();
  });
});
