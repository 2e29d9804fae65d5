import { afterAll, describe, expect, it } from 'vitest';
import type { FamilySummary } from '../../../shared/api.ts';
import {
  checkSweepForm,
  initialSweepValues,
  parseNumberList,
  sweepPreviewText,
  type SweepFormValues,
} from '../../../frontend/components/sweep-form-check.ts';
import { createApp } from '../../../server/app.ts';
import { makeTempWorkbench } from '../../helpers/temp-workbench.ts';

const wb = await makeTempWorkbench();
const { app } = createApp({ paths: wb });
const family = ((await (await app.request('/api/families')).json()) as { families: FamilySummary[] }).families[0]!;
afterAll(() => wb.cleanup());

const defaults = initialSweepValues(family);
const withLists = (change: { prime?: string; seed?: string; weight_decay?: string; num_epochs?: string }): SweepFormValues => ({
  ...defaults,
  params: { prime: change.prime ?? defaults.params.prime!, seed: change.seed ?? defaults.params.seed! },
  vary: { ...defaults.vary, weight_decay: change.weight_decay ?? '' },
  num_epochs: change.num_epochs ?? defaults.num_epochs,
});

describe('parseNumberList', () => {
  it('reads comma-separated numbers, ignoring blanks', () => {
    expect(parseNumberList(' 97, 113,, 0.5 ')).toEqual({ values: [97, 113, 0.5] });
    expect(parseNumberList('')).toEqual({ values: [] });
  });

  it('names a value that is not a number', () => {
    expect(parseNumberList('97, ab')).toEqual({ error: '"ab" is not a number; allowed: numbers separated by commas' });
  });
});

describe('sweep form', () => {
  it('starts from the family defaults: a grid of one variant, nothing varied', () => {
    expect(defaults).toEqual({
      params: { prime: '113', seed: '999' },
      vary: { data_seed: '', training_fraction: '', learning_rate: '', weight_decay: '' },
      num_epochs: '25000',
      analyze: false,
      overwrite: false,
    });
    const check = checkSweepForm(family, defaults);
    expect(check.errors).toEqual({});
    expect(check.size).toBe(1);
    expect(check.request).toMatchObject({
      family: family.name,
      params: { prime: [113], seed: [999] },
      vary: {},
      training: { num_epochs: 25000 },
    });
  });

  it('counts the grid live: the product of the lists, duplicates counted once', () => {
    const check = checkSweepForm(family, withLists({ prime: '11, 13', seed: '1, 2, 3, 3', weight_decay: '0.5, 1' }));
    expect(check.size).toBe(12);
    expect(sweepPreviewText(check)).toBe('12 variants in the grid');
    expect(check.request?.vary).toEqual({ weight_decay: [0.5, 1] });
    expect(sweepPreviewText({ size: 1 })).toBe('1 variant in the grid');
  });

  it('puts the server check’s message at the field it is about', () => {
    const check = checkSweepForm(family, withLists({ prime: '11, 100' }));
    expect(check.request).toBeUndefined();
    expect(check.errors).toEqual({ sweep_prime: '100 is not a prime; allowed: a prime from 3 to 257' });
    // The lists read, so the grid is still counted.
    expect(check.size).toBe(2);
    expect(checkSweepForm(family, withLists({ weight_decay: '1, -2' })).errors).toEqual({
      sweep_weight_decay: expect.stringMatching(/^-2 .*allowed: a number from 0 to 100$/),
    });
    expect(checkSweepForm(family, withLists({ num_epochs: '0' })).errors.sweep_num_epochs).toMatch(/^0 is too small/);
  });

  it('asks for every domain parameter, a readable list and a run length', () => {
    const missing = checkSweepForm(family, withLists({ seed: ' , ' }));
    expect(missing.errors).toEqual({ sweep_seed: 'is missing; list one or more values' });
    expect(missing.size).toBeUndefined();
    expect(sweepPreviewText(missing)).toBe('List one or more values for every parameter to see the grid');
    expect(checkSweepForm(family, withLists({ prime: '11, x' })).errors).toEqual({
      sweep_prime: '"x" is not a number; allowed: numbers separated by commas',
    });
    expect(checkSweepForm(family, withLists({ num_epochs: '' })).errors).toEqual({
      sweep_num_epochs: 'is empty; allowed: a whole number of epochs',
    });
  });

  it('refuses a grid larger than the server takes, as a whole', () => {
    const primes = '3, 5, 7, 11, 13, 17, 19, 23';
    const seeds = Array.from({ length: 40 }, (_, i) => i).join(', ');
    const check = checkSweepForm(family, withLists({ prime: primes, seed: seeds }));
    expect(check.size).toBe(320);
    expect(check.errors).toEqual({ grid: 'the grid has 320 variants; allowed: at most 256' });
  });
});
