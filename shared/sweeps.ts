/**
 * Sweeps: one request that trains a grid of variants (the product of lists of domain parameters and
 * training settings), optionally analysing each when its training ends. The grid is expanded by a
 * pure function shared by the server, the CLI and the Training page's sweep form (which previews its size).
 */
import { z } from 'zod';
import { domainParamValuesSchema, nameSegment } from './api.ts';
import { domainParamsSchema } from './domain-params.ts';
import { defaultDomainParams, type Family } from './family-schema.ts';
import { JOB_STATES } from './jobs.ts';
import { trainingParamsSchema } from './training-params.ts';
import { fieldErrors, type FieldError } from './validation.ts';

/** The most variants one sweep may train: 256 p = 113 runs are about two weeks of one core. */
export const MAX_SWEEP_VARIANTS = 256;

/** Training settings a sweep may vary, each a list; absent means the family default. */
export const SWEPT_TRAINING_SETTINGS = ['data_seed', 'training_fraction', 'learning_rate', 'weight_decay'] as const;
export type SweptTrainingSetting = (typeof SWEPT_TRAINING_SETTINGS)[number];

const valueList = (what: string) =>
  z
    .array(z.number({ error: `must be a list of numbers (${what})` }), { error: `must be a list of numbers (${what})` })
    .min(1, { error: `lists no values; allowed: one or more ${what}` })
    .max(MAX_SWEEP_VARIANTS, { error: `lists too many values; allowed: at most ${MAX_SWEEP_VARIANTS}` });

export const sweepRequestSchema = z
  .strictObject({
    family: nameSegment,
    /** A list of values for every domain parameter of the family, e.g. {prime: [97, 113], seed: [485, 999]}. */
    params: z.record(z.string(), valueList('values of this domain parameter')),
    /** Lists of training settings to vary; the others take their defaults (or `training`'s values). */
    vary: z
      .strictObject(
        Object.fromEntries(SWEPT_TRAINING_SETTINGS.map((key) => [key, valueList(`values of ${key}`).optional()])) as Record<
          SweptTrainingSetting,
          z.ZodOptional<ReturnType<typeof valueList>>
        >,
      )
      .default({}),
    /** Settings every variant shares: num_epochs, checkpoint_epochs, or a fixed value of a swept setting. */
    training: z.record(z.string(), z.unknown()).default({}),
    /** Analyse each variant with every analyzer of the family once its training succeeds. */
    analyze: z.boolean({ error: 'must be true or false' }).default(false),
    /** Train variants that already exist again; otherwise they are skipped. */
    overwrite: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .meta({
    id: 'SweepRequest',
    description: `Train the product of the lists (at most ${MAX_SWEEP_VARIANTS} variants): every value of every domain parameter in \`params\`, and of each training setting in \`vary\`.`,
  });
export type SweepRequest = z.output<typeof sweepRequestSchema>;
export type SweepRequestInput = z.input<typeof sweepRequestSchema>;

/** One grid point: the domain parameters and training settings of one variant. */
export interface SweepPoint {
  params: Record<string, number>;
  training: Record<string, unknown>;
}

/** How many variants a grid has: the product of its list lengths. */
export function sweepSize(request: Pick<SweepRequestInput, 'params' | 'vary'>): number {
  const lists = [...Object.values(request.params), ...Object.values(request.vary ?? {})].filter((list) => list !== undefined);
  return lists.reduce((size, list) => size * new Set(list).size, 1);
}

/**
 * The grid's points in a stable order (the first list varies slowest), duplicates in a list removed.
 * Parameters keep the order of `paramOrder` (the family's declaration order).
 */
export function expandSweep(request: Pick<SweepRequest, 'params' | 'vary' | 'training'>, paramOrder: readonly string[]): SweepPoint[] {
  const axes: { target: 'params' | 'training'; key: string; values: number[] }[] = [
    ...paramOrder.map((key) => ({ target: 'params' as const, key, values: [...new Set(request.params[key] ?? [])] })),
    ...SWEPT_TRAINING_SETTINGS.filter((key) => request.vary[key]).map((key) => ({
      target: 'training' as const,
      key,
      values: [...new Set(request.vary[key]!)],
    })),
  ];
  let points: SweepPoint[] = [{ params: {}, training: { ...request.training } }];
  for (const axis of axes) {
    points = points.flatMap((point) =>
      axis.values.map((value) => ({
        params: axis.target === 'params' ? { ...point.params, [axis.key]: value } : point.params,
        training: axis.target === 'training' ? { ...point.training, [axis.key]: value } : point.training,
      })),
    );
  }
  return points;
}

/** Where a sweep's variant is: skipped, or the state of its current job (training, then analysis). */
export const SWEEP_ENTRY_STATES = ['skipped', ...JOB_STATES] as const;

export const sweepEntrySchema = z.object({
  variant: z.string(),
  params: domainParamValuesSchema,
  training: z.record(z.string(), z.unknown()),
  /** Why the variant was not trained (it existed, or another job held it). */
  skipped: z.string().optional(),
  trainJobId: z.string().optional(),
  analyzeJobId: z.string().optional(),
  /** The state of its latest job (analysis once that started), or `skipped`. */
  state: z.enum(SWEEP_ENTRY_STATES),
  /** 0…1 over the variant's jobs. */
  fraction: z.number(),
});
export type SweepEntry = z.infer<typeof sweepEntrySchema>;

export const SWEEP_STATES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

export const sweepRecordSchema = z
  .object({
    id: z.string(),
    family: z.string(),
    request: sweepRequestSchema,
    /** `running` while any of its jobs is queued or running; then `cancelled` if it was, `failed` if any job did not succeed. */
    state: z.enum(SWEEP_STATES),
    entries: z.array(sweepEntrySchema),
    /** Entries per state. */
    counts: z.partialRecord(z.enum(SWEEP_ENTRY_STATES), z.number().int()),
    /** 0…1 over every entry that was not skipped. */
    fraction: z.number(),
    cancelled: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'SweepRecord' });
export type SweepRecord = z.infer<typeof sweepRecordSchema>;

export const sweepsResponseSchema = z
  .object({ sweeps: z.array(sweepRecordSchema).describe('Newest first.') })
  .meta({ id: 'SweepsResponse' });

export const sweepIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-z-]{1,64}$/, 'is not a sweep id') });

/** Sweep stream events: the record first, again whenever one of its jobs changes, and at the end. */
export const sweepEventSchemas = { snapshot: sweepRecordSchema, update: sweepRecordSchema, done: sweepRecordSchema } as const;
export type SweepEventName = keyof typeof sweepEventSchemas;

const sweepStreamEvent = <Name extends SweepEventName>(event: Name) =>
  z.object({ event: z.literal(event), id: z.string().regex(/^\d+$/).describe('Increasing; 0 for the snapshot.'), data: sweepRecordSchema });

/** One event of a sweep's stream, its `data` field parsed. */
export const sweepStreamEventSchema = z
  .discriminatedUnion('event', [sweepStreamEvent('snapshot'), sweepStreamEvent('update'), sweepStreamEvent('done')])
  .meta({ id: 'SweepStreamEvent', description: "One server-sent event of a sweep's stream; `data` is the `SweepRecord` as of then." });

/**
 * Checks a sweep against its family, value by value, so each wrong value is named where it is
 * (`params.prime[2]`, `vary.weight_decay[0]`), and expands it; the grid's size is checked before
 * anything is expanded.
 */
export function checkSweep(
  family: Pick<Family, 'domain_parameters'>,
  request: SweepRequest,
): { points: SweepPoint[] } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const declared = Object.keys(family.domain_parameters);
  const defaults = defaultDomainParams(family);
  for (const key of Object.keys(request.params)) {
    if (!declared.includes(key))
      errors.push({ field: `params.${key}`, message: `is not a parameter of this family; allowed: ${declared.join(', ')}` });
  }
  for (const key of declared) {
    const values = request.params[key];
    if (!values) {
      errors.push({ field: `params.${key}`, message: 'is missing; list one or more values' });
      continue;
    }
    values.forEach((value, i) => {
      const parsed = domainParamsSchema(family).safeParse({ ...defaults, [key]: value });
      for (const error of parsed.success ? [] : fieldErrors(parsed.error))
        errors.push({ field: `params.${key}[${i}]`, message: error.message });
    });
  }
  const shared = trainingParamsSchema.safeParse(request.training);
  if (!shared.success) errors.push(...fieldErrors(shared.error).map((error) => ({ ...error, field: `training.${error.field}` })));
  for (const key of SWEPT_TRAINING_SETTINGS) {
    request.vary[key]?.forEach((value, i) => {
      const parsed = trainingParamsSchema.safeParse({ ...request.training, [key]: value });
      const own = parsed.success ? [] : fieldErrors(parsed.error).filter((error) => error.field === key);
      for (const error of own) errors.push({ field: `vary.${key}[${i}]`, message: error.message });
    });
  }
  const size = sweepSize(request);
  if (size > MAX_SWEEP_VARIANTS) {
    errors.push({
      field: '(body)',
      message: `the grid has ${size.toLocaleString('en-US')} variants; allowed: at most ${MAX_SWEEP_VARIANTS}`,
    });
  }
  return errors.length > 0 ? { errors } : { points: expandSweep(request, declared) };
}
