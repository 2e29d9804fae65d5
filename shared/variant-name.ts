/**
 * Variant naming (docs/ARCHITECTURE.md §4.1). A name is the family's `variant_pattern` filled with the
 * domain parameters, e.g. `modulo_addition_1layer_p{prime}_seed{seed}`, then one `_<key><value>` suffix
 * per training setting that changes the result and differs from its default, in the fixed order of
 * `IDENTITY_SETTINGS`: `modulo_addition_1layer_p113_seed999_dseed1_frac0.5_wd0.3`. A run with every
 * default keeps the plain name, so folders written before the suffixes existed open unchanged.
 * Numbers are spelled as `String(number)` writes them (`0.5`, `0.0003`, `1e-7`), the shortest text that
 * reads back to the same double, and a name parses only in that spelling, so each variant has one name.
 * A run started from other weights than its seeded init (a checkpoint of another variant, or a file)
 * ends in `_init<digest>`, the first 8 hex digits of `weightsDigest` (server/training/init-weights.ts),
 * so it never takes the name of the seeded run with the same settings, and two runs from the same
 * weights share it whichever file they were read from.
 * The browser uses `variantName` for the live preview; the server uses both directions.
 */
import type { DomainParams, Family } from './family-schema.ts';
import { TRAINING_DEFAULTS, trainingParamsSchema, type TrainingParams } from './training-params.ts';

type NamingFamily = Pick<Family, 'variant_pattern' | 'domain_parameters'>;

/**
 * The training settings that are part of a variant's identity, with their name prefixes, in name
 * order. The number of epochs and the checkpoint list are not: continuing a run extends it.
 */
export const IDENTITY_SETTINGS = [
  ['data_seed', 'dseed'],
  ['training_fraction', 'frac'],
  ['learning_rate', 'lr'],
  ['weight_decay', 'wd'],
] as const;

export type IdentitySetting = (typeof IDENTITY_SETTINGS)[number][0];
/** Every identity setting's value, defaults included. */
export type TrainingIdentity = Pick<TrainingParams, IdentitySetting>;
/**
 * Some identity settings (absent ones take their defaults), and `init`, the digest of the weights
 * the run started from (absent or null: the seeded init); other fields, e.g. `num_epochs`, are ignored.
 */
export type TrainingIdentityInput = { readonly [K in IdentitySetting]?: number } & { readonly init?: string | null };

/** The name's spelling of a starting-weights digest: 8 lower-case hex digits. */
export const INIT_DIGEST_PATTERN = /^[0-9a-f]{8}$/;

export const IDENTITY_SETTING_NAMES: readonly IdentitySetting[] = IDENTITY_SETTINGS.map(([setting]) => setting);

/** The identity settings of `training`, each absent one at its default. */
export function trainingIdentity(training: TrainingIdentityInput = {}): TrainingIdentity {
  return Object.fromEntries(
    IDENTITY_SETTINGS.map(([setting]) => [setting, training[setting] ?? TRAINING_DEFAULTS[setting]]),
  ) as TrainingIdentity;
}

/** The name of the variant with these domain parameters and training settings. */
export function variantName(family: NamingFamily, params: DomainParams, training?: TrainingIdentityInput): string {
  const base = family.variant_pattern.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing domain parameter ${name}`);
    return String(value);
  });
  const identity = trainingIdentity(training);
  const suffixes = IDENTITY_SETTINGS.filter(([setting]) => identity[setting] !== TRAINING_DEFAULTS[setting]).map(
    ([setting, key]) => `_${key}${String(identity[setting])}`,
  );
  const init = training?.init ?? null;
  if (init !== null && !INIT_DIGEST_PATTERN.test(init)) throw new Error(`init digest "${init}" is not 8 lower-case hex digits`);
  return base + suffixes.join('') + (init === null ? '' : `_init${init}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a variant name says: its domain parameters, and the identity settings that differ from their defaults. */
export interface ParsedVariantName {
  params: DomainParams;
  /** Only the settings the name spells out; `trainingIdentity` fills in the rest. */
  training: Partial<TrainingIdentity>;
  /** The digest of the weights the run started from, or null for the seeded init. */
  init: string | null;
}

/** A number as `String` may write it (no sign: every identity setting and domain parameter is ≥ 0). */
const NUMBER = '(\\d+(?:\\.\\d+)?(?:e-\\d+)?)';

/**
 * Parses a folder name back into domain params and training settings, or null when it is not a
 * variant of this family: another pattern, a non-canonical spelling (`p0113`, `_frac0.50`, a setting
 * at its default, settings out of order), or a setting outside its allowed range.
 */
export function parseVariantName(family: NamingFamily, name: string): ParsedVariantName | null {
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
  source += IDENTITY_SETTINGS.map(([, key]) => `(?:_${key}${NUMBER})?`).join('');
  source += '(?:_init([0-9a-f]{8}))?';
  const match = new RegExp(`^${source}$`).exec(name);
  if (!match) return null;
  const parsed: DomainParams = {};
  order.forEach((param, i) => (parsed[param] = Number(match[i + 1])));
  // Keep the family's declaration order.
  const params: DomainParams = {};
  for (const param of Object.keys(family.domain_parameters)) params[param] = parsed[param]!;
  const training: Partial<TrainingIdentity> = {};
  IDENTITY_SETTINGS.forEach(([setting], i) => {
    const text = match[order.length + 1 + i];
    if (text !== undefined) training[setting] = Number(text);
  });
  if (!trainingParamsSchema.safeParse(training).success) return null;
  const init = match[order.length + 1 + IDENTITY_SETTINGS.length] ?? null;
  return variantName(family, params, { ...training, init }) === name ? { params, training, init } : null;
}
