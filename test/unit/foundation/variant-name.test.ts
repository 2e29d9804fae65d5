import { describe, expect, it } from 'vitest';
import type { Family } from '../../../shared/family-schema.ts';
import { parseVariantName, variantName } from '../../../shared/variant-name.ts';

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
    const params = parseVariantName(family, 'modulo_addition_1layer_p113_seed999');
    expect(params).toEqual({ prime: 113, seed: 999 });
    expect(Object.keys(params!)).toEqual(['prime', 'seed']);
  });

  it.each([
    'modulo_addition_1layer_p113',
    'modulo_addition_1layer_p113_seed999_extra',
    'xmodulo_addition_1layer_p113_seed999',
    'modulo_addition_1layer_pabc_seed999',
    'modulo_addition_1layer_p0113_seed999',
    'modulo_addition_1layerXp113_seed999',
  ])('does not take %s for a variant', (name) => {
    expect(parseVariantName(family, name)).toBeNull();
  });

  it('escapes regular-expression characters in the literal text', () => {
    const dotted = { ...family, variant_pattern: 'm.a_p{prime}_seed{seed}' };
    expect(parseVariantName(dotted, 'm.a_p7_seed1')).toEqual({ prime: 7, seed: 1 });
    expect(parseVariantName(dotted, 'mXa_p7_seed1')).toBeNull();
  });
});
