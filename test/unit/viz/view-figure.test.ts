/**
 * viewFigure, each view's figure from what is loaded and the selection, on real data: a synthetic
 * p = 11 variant's detail, summary, trajectory and per-epoch payloads as the app answers them over
 * HTTP (served-variants.ts). Without data each view says why by its source; per-epoch views are
 * labelled by their payload (its epoch, neuron, position pair), time series mark the selected epoch,
 * and the controls pick what is drawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryResponse } from '../../../shared/artifacts.ts';
import { DEFAULT_SELECTION } from '../../../frontend/pages/viz-query.ts';
import {
  CROSS_EPOCH_TRAJECTORY_KEYS,
  pickSeriesArrays,
  PLACEHOLDER,
  POSITION_LABELS,
  POSITION_PAIRS,
  TRAJECTORY_GROUP_LABELS,
  viewFigure,
  VIEWS,
  type EpochData,
  type FigureControls,
  type ViewData,
  type ViewId,
} from '../../../frontend/plots/index.ts';
import { marker, placeholderText, titleOf, trace } from '../plots/fixtures.ts';
import { serveSyntheticVariants, type ServedVariants } from './served-variants.ts';

let served: ServedVariants;
/** Everything the served variant has: the summary and trajectory of its analyzers, payloads at epoch 10. */
let loaded: ViewData;
const EMPTY: ViewData = { detail: null, summaries: new Map(), trajectory: null, epochData: new Map() };
/** The selection's controls, at epoch 20: the per-epoch payloads below are of epoch 10, as while the next loads. */
const controls = { ...DEFAULT_SELECTION, epoch: 20, neuron: 5 };
const pair = POSITION_PAIRS[1]!;

beforeAll(async () => {
  served = await serveSyntheticVariants([1]);
  const { client, family } = served;
  const [variant] = served.variants as [string];
  const epochData: [ViewId, EpochData][] = [
    ['freq', { epoch: 10, payload: await client.epochArtifact(family, variant, 'dominant_frequencies', 10) }],
    ['clusters', { epoch: 10, payload: await client.epochArtifact(family, variant, 'neuron_freq_norm', 10) }],
    ['activation', { epoch: 10, payload: await client.neuronGrid(family, variant, 3, 10) }],
    ['attention', { epoch: 10, payload: await client.attentionSlice(family, variant, 10, pair.to, pair.from) }],
    // landscape_flatness was not run: no result at that epoch.
    ['perturbation', { epoch: 10, payload: null }],
  ];
  loaded = {
    detail: await client.variantDetail(family, variant),
    summaries: new Map<string, SummaryResponse | null>([
      ['neuron_freq_norm', await client.summary(family, variant, 'neuron_freq_norm')],
      ['landscape_flatness', null],
    ]),
    trajectory: pickSeriesArrays(await client.crossEpoch(family, variant, 'parameter_trajectory'), CROSS_EPOCH_TRAJECTORY_KEYS),
    epochData: new Map(epochData),
  };
}, 60_000);

afterAll(() => served.close());

const figure = (id: ViewId, data = loaded, change: Partial<FigureControls> = {}) => viewFigure(id, data, { ...controls, ...change });

describe('viewFigure', () => {
  it('without data, each view is the placeholder its source calls for', () => {
    const expected = {
      detail: PLACEHOLDER.noTrainingData,
      summary: PLACEHOLDER.noSummaryData,
      'cross-epoch': PLACEHOLDER.runAnalysisFirst,
    };
    for (const { id, source } of VIEWS) {
      expect([id, placeholderText(figure(id, EMPTY))]).toEqual([id, expected[source as keyof typeof expected] ?? PLACEHOLDER.noEpochData]);
    }
  });

  it('a payload or summary of null (no result) is a placeholder, a view whose data is in is drawn', () => {
    expect(placeholderText(figure('perturbation'))).toBe(PLACEHOLDER.noEpochData);
    expect(placeholderText(figure('flatness-trajectory'))).toBe(PLACEHOLDER.noSummaryData);
    const drawn = VIEWS.map(({ id }) => id).filter((id) => placeholderText(figure(id)) === undefined);
    expect(drawn).toEqual([
      'loss',
      'freq',
      'activation',
      'clusters',
      'spec-trajectory',
      'spec-freq',
      'attention',
      'trajectory',
      'trajectory-3d',
      'trajectory-pc1-pc3',
      'trajectory-pc2-pc3',
      'velocity',
    ]);
  });

  it('time series carry the marker at the selected epoch; the loss plot only at an epoch with a loss', () => {
    const markerOf = (id: ViewId, epoch: number) => {
      const { shape, annotation } = marker(figure(id, loaded, { epoch }).layout);
      return [shape.x0, annotation.text, shape.visible];
    };
    for (const id of ['spec-trajectory', 'spec-freq', 'velocity'] as const)
      expect([id, ...markerOf(id, 20)]).toEqual([id, 20, 'Epoch 20', true]);
    // The training record holds the losses of epochs 0–2 only.
    expect(loaded.detail!.trainLosses).toHaveLength(3);
    expect(markerOf('loss', 2)).toEqual([2, 'Epoch 2', true]);
    expect(markerOf('loss', 20)[2]).toBe(false);
  });

  it("per-epoch views are titled with their payload's epoch, neuron and position pair, not the selection's", () => {
    expect(titleOf(figure('freq').layout)).toBe('Embedding Fourier Coefficients - Epoch 10');
    expect(trace(figure('freq'), 0).x).toHaveLength(11);
    expect(titleOf(figure('clusters').layout)).toBe('Neuron Frequency Specialization - Epoch 10');
    expect(titleOf(figure('activation').layout)).toBe('Neuron 3 Activations - Epoch 10');
    expect(figure('activation').export?.selection).toEqual(['neuron3']);
    const attention = figure('attention');
    expect(titleOf(attention.layout)).toBe(`Attention Heads (${POSITION_LABELS[pair.to]} ← ${POSITION_LABELS[pair.from]}) — Epoch 10`);
    expect(attention.data).toHaveLength(loaded.detail!.config.n_heads);
  });

  it('trajectory views draw the selected group, with the current-epoch marker at the selected epoch', () => {
    expect(titleOf(figure('trajectory').layout)).toBe(`Parameter Trajectory (${TRAJECTORY_GROUP_LABELS.all})`);
    expect(titleOf(figure('trajectory-pc1-pc3', loaded, { group: 'mlp' }).layout)).toBe(
      `Parameter Trajectory PC1 vs PC3 (${TRAJECTORY_GROUP_LABELS.mlp})`,
    );
    const star = (epoch: number) => trace(figure('trajectory', loaded, { epoch }), 2).customdata;
    expect([star(20), star(0)]).toEqual([[20], [0]]);
  });
});
