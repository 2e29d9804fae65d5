import { afterAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, FamilySummary } from '../../../shared/api.ts';
import {
  checkTrainingForm,
  estimateSource,
  estimateText,
  initialTrainingValues,
  trainingValues,
  type TrainingFormValues,
} from '../../../frontend/pages/training-form.ts';
import { createApp } from '../../../server/app.ts';
import { TRAINING_PRESETS } from '../../../shared/training-presets.ts';
import { makeTempWorkbench } from '../../helpers/temp-workbench.ts';

const wb = await makeTempWorkbench();
const { app } = createApp({ paths: wb });
const family = ((await (await app.request('/api/families')).json()) as { families: FamilySummary[] }).families[0]!;
const defaults = initialTrainingValues(family);
afterAll(() => wb.cleanup());
const withValues = (change: Partial<TrainingFormValues> & { prime?: string }): TrainingFormValues => {
  const { prime, ...rest } = change;
  return { ...defaults, ...rest, params: { ...defaults.params, ...(prime !== undefined ? { prime } : {}) } };
};

describe('training form', () => {
  it('starts from the family defaults and the training defaults', () => {
    expect(defaults).toEqual({
      params: { prime: '113', seed: '999' },
      data_seed: '598',
      training_fraction: '0.3',
      learning_rate: '0.001',
      weight_decay: '1',
      num_epochs: '25000',
      checkpoints: '',
      adaptive_checkpoints: true,
      init_from: null,
    });
    const check = checkTrainingForm(family, defaults);
    expect(check.errors).toEqual({});
    expect(check.variant).toBe('modulo_addition_1layer_p113_seed999');
    expect(check.request).toEqual({
      kind: 'train',
      family: 'modulo_addition_1layer',
      params: { prime: 113, seed: 999 },
      training: {
        data_seed: 598,
        training_fraction: 0.3,
        learning_rate: 0.001,
        weight_decay: 1,
        num_epochs: 25000,
        checkpoint_epochs: null,
        adaptive_checkpoints: true,
      },
      init_from: null,
      resume: false,
      continue_to: null,
    });
  });

  it('previews the variant name from the current domain parameters', () => {
    expect(checkTrainingForm(family, withValues({ prime: '97' })).variant).toBe('modulo_addition_1layer_p97_seed999');
  });

  it('previews the settings of the identity that differ from the defaults, and not the epochs', () => {
    const check = checkTrainingForm(
      family,
      withValues({ data_seed: '1', training_fraction: '0.5', weight_decay: '0.3', learning_rate: '0.001', num_epochs: '10' }),
    );
    expect(check.variant).toBe('modulo_addition_1layer_p113_seed999_dseed1_frac0.5_wd0.3');
    expect(checkTrainingForm(family, withValues({ learning_rate: '3e-4' })).variant).toBe('modulo_addition_1layer_p113_seed999_lr0.0003');
    // A bad identity setting leaves no name to preview; a bad epoch count still names the variant.
    expect(checkTrainingForm(family, withValues({ weight_decay: '-1' })).variant).toBeUndefined();
    expect(checkTrainingForm(family, withValues({ num_epochs: '0' })).variant).toBe('modulo_addition_1layer_p113_seed999');
  });

  it('names a run started from a checkpoint once its digest is known, and asks the server to start from it', () => {
    const init_from = { variant: 'modulo_addition_1layer_p113_seed1', epoch: 9000 };
    const waiting = checkTrainingForm(family, withValues({ init_from, weight_decay: '0.3' }));
    expect(waiting).toMatchObject({ variant: undefined, awaitingDigest: true });
    expect(waiting.request?.init_from).toEqual(init_from);
    const named = checkTrainingForm(family, withValues({ init_from, weight_decay: '0.3' }), '0a1b2c3d');
    expect(named).toMatchObject({ variant: 'modulo_addition_1layer_p113_seed999_wd0.3_init0a1b2c3d', awaitingDigest: false });
    // A digest left over from an earlier choice does not name a seeded run.
    expect(checkTrainingForm(family, withValues({}), '0a1b2c3d').variant).toBe('modulo_addition_1layer_p113_seed999');
    // Invalid settings are invalid, digest or not.
    expect(checkTrainingForm(family, withValues({ init_from, prime: '24' }))).toMatchObject({ variant: undefined, awaitingDigest: false });
  });

  it('says "invalid" (no preview, no request) while a domain parameter is wrong', () => {
    const check = checkTrainingForm(family, withValues({ prime: '24' }));
    expect(check.variant).toBeUndefined();
    expect(check.request).toBeUndefined();
    expect(check.errors).toEqual({ 'params.prime': '24 is not a prime; allowed: a prime from 3 to 257' });
  });

  it.each([
    [{ prime: '' }, 'params.prime', 'a value is required; allowed: a prime from 3 to 257'],
    [{ prime: 'abc' }, 'params.prime', '"abc" is not a number; allowed: a prime from 3 to 257'],
    [{ data_seed: '-1' }, 'data_seed', '-1 is too small'],
    [{ training_fraction: '1' }, 'training_fraction', '1 is not allowed; allowed: a fraction strictly between 0 and 1'],
    [{ learning_rate: '0' }, 'learning_rate', '0 is too small; allowed: a number above 0 and at most 1'],
    [{ learning_rate: '2' }, 'learning_rate', '2 is too large; allowed: a number above 0 and at most 1'],
    [{ learning_rate: 'fast' }, 'learning_rate', '"fast" is not a number; allowed: a number above 0 and at most 1'],
    [{ weight_decay: '-0.5' }, 'weight_decay', '-0.5 is too small; allowed: a number from 0 to 100'],
    [{ weight_decay: '101' }, 'weight_decay', '101 is too large; allowed: a number from 0 to 100'],
    [{ num_epochs: '2000000' }, 'num_epochs', '2000000 is too large'],
    [{ num_epochs: '100', checkpoints: '0, 50, 101' }, 'checkpoints', '101 is beyond the run; allowed: epochs 0 to 99'],
    [{ checkpoints: '0, ten' }, 'checkpoints', '"ten" is not a whole number'],
  ])('%j → %s: %s', (change, field, message) => {
    const check = checkTrainingForm(family, withValues(change));
    expect(check.request).toBeUndefined();
    expect(check.errors[field]).toContain(message);
  });

  it('asks for adaptive checkpoints as the checkbox says, without changing the variant', () => {
    const check = checkTrainingForm(family, withValues({ adaptive_checkpoints: false }));
    expect(check.errors).toEqual({});
    expect(check.request?.training.adaptive_checkpoints).toBe(false);
    expect(check.variant).toBe('modulo_addition_1layer_p113_seed999');
  });

  it('turns the checkpoint text into a sorted list', () => {
    const check = checkTrainingForm(family, withValues({ num_epochs: '1000', checkpoints: '500, 0, 100' }));
    expect(check.request?.training.checkpoint_epochs).toEqual([0, 100, 500]);
  });

  it('gives the same messages as the server', async () => {
    const values = withValues({ prime: '12', data_seed: '-4', training_fraction: '0' });
    const check = checkTrainingForm(family, values);
    const body = {
      kind: 'train',
      family: family.name,
      params: { prime: 12, seed: 999 },
      training: { data_seed: -4, training_fraction: 0, num_epochs: 25000 },
    };
    const res = await app.request('/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const server = Object.fromEntries(
      ((await res.json()) as ApiErrorBody).error.fields!.map((f) => [f.field.replace('training.', ''), f.message]),
    );
    expect(check.errors).toEqual(server);
  });
});

describe('training form values from given settings', () => {
  it("shows a running job's request, its checkpoint list and starting checkpoint included", () => {
    expect(
      trainingValues(
        { prime: 47, seed: 5 },
        {
          data_seed: 1,
          training_fraction: 0.5,
          learning_rate: 0.003,
          weight_decay: 0.5,
          num_epochs: 2400,
          checkpoint_epochs: [0, 1200, 2399],
          adaptive_checkpoints: false,
        },
        { variant: 'modulo_addition_1layer_p47_seed1', epoch: 1200 },
      ),
    ).toEqual({
      params: { prime: '47', seed: '5' },
      data_seed: '1',
      training_fraction: '0.5',
      learning_rate: '0.003',
      weight_decay: '0.5',
      num_epochs: '2400',
      checkpoints: '0, 1200, 2399',
      adaptive_checkpoints: false,
      init_from: { variant: 'modulo_addition_1layer_p47_seed1', epoch: 1200 },
    });
  });

  it('keeps adaptive checkpoints on for settings that do not say (a preset)', () => {
    const { training } = TRAINING_PRESETS[1]!;
    expect(trainingValues({ prime: 43, seed: 999 }, training).adaptive_checkpoints).toBe(true);
  });

  it('says how long a run takes here and where the estimate comes from', () => {
    const speeds = [
      { msPerEpoch: 54, prime: 43, measured: true },
      { msPerEpoch: 90.5, prime: 113, measured: true },
    ];
    // Each run from the speed timed at the nearest modulus.
    expect(estimateText(43, 2400, speeds)).toBe('≈ 2 min 10 s on this machine');
    expect(estimateText(113, 25_000, speeds)).toBe('≈ 37 min 43 s on this machine');
    expect(estimateSource(speeds)).toBe(
      'Estimates: from the runs timed here (54 ms/epoch at p = 43, 90.5 ms/epoch at p = 113), each from the nearest modulus, scaled by p².',
    );
    expect(estimateText(113, 25_000, [])).toBe('≈ 50 min 00 s on this machine');
    expect(estimateSource([])).toBe(
      'Estimates: a rough 120 ms/epoch at p = 113 (2 cores, OpenBLAS) scaled by p²; no run has been timed here yet.',
    );
  });
});
