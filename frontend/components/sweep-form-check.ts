/**
 * The sweep form's logic, pure: comma-separated lists as typed → a sweep request, the size of its
 * grid and inline errors keyed by form field, checked by the same `checkSweep` the server runs, so
 * the form and the server say the same thing.
 */
import type { FamilySummary } from '../../shared/api.ts';
import {
  SWEPT_TRAINING_SETTINGS,
  checkSweep,
  sweepRequestSchema,
  sweepSize,
  type SweepRequest,
  type SweptTrainingSetting,
} from '../../shared/sweeps.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { fieldErrors, type FieldError } from '../../shared/validation.ts';

export interface SweepFormValues {
  /** A comma-separated list per domain parameter of the family. */
  params: Record<string, string>;
  /** A comma-separated list per training setting to vary; empty keeps its default. */
  vary: Record<SweptTrainingSetting, string>;
  num_epochs: string;
  analyze: boolean;
  overwrite: boolean;
}

export interface SweepFormCheck {
  /** Present when every field is valid. */
  request?: SweepRequest;
  /** How many variants the grid has, once every list reads as numbers. */
  size?: number;
  /** Inline messages keyed by form field (`sweepFieldName`); `grid` for the grid as a whole. */
  errors: Record<string, string>;
}

/** The field showing a problem with the grid as a whole (too many variants). */
export const GRID_FIELD = 'grid';

/** The form's input for a domain parameter or training setting: `sweep_prime`, `sweep_weight_decay`, `sweep_num_epochs`. */
export function sweepFieldName(key: string): string {
  return `sweep_${key}`;
}

/** Each domain parameter at its family default, no setting varied, the default run length. */
export function initialSweepValues(family: Pick<FamilySummary, 'defaults'>): SweepFormValues {
  return {
    params: Object.fromEntries(Object.entries(family.defaults).map(([name, value]) => [name, String(value)])),
    vary: Object.fromEntries(SWEPT_TRAINING_SETTINGS.map((key) => [key, ''])) as Record<SweptTrainingSetting, string>,
    num_epochs: String(TRAINING_DEFAULTS.num_epochs),
    analyze: false,
    overwrite: false,
  };
}

/** "97, 113" → [97, 113]; blanks between commas are ignored; a value that is not a number is named. */
export function parseNumberList(text: string): { values: number[] } | { error: string } {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const wrong = items.find((item) => !Number.isFinite(Number(item)));
  if (wrong !== undefined) return { error: `"${wrong}" is not a number; allowed: numbers separated by commas` };
  return { values: items.map(Number) };
}

/** `params.prime[2]`, `vary.weight_decay[0]`, `training.num_epochs` → the form field that shows it. */
function formField(path: string): string {
  const match = /^(?:params|vary|training)\.([A-Za-z0-9_]+)/.exec(path);
  return match ? sweepFieldName(match[1]!) : GRID_FIELD;
}

/** '' → absent (so the message says what is allowed); numeric text → number; else the text itself. */
function numberOrRaw(raw: string): number | string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export function checkSweepForm(family: Pick<FamilySummary, 'name' | 'domain_parameters'>, values: SweepFormValues): SweepFormCheck {
  const errors: Record<string, string> = {};
  let everyListReads = true;
  /** Reads the lists; an empty one is left out (a domain parameter is then "missing", a setting keeps its default). */
  const readLists = (entries: [string, string][]): Record<string, number[]> => {
    const read: Record<string, number[]> = {};
    for (const [key, text] of entries) {
      const parsed = parseNumberList(text);
      if ('error' in parsed) {
        errors[sweepFieldName(key)] = parsed.error;
        everyListReads = false;
      } else if (parsed.values.length > 0) read[key] = parsed.values;
    }
    return read;
  };
  const params = readLists(Object.entries(values.params));
  const vary = readLists(Object.entries(values.vary));
  if (values.num_epochs.trim() === '') errors[sweepFieldName('num_epochs')] = 'is empty; allowed: a whole number of epochs';
  const body = {
    family: family.name,
    params,
    vary,
    training: { num_epochs: numberOrRaw(values.num_epochs) },
    analyze: values.analyze,
    overwrite: values.overwrite,
  };
  const size = everyListReads && Object.keys(family.domain_parameters).every((key) => params[key]) ? sweepSize(body) : undefined;
  const parsed = sweepRequestSchema.safeParse(body);
  const problems = parsed.success ? sweepProblems(family, parsed.data) : fieldErrors(parsed.error);
  for (const { field, message } of problems) errors[formField(field)] ??= message;
  if (!parsed.success || Object.keys(errors).length > 0) return { size, errors };
  return { request: parsed.data, size, errors };
}

/** The problems `checkSweep` finds, the ones the server answers with. */
function sweepProblems(family: Pick<FamilySummary, 'domain_parameters'>, request: SweepRequest): FieldError[] {
  const checked = checkSweep(family, request);
  return 'errors' in checked ? checked.errors : [];
}

/** "6 variants in the grid"; what is missing while a list does not read. */
export function sweepPreviewText(check: Pick<SweepFormCheck, 'size'>): string {
  if (check.size === undefined) return 'List one or more values for every parameter to see the grid';
  return `${check.size} ${check.size === 1 ? 'variant' : 'variants'} in the grid`;
}
