import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { defaultCheckpointEpochs, defaultScheduleDescription, parseCheckpointList } from '../../../shared/checkpoint-schedule.ts';
import { domainParamsSchema } from '../../../shared/domain-params.ts';
import type { Family } from '../../../shared/family-schema.ts';
import { isPrime } from '../../../shared/numbers.ts';
import { trainingParamsSchema } from '../../../shared/training-params.ts';
import { fieldErrors } from '../../../shared/validation.ts';

const family = {
  domain_parameters: {
    prime: { type: 'int', description: '', default: 113, min: 3, max: 257, constraint: 'prime' },
    seed: { type: 'int', description: '', default: 999, min: 0, max: 2 ** 31 - 1 },
  },
} satisfies Pick<Family, 'domain_parameters'>;

const errorsOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldErrors(result.error);
};

describe('isPrime', () => {
  it('agrees with a sieve below 300', () => {
    const sieve = Array.from({ length: 300 }, () => true);
    sieve[0] = sieve[1] = false;
    for (let i = 2; i < 300; i++) for (let j = i * i; j < 300; j += i) sieve[j] = false;
    for (let n = 0; n < 300; n++) expect(isPrime(n)).toBe(sieve[n]);
    expect(isPrime(7.5)).toBe(false);
  });
});

describe('domain parameters', () => {
  const schema = domainParamsSchema(family);
  it('accepts the defaults', () => expect(errorsOf(schema, { prime: 113, seed: 999 })).toEqual([]));
  it.each([
    [{ prime: 100, seed: 1 }, 'prime', '100 is not a prime; allowed: a prime from 3 to 257'],
    [{ prime: 263, seed: 1 }, 'prime', '263 is too large; allowed: a prime from 3 to 257'],
    [{ prime: 2, seed: 1 }, 'prime', '2 is too small; allowed: a prime from 3 to 257'],
    [{ prime: 11.5, seed: 1 }, 'prime', '11.5 is not a whole number'],
    [{ prime: '113', seed: 1 }, 'prime', '"113" is not a number'],
    [{ prime: 113, seed: -1 }, 'seed', '-1 is too small; allowed: a whole number from 0 to 2147483647'],
    [{ prime: 113 }, 'seed', 'a value is required; allowed: a whole number from 0 to 2147483647'],
  ])('rejects %j naming %s', (value, field, message) => {
    const errors = errorsOf(schema, value);
    expect(errors[0]!.field).toBe(field);
    expect(errors[0]!.message).toContain(message);
  });
  it('rejects unknown parameters', () => {
    expect(errorsOf(schema, { prime: 113, seed: 1, lr: 3 })[0]!.message).toContain('unknown parameter(s) lr');
  });
});

describe('training parameters', () => {
  it('fills the family defaults', () => {
    expect(trainingParamsSchema.parse({})).toEqual({
      data_seed: 598,
      training_fraction: 0.3,
      learning_rate: 0.001,
      weight_decay: 1,
      num_epochs: 25000,
      checkpoint_epochs: null,
      adaptive_checkpoints: true,
    });
  });
  it.each([
    [{ training_fraction: 0 }, 'training_fraction', 'strictly between 0 and 1'],
    [{ training_fraction: 1 }, 'training_fraction', 'strictly between 0 and 1'],
    [{ num_epochs: 0 }, 'num_epochs', '0 is too small'],
    [{ num_epochs: 5_000_000 }, 'num_epochs', '5000000 is too large; allowed: a whole number of epochs from 1 to 1,000,000'],
    [{ num_epochs: 100, checkpoint_epochs: [10, 100] }, 'checkpoint_epochs.1', '100 is beyond the run; allowed: epochs 0 to 99'],
    [{ checkpoint_epochs: [1.5] }, 'checkpoint_epochs.0', '1.5 is not a whole non-negative epoch'],
    [{ checkpoint_epochs: 'all' }, 'checkpoint_epochs', 'must be a list of epoch numbers'],
    [{ data_seed: 'x' }, 'data_seed', '"x" is not a number'],
    [{ learning_rate: 0 }, 'learning_rate', '0 is too small; allowed: a number above 0 and at most 1'],
    [{ learning_rate: 1.5 }, 'learning_rate', '1.5 is too large; allowed: a number above 0 and at most 1'],
    [{ learning_rate: null }, 'learning_rate', 'a value is required; allowed: a number above 0 and at most 1'],
    [{ weight_decay: -1 }, 'weight_decay', '-1 is too small; allowed: a number from 0 to 100'],
    [{ weight_decay: 1e6 }, 'weight_decay', '1000000 is too large; allowed: a number from 0 to 100'],
    [{ weight_decay: '1' }, 'weight_decay', '"1" is not a number; allowed: a number from 0 to 100'],
    [
      { adaptive_checkpoints: 'no' },
      'adaptive_checkpoints',
      '"no" is not allowed; allowed: true (extra checkpoints while the test loss falls fast) or false',
    ],
  ])('rejects %j naming %s', (value, field, message) => {
    const errors = errorsOf(trainingParamsSchema, value);
    expect(errors.map((e) => e.field)).toContain(field);
    expect(errors.find((e) => e.field === field)!.message).toContain(message);
  });
});

describe('checkpoint schedule', () => {
  it('has 95 checkpoints for the default 25,000-epoch run, ending at 24,999', () => {
    const epochs = defaultCheckpointEpochs(25_000);
    expect(epochs).toHaveLength(95);
    expect(epochs.slice(0, 3)).toEqual([0, 100, 200]);
    expect(epochs.at(-2)).toBe(24_500);
    expect(epochs.at(-1)).toBe(24_999);
    expect(epochs.filter((e) => e >= 9000 && e < 13000)).toHaveLength(40);
  });
  it('is cut to the run and still ends at its final epoch', () => {
    expect(defaultCheckpointEpochs(250)).toEqual([0, 100, 200, 249]);
    expect(defaultCheckpointEpochs(1)).toEqual([0]);
  });
  it('describes only the stretches a run reaches, the last cut at its last scheduled epoch', () => {
    expect(defaultScheduleDescription(2400)).toBe('every 100 epochs from 0 to 1,400; every 500 from 1,500 to 2,000; plus the final epoch');
    expect(defaultScheduleDescription(100)).toBe('every 100 epochs at 0; plus the final epoch');
    expect(defaultScheduleDescription()).toBe(
      'every 100 epochs from 0 to 1,400; every 500 from 1,500 to 8,500; ' +
        'every 100 from 9,000 to 12,900 (the grokking region of p = 113); every 500 from 13,000 to 24,500; plus the final epoch',
    );
    // The words and the epochs come from one table.
    expect(defaultCheckpointEpochs(2400)).toEqual([...Array.from({ length: 15 }, (_, i) => 100 * i), 1500, 2000, 2399]);
  });
  it('parses a list: trims, drops empty pieces, de-duplicates, sorts', () => {
    expect(parseCheckpointList(' 500, 100,,100 , 0 ', 1000)).toEqual({ ok: true, epochs: [0, 100, 500] });
    expect(parseCheckpointList('  ', 1000)).toEqual({ ok: true, epochs: null });
  });
  it("reads the run's length as its final epoch", () => {
    expect(parseCheckpointList('0, 1200, 2400', 2400)).toEqual({ ok: true, epochs: [0, 1200, 2399] });
    expect(parseCheckpointList('2399, 2400', 2400)).toEqual({ ok: true, epochs: [2399] });
    expect(parseCheckpointList('2400')).toEqual({ ok: true, epochs: [2400] });
  });
  it.each([
    ['100, abc', '"abc" is not a whole number'],
    ['1e3', '"1e3" is not a whole number'],
    ['-5', '"-5" is negative; allowed: epochs from 0'],
    ['10.5', '"10.5" is not a whole number'],
    ['100, 1001', '1001 is beyond the run; allowed: epochs 0 to 999'],
  ])('rejects %s', (text, message) => {
    const result = parseCheckpointList(text, 1000);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});
