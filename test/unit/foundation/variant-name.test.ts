import { describe, expect, it } from 'vitest';
import type { Family } from '../../../shared/family-schema.ts';
import { TRAINING_DEFAULTS } from '../../../shared/training-params.ts';
import { parseVariantName, trainingIdentity, variantName } from '../../../shared/variant-name.ts';

const family = {
  variant_pattern: 'modulo_addition_1layer_p{prime}_seed{seed}',
  domain_parameters: {
    prime: { type: 'int', description: '', default: 113, min: 3, max: 257, constraint: 'prime' },
    seed: { type: 'int', description: '', default: 999, min: 0, max: 2 ** 31 - 1 },
  },
} satisfies Pick<Family, 'variant_pattern' | 'domain_parameters'>;

describe('variant naming', () => {
  it('fills the pattern with the parameters', () => {
    expect(variantName(family, { prime: 113, seed: 999 })).toBe('modulo_addition_1layer_p113_seed999');
    expect(variantName(family, { prime: 97, seed: 0 })).toBe('modulo_addition_1layer_p97_seed0');
  });

  it('refuses to fill a placeholder that has no value', () => {
    expect(() => variantName(family, { prime: 113 })).toThrow('missing domain parameter seed');
  });

  it('parses a name back into parameters in declaration order', () => {
    const parsed = parseVariantName(family, 'modulo_addition_1layer_p113_seed999');
    expect(parsed).toEqual({ params: { prime: 113, seed: 999 }, training: {}, init: null });
    expect(Object.keys(parsed!.params)).toEqual(['prime', 'seed']);
  });

  it.each([
    'modulo_addition_1layer_p113',
    'modulo_addition_1layer_p113_seed999_extra',
    'xmodulo_addition_1layer_p113_seed999',
    'modulo_addition_1layer_pabc_seed999',
    'modulo_addition_1layer_p0113_seed999',
    'modulo_addition_1layerXp113_seed999',
    // Training settings: a default spelled out, another spelling, the wrong order, out of range, unknown.
    'modulo_addition_1layer_p113_seed999_dseed598',
    'modulo_addition_1layer_p113_seed999_frac0.50',
    'modulo_addition_1layer_p113_seed999_frac.5',
    'modulo_addition_1layer_p113_seed999_lr1e-4',
    'modulo_addition_1layer_p113_seed999_lr0.00030',
    'modulo_addition_1layer_p113_seed999_wd0.3_dseed1',
    'modulo_addition_1layer_p113_seed999_frac1.5',
    'modulo_addition_1layer_p113_seed999_dseed1.5',
    'modulo_addition_1layer_p113_seed999_wd101',
    'modulo_addition_1layer_p113_seed999_epochs10',
    'modulo_addition_1layer_p113_seed999_dseed1_dseed2',
  ])('does not take %s for a variant', (name) => {
    expect(parseVariantName(family, name)).toBeNull();
  });

  it('escapes regular-expression characters in the literal text', () => {
    const dotted = { ...family, variant_pattern: 'm.a_p{prime}_seed{seed}' };
    expect(parseVariantName(dotted, 'm.a_p7_seed1')).toEqual({ params: { prime: 7, seed: 1 }, training: {}, init: null });
    expect(parseVariantName(dotted, 'mXa_p7_seed1')).toBeNull();
  });

  it('keeps the plain name when every training setting is at its default, whatever the epochs', () => {
    const run = { ...TRAINING_DEFAULTS, num_epochs: 10, checkpoint_epochs: [0, 5] };
    expect(variantName(family, { prime: 113, seed: 999 }, run)).toBe('modulo_addition_1layer_p113_seed999');
    expect(variantName(family, { prime: 113, seed: 999 }, {})).toBe('modulo_addition_1layer_p113_seed999');
  });

  it('appends the settings that differ from the defaults, in a fixed order', () => {
    expect(variantName(family, { prime: 113, seed: 999 }, { weight_decay: 0.3, training_fraction: 0.5, data_seed: 1 })).toBe(
      'modulo_addition_1layer_p113_seed999_dseed1_frac0.5_wd0.3',
    );
    expect(variantName(family, { prime: 97, seed: 0 }, { learning_rate: 3e-4, weight_decay: 0 })).toBe(
      'modulo_addition_1layer_p97_seed0_lr0.0003_wd0',
    );
    expect(variantName(family, { prime: 97, seed: 0 }, { learning_rate: 1e-7 })).toBe('modulo_addition_1layer_p97_seed0_lr1e-7');
  });

  it.each([
    [{}],
    [{ data_seed: 0 }],
    [{ data_seed: 2 ** 31 - 1, training_fraction: 0.95 }],
    [{ training_fraction: 0.1 + 0.2 }],
    [{ learning_rate: 1 }],
    [{ learning_rate: 1e-7, weight_decay: 100 }],
    [{ learning_rate: 2.5e-5 }],
    [{ weight_decay: 0.05, data_seed: 7 }],
    [{ data_seed: 1, training_fraction: 0.5, learning_rate: 0.003, weight_decay: 0.3 }],
  ])('round-trips %j through its name', (training) => {
    const params = { prime: 113, seed: 999 };
    const name = variantName(family, params, training);
    const parsed = parseVariantName(family, name)!;
    expect(parsed.params).toEqual(params);
    expect(trainingIdentity(parsed.training)).toEqual(trainingIdentity(training));
    expect(variantName(family, parsed.params, parsed.training)).toBe(name);
  });

  it('ends the name of a run started from other weights with their digest', () => {
    const params = { prime: 113, seed: 999 };
    const name = variantName(family, params, { weight_decay: 0.3, init: '0a1b2c3d' });
    expect(name).toBe('modulo_addition_1layer_p113_seed999_wd0.3_init0a1b2c3d');
    expect(parseVariantName(family, name)).toEqual({ params, training: { weight_decay: 0.3 }, init: '0a1b2c3d' });
    expect(variantName(family, params, { init: null })).toBe('modulo_addition_1layer_p113_seed999');
    // One spelling: lower-case, exactly 8 digits, after every other setting.
    for (const other of ['_init0A1B2C3D', '_init0a1b2c3', '_init0a1b2c3d4', '_init0a1b2c3d_wd0.3']) {
      expect(parseVariantName(family, `modulo_addition_1layer_p113_seed999${other}`)).toBeNull();
    }
    expect(() => variantName(family, params, { init: 'not-hex!' })).toThrow(/8 lower-case hex digits/);
  });
});
