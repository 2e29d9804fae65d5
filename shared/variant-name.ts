/**
 * Variant naming from a family's `variant_pattern`, e.g. `modulo_addition_1layer_p{prime}_seed{seed}`.
 * The browser uses `variantName` for the live preview; the server uses both directions.
 */
import type { DomainParams, Family } from './family-schema.ts';

type NamingFamily = Pick<Family, 'variant_pattern' | 'domain_parameters'>;

export function variantName(family: NamingFamily, params: DomainParams): string {
  return family.variant_pattern.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing domain parameter ${name}`);
    return String(value);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses a folder name back into domain params, or null when it is not a variant of this family. */
export function parseVariantName(family: NamingFamily, name: string): DomainParams | null {
  const order: string[] = [];
  let source = '';
  let last = 0;
  for (const match of family.variant_pattern.matchAll(/\{([^}]*)\}/g)) {
    source += escapeRegExp(family.variant_pattern.slice(last, match.index));
    const param = match[1]!;
    order.push(param);
    source += family.domain_parameters[param]?.type === 'float' ? '(\\d+(?:\\.\\d+)?)' : '(\\d+)';
    last = match.index! + match[0].length;
  }
  source += escapeRegExp(family.variant_pattern.slice(last));
  const match = new RegExp(`^${source}$`).exec(name);
  if (!match) return null;
  const parsed: DomainParams = {};
  order.forEach((param, i) => (parsed[param] = Number(match[i + 1])));
  // Keep the family's declaration order, and only accept canonical spellings (p0113 is not p113).
  const params: DomainParams = {};
  for (const param of Object.keys(family.domain_parameters)) params[param] = parsed[param]!;
  return variantName(family, params) === name ? params : null;
}
