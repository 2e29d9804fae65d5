/**
 * The HTTP contract shared by the Hono server and the browser's API client: zod schemas of what
 * the API answers (the server declares its routes with them, the client parses answers with them),
 * and the types inferred from them. Jobs are in jobs.ts, a variant's results in artifacts.ts.
 * `.meta({ id })` names a schema in the OpenAPI document's components.
 */
import { z } from 'zod';
import { familySchema } from './family-schema.ts';
import type { IdentitySetting } from './variant-name.ts';

/** Path segments naming a family or a variant: never a path, never hidden. */
export const nameSegment = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a plain name of letters, digits, _ . - (no slashes, not hidden)')
  .refine((s) => !s.includes('..'), 'must not contain ..');

export const fieldErrorSchema = z
  .object({
    /** Dotted path of the offending field, e.g. `params.prime`; `(body)` for the body as a whole. */
    field: z.string(),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

/** Every non-2xx JSON body. `fields` lists which inputs were wrong and why. */
export const apiErrorBodySchema = z
  .object({
    error: z.object({
      status: z.number().int(),
      message: z.string(),
      fields: z.array(fieldErrorSchema).optional(),
    }),
  })
  .meta({
    id: 'ApiError',
    description: 'Every non-2xx answer: the status again, a readable message, and for bad input which fields were wrong.',
  });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

export const versionInfoSchema = z.object({ version: z.string() }).meta({ id: 'VersionInfo' });
export type VersionInfo = z.infer<typeof versionInfoSchema>;

/** A variant's domain parameters, e.g. `{prime: 113, seed: 999}`; which ones is up to its family. */
export const domainParamValuesSchema = z.record(z.string(), z.number());

export const familySummarySchema = z
  .object({
    ...familySchema.shape,
    // Defaulted when family.json is read, so always present in an answer.
    cross_epoch_analyzers: z.array(z.string()),
    defaults: domainParamValuesSchema,
  })
  .meta({ id: 'FamilySummary', description: "A family's family.json and its default domain parameters." });
export type FamilySummary = z.infer<typeof familySummarySchema>;

export const familiesResponseSchema = z
  .object({
    families: z.array(familySummarySchema),
    /** Family files that were skipped, with the reason. */
    warnings: z.array(z.object({ file: z.string(), problem: z.string() })),
  })
  .meta({ id: 'FamiliesResponse' });
export type FamiliesResponse = z.infer<typeof familiesResponseSchema>;

/** The training settings that are part of a variant's identity (`IDENTITY_SETTINGS`, shared/variant-name.ts). */
export const trainingIdentitySchema = z
  .object({
    data_seed: z.number(),
    training_fraction: z.number(),
    learning_rate: z.number(),
    weight_decay: z.number(),
  } satisfies Record<IdentitySetting, z.ZodNumber>)
  .meta({ id: 'TrainingIdentity' });

export const VARIANT_STATES = ['untrained', 'training', 'incomplete', 'trained', 'analyzing', 'analyzed'] as const;
export type VariantState = (typeof VARIANT_STATES)[number];

export const variantSummarySchema = z
  .object({
    name: z.string(),
    family: z.string(),
    params: domainParamValuesSchema,
    /** The training settings of its identity, from its name: those it does not spell out are at their defaults. */
    training: trainingIdentitySchema,
    /** From its name's `_init<digest>`: the digest of the weights its run started from; absent for the seeded init. */
    init: z.string().optional(),
    state: z.enum(VARIANT_STATES),
    /** Epochs with a checkpoint file on disk, ascending. */
    checkpointEpochs: z.array(z.number().int()),
    /**
     * Only for an `incomplete` variant whose interrupted run can resume: the epoch it resumes with
     * (its checkpoint of the epoch before and its optimizer state are on disk).
     */
    resumableFromEpoch: z.number().int().positive().optional(),
  })
  .meta({ id: 'VariantSummary' });
export type VariantSummary = z.infer<typeof variantSummarySchema>;

export const variantsResponseSchema = z
  .object({ family: z.string(), variants: z.array(variantSummarySchema) })
  .meta({ id: 'VariantsResponse', description: 'Sorted by domain parameters, numerically (p97 before p113).' });
export type VariantsResponse = z.infer<typeof variantsResponseSchema>;

/** GET /api/families/:family/variants */
export const familyParamsSchema = z.object({ family: nameSegment });
