import { describe, expect, it } from 'vitest';
import { variantDetailSchema } from '../../../shared/artifacts.ts';
import { DEFAULT_SELECTION, fitToVariant, formatVizQuery, parseVizQuery, type VizSelection } from '../../../frontend/pages/viz-query.ts';

const full: VizSelection = {
  family: 'modulo_addition_1layer',
  variant: 'modulo_addition_1layer_p113_seed999',
  epoch: 12400,
  neuron: 7,
  pair: 2,
  group: 'mlp',
  sv: 'W_Q',
  head: 3,
  metric: 'flatness_ratio',
};

describe('viz URL query', () => {
  it('writes readable names, in a stable order', () => {
    expect(formatVizQuery(full)).toBe(
      '?family=modulo_addition_1layer&variant=modulo_addition_1layer_p113_seed999&epoch=12400&neuron=7&pair=1,0&group=mlp&sv=W_Q&head=3&metric=flatness_ratio',
    );
  });

  it('round-trips every field', () => {
    expect(parseVizQuery(formatVizQuery(full))).toEqual(full);
    expect(parseVizQuery(formatVizQuery({ ...full, epoch: null, pair: 5 }))).toEqual({ ...full, epoch: null, pair: 5 });
  });

  it('writes nothing without a selection, and only the family without a variant', () => {
    expect(formatVizQuery(DEFAULT_SELECTION)).toBe('');
    expect(formatVizQuery({ ...full, variant: '' })).toBe('?family=modulo_addition_1layer');
  });

  it('reads an empty or foreign query as the defaults', () => {
    expect(parseVizQuery('')).toEqual(DEFAULT_SELECTION);
    expect(parseVizQuery('?utm_source=x')).toEqual(DEFAULT_SELECTION);
  });

  it('replaces malformed values by their defaults and keeps the rest', () => {
    const parsed = parseVizQuery('?variant=v&epoch=-3&neuron=seven&pair=9,9&group=everything&sv=W_X&head=1.5&metric=loss');
    expect(parsed).toEqual({ ...DEFAULT_SELECTION, variant: 'v' });
    expect(parseVizQuery('?epoch=1e3').epoch).toBeNull();
  });

  it('reads the pair as "to,from", whether or not the comma is escaped', () => {
    expect(parseVizQuery('?pair=0,1').pair).toBe(5);
    expect(parseVizQuery('?pair=2%2C1').pair).toBe(1);
  });
});

/** A p = 113 variant analyzed at a few checkpoints, as GET /api/variants/:family/:variant answers. */
const detail = variantDetailSchema.parse({
  family: 'modulo_addition_1layer',
  variant: 'modulo_addition_1layer_p113_seed999',
  params: { prime: 113, seed: 999 },
  config: { prime: 113, d_mlp: 512, n_heads: 4, d_model: 128, d_head: 32 },
  numEpochs: 500,
  run: { dataSeed: 598, trainingFraction: 0.3, backend: 'native' },
  checkpointEpochs: [0, 100, 200, 400, 499],
  trainLosses: [],
  testLosses: [],
  analyzedEpochs: [0, 100, 200, 400],
  analyzers: [{ name: 'dominant_frequencies', kind: 'per_epoch', epochsDone: [0, 100, 200, 400], hasSummary: false, complete: false }],
});

describe('fitToVariant', () => {
  it('keeps a selection the variant has, and every field it does not check', () => {
    const selection = { ...full, epoch: 200, neuron: 511, head: 3 };
    expect(fitToVariant(selection, detail)).toEqual(selection);
  });

  it('snaps an epoch that was not analyzed to the nearest analyzed one, the earlier on a tie', () => {
    const epochOf = (epoch: number | null) => fitToVariant({ ...full, epoch }, detail).epoch;
    expect([epochOf(130), epochOf(290), epochOf(300), epochOf(12400)]).toEqual([100, 200, 200, 400]);
  });

  it('takes the first analyzed epoch when none is asked for, and none when nothing is analyzed', () => {
    expect(fitToVariant({ ...full, epoch: null }, detail).epoch).toBe(0);
    expect(fitToVariant(full, { ...detail, analyzedEpochs: [] }).epoch).toBeNull();
  });

  it('brings the neuron below d_mlp and the head below n_heads', () => {
    expect(fitToVariant({ ...full, epoch: 100, neuron: 900, head: 7 }, detail)).toEqual({ ...full, epoch: 100, neuron: 511, head: 3 });
  });
});
