/**
 * Jobs: "train variant V with these settings" or "analyze variant V with these analyzers".
 * The request schemas are built from the family's parameter schema and used by both the
 * server (POST /api/jobs) and the pages (inline validation), so both give the same messages.
 * The record and event schemas are what GET /api/jobs… answer; the client parses with them.
 */
import { z } from 'zod';
import { domainParamValuesSchema, nameSegment } from './api.ts';
import { domainParamsSchema } from './domain-params.ts';
import type { Family } from './family-schema.ts';
import { trainingParamsSchema, type TrainingParams } from './training-params.ts';
import { showInput } from './validation.ts';

export const JOB_KINDS = ['train', 'analyze'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a job can still leave on its own: it holds its variant while in one. */
export const ACTIVE_JOB_STATES: readonly JobState[] = ['queued', 'running'];
/** States from which a job can be run again (resume or retry). */
export const RERUNNABLE_JOB_STATES: readonly JobState[] = ['failed', 'cancelled', 'interrupted'];

/** First pass over any POST /api/jobs body: which kind, which family. */
export const jobEnvelopeSchema = z.object({
  kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` }),
  family: nameSegment,
});

const overwriteSchema = z
  .boolean({ error: 'must be true or false' })
  .default(false)
  .describe('Must be true to train over a variant that already has files.');
const resumeSchema = z
  .boolean({ error: 'must be true or false' })
  .default(false)
  .describe('Continue an interrupted run of this variant from its latest checkpoint (its optimizer state is kept there).');
const continueToSchema = z
  .number({ error: 'must be a whole number of epochs, or null' })
  .int({ error: 'must be a whole number of epochs, or null' })
  .positive({ error: "must be a whole number of epochs above the run's own, or null" })
  .nullable()
  .default(null)
  .describe('Extend a completed run to this many epochs in all, from its final checkpoint; null trains a new run.');
const initFromSchema = z
  .strictObject(
    {
      variant: nameSegment.describe('A variant of the same family with the same modulus (the weights have its shapes).'),
      epoch: z
        .number({ error: 'must be the epoch of one of its checkpoints' })
        .int({ error: 'must be the epoch of one of its checkpoints' })
        .min(0, { error: 'must be the epoch of one of its checkpoints' }),
    },
    { error: 'must be {variant, epoch}: a checkpoint of another variant, or null for the seeded init' },
  )
  .nullable()
  .default(null)
  .describe(
    "Start from a checkpoint of another variant instead of the seeded init; the new variant's name ends in _init and the weights' digest. " +
      'With resume or continue_to it names such a variant.',
  );
/** A checkpoint of another variant a run starts from. */
export type InitFrom = NonNullable<z.output<typeof initFromSchema>>;
const forceSchema = z.boolean({ error: 'must be true or false' }).default(false).describe('Recompute results that already exist.');
// A function, so every request gets its own defaults object.
const trainingSchema = trainingParamsSchema.default(() => trainingParamsSchema.parse({}));

/** At most one of overwrite, resume and continue_to: each says what to do with the variant's existing files. */
function oneWayToStart(request: { overwrite: boolean; resume: boolean; continue_to: number | null }, ctx: z.RefinementCtx): void {
  const chosen = (['overwrite', 'resume', 'continue_to'] as const).filter((key) =>
    key === 'continue_to' ? request[key] !== null : request[key],
  );
  if (chosen.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [chosen[1]!],
      message: `cannot be combined with ${chosen[0]}; allowed: one of overwrite (a new run over the old), resume (an interrupted run) or continue_to (a completed run)`,
    });
  }
}

export function trainJobSchema(family: Pick<Family, 'domain_parameters'>) {
  return z
    .strictObject({
      kind: z.literal('train'),
      family: nameSegment,
      params: domainParamsSchema(family),
      training: trainingSchema,
      init_from: initFromSchema,
      overwrite: overwriteSchema,
      resume: resumeSchema,
      continue_to: continueToSchema,
    })
    .superRefine(oneWayToStart);
}
export type TrainJobRequest = z.output<ReturnType<typeof trainJobSchema>>;

export function analyzeJobSchema(family: Pick<Family, 'analyzers' | 'cross_epoch_analyzers'>) {
  const offered = [...family.analyzers, ...family.cross_epoch_analyzers];
  return z.strictObject({
    kind: z.literal('analyze'),
    family: nameSegment,
    variant: nameSegment,
    /** Which analyzers to run; absent means all the family offers. */
    analyzers: z
      .array(
        z.string().refine((name) => offered.includes(name), {
          error: (iss) => `unknown analyzer ${showInput(iss.input)}; allowed: ${offered.join(', ')}`,
        }),
      )
      .min(1, { error: 'choose at least one analyzer' })
      .max(offered.length, { error: `lists more analyzers than the ${offered.length} offered: ${offered.join(', ')}` })
      .optional(),
    force: forceSchema,
  });
}
export type AnalyzeJobRequest = z.output<ReturnType<typeof analyzeJobSchema>>;

export type JobRequest = TrainJobRequest | AnalyzeJobRequest;

/**
 * Any family's job request: the shape of POST /api/jobs, looser than every family's own schema
 * (which also checks the parameters and analyzers against family.json), so a body one of those
 * accepts always passes this one.
 */
export const jobRequestSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('train'),
        family: nameSegment,
        params: domainParamValuesSchema.describe('Every domain parameter of the family (GET /api/families), e.g. {prime: 113, seed: 999}.'),
        training: trainingSchema,
        init_from: initFromSchema,
        overwrite: overwriteSchema,
        resume: resumeSchema,
        continue_to: continueToSchema,
      })
      .meta({ id: 'TrainJobRequest' }),
    z
      .strictObject({
        kind: z.literal('analyze'),
        family: nameSegment,
        variant: nameSegment,
        analyzers: z.array(z.string()).min(1).optional().describe('Analyzers of the family to run; absent means all it offers.'),
        force: forceSchema,
      })
      .meta({ id: 'AnalyzeJobRequest' }),
  ])
  .meta({
    id: 'JobRequest',
    description: "Train a variant, or analyze a trained one. Parameters and analyzers must be ones the family's family.json declares.",
  });
/** A job request as sent: fields with defaults may be left out. */
export type JobRequestInput = z.input<typeof jobRequestSchema>;

/** Live figures of a running job; which fields are present depends on the kind. */
export const jobProgressSchema = z
  .object({
    /** 0…1 of the whole job. */
    fraction: z.number(),
    epoch: z.number().int().optional(),
    numEpochs: z.number().int().optional(),
    trainLoss: z.number().optional(),
    testLoss: z.number().optional(),
    /** Share of training examples predicted right (argmax of the logits) before the update, of test examples after it. */
    trainAccuracy: z.number().optional(),
    testAccuracy: z.number().optional(),
    msPerEpoch: z.number().optional(),
    etaSeconds: z.number().optional(),
    checkpointIndex: z.number().int().optional(),
    checkpointCount: z.number().int().optional(),
    analyzer: z.string().optional(),
  })
  .meta({ id: 'JobProgress' });
export type JobProgress = z.infer<typeof jobProgressSchema>;

/** One point of the loss and accuracy curves drawn live while a training job runs; records written before accuracies have none. */
export const lossPointSchema = z
  .object({
    epoch: z.number().int(),
    trainLoss: z.number(),
    testLoss: z.number(),
    trainAccuracy: z.number().optional(),
    testAccuracy: z.number().optional(),
  })
  .meta({ id: 'LossPoint' });
export type LossPoint = z.infer<typeof lossPointSchema>;

export const trainResultSchema = z
  .object({
    kind: z.literal('train'),
    variant: z.string(),
    checkpointCount: z.number().int(),
    /** Of those, the ones saved by the adaptive rule where the test loss fell fast; absent in older records. */
    addedCheckpointCount: z.number().int().optional(),
    finalTrainLoss: z.number(),
    finalTestLoss: z.number(),
    /** Shares 0…1 of the last epoch, as its progress reported them; absent in records written before accuracies. */
    finalTrainAccuracy: z.number().optional(),
    finalTestAccuracy: z.number().optional(),
    wallTimeSeconds: z.number(),
    backend: z.string(),
  })
  .meta({ id: 'TrainResult' });
export type TrainResult = z.infer<typeof trainResultSchema>;

export const analyzeResultSchema = z
  .object({
    kind: z.literal('analyze'),
    variant: z.string(),
    artifactsDir: z.string(),
    checkpointCount: z.number().int(),
    /** (analyzer, epoch) result files this run computed; 0 when everything existed already. */
    epochFilesWritten: z.number().int(),
    wallTimeSeconds: z.number(),
  })
  .meta({ id: 'AnalyzeResult' });
export type AnalyzeResult = z.infer<typeof analyzeResultSchema>;

export const jobResultSchema = z.discriminatedUnion('kind', [trainResultSchema, analyzeResultSchema]);
export type JobResult = z.infer<typeof jobResultSchema>;

const jobRecordBase = {
  id: z.string(),
  family: z.string(),
  variant: z.string(),
  state: z.enum(JOB_STATES),
  /** 1 while waiting its turn: the next to start; present only while `queued`. */
  queuePosition: z.number().int().positive().optional(),
  progress: jobProgressSchema,
  /** The latest human-readable status line. */
  message: z.string(),
  /** A readable failure message; the stack trace goes to the server log only. */
  error: z.string().optional(),
  /** The sweep this job belongs to, if any. */
  sweepId: z.string().optional(),
  /** Times the job has been started: more than 1 after a resume, a retry or a worker that was lost. */
  attempts: z.number().int().nonnegative(),
  /** Where the job runs or ran: `server` (the embedded queue) or a worker's name (host:pid). */
  worker: z.string().optional(),
  createdAt: z.iso.datetime(),
  /** When it last joined the queue: the queue's order. */
  queuedAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
};

export const trainJobRecordSchema = z
  .object({
    ...jobRecordBase,
    kind: z.literal('train'),
    request: jobRequestSchema.options[0],
    result: trainResultSchema.optional(),
    /** Loss curve so far, thinned to a bounded number of points. */
    lossHistory: z.array(lossPointSchema),
  })
  .meta({ id: 'TrainJobRecord' });
export type TrainJobRecord = z.infer<typeof trainJobRecordSchema>;

export const analyzeJobRecordSchema = z
  .object({
    ...jobRecordBase,
    kind: z.literal('analyze'),
    request: jobRequestSchema.options[1],
    result: analyzeResultSchema.optional(),
  })
  .meta({ id: 'AnalyzeJobRecord' });
export type AnalyzeJobRecord = z.infer<typeof analyzeJobRecordSchema>;

export const jobRecordSchema = z.discriminatedUnion('kind', [trainJobRecordSchema, analyzeJobRecordSchema]).meta({ id: 'JobRecord' });
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const jobsResponseSchema = z.object({ jobs: z.array(jobRecordSchema).describe('Newest first.') }).meta({ id: 'JobsResponse' });
export type JobsResponse = z.infer<typeof jobsResponseSchema>;

/** GET /api/jobs/:id… */
export const jobIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-z-]{1,64}$/, 'is not a job id') });

/** GET /api/jobs: every filter optional. */
export const jobListQuerySchema = z.object({
  kind: z.enum(JOB_KINDS).optional(),
  state: z.enum(JOB_STATES).optional(),
  family: nameSegment.optional(),
  variant: nameSegment.optional(),
});

export const jobProgressEventSchema = z
  .object({ progress: jobProgressSchema, message: z.string(), lossPoint: lossPointSchema.optional() })
  .meta({
    id: 'JobProgressEvent',
    description: 'The data of a `progress` event: the new figures, the status line and (training) the new loss point.',
  });

export type JobProgressEvent = z.infer<typeof jobProgressEventSchema>;

/** Server-sent events of GET /api/jobs/:id/events: each event's `data` is JSON of its schema. */
export const jobEventSchemas = {
  /** The full record, first on every (re)connection. */
  snapshot: jobRecordSchema,
  /** The full record again when its state or place in the queue changes (queued → running). */
  update: jobRecordSchema,
  progress: jobProgressEventSchema,
  /** The final record; one of these three ends the stream. */
  done: jobRecordSchema,
  failed: jobRecordSchema,
  cancelled: jobRecordSchema,
} as const;
export type JobEventMap = { [Name in keyof typeof jobEventSchemas]: z.infer<(typeof jobEventSchemas)[Name]> };
export type JobEventName = keyof JobEventMap;
export const TERMINAL_EVENTS: readonly JobEventName[] = ['done', 'failed', 'cancelled'];

const streamEvent = <Name extends JobEventName>(event: Name) =>
  z.object({
    event: z.literal(event),
    id: z.string().regex(/^\d+$/).describe('Increasing; 0 for the snapshot.'),
    data: jobEventSchemas[event],
  });

/** One event of the stream, its `data` field parsed: what the stream's body is a sequence of. */
export const jobStreamEventSchema = z
  .discriminatedUnion('event', [
    streamEvent('snapshot'),
    streamEvent('update'),
    streamEvent('progress'),
    streamEvent('done'),
    streamEvent('failed'),
    streamEvent('cancelled'),
  ])
  .meta({
    id: 'JobStreamEvent',
    description:
      "One server-sent event of a job's stream, as `event: <name>`, `data: <JSON>` and `id: <n>` lines and a blank line. The stream is a sequence of these.",
  });

export type { TrainingParams };
