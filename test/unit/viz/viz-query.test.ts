import { describe, expect, it } from 'vitest';
import { DEFAULT_SELECTION, formatVizQuery, parseVizQuery, type VizSelection } from '../../../frontend/pages/viz-query.ts';

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
