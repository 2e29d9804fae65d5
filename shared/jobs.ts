/**
 * Jobs: "train variant V with these settings" or "analyze variant V with these analyzers".
 * The request schemas are built from the family's parameter schema and used by both the
 * server (POST /api/jobs) and the pages (inline validation), so both give the same messages.
 */
import { z } from 'zod';
import { nameSegment } from './api.ts';
import { domainParamsSchema } from './domain-params.ts';
import type { Family } from './family-schema.ts';
import { trainingParamsSchema, type TrainingParams } from './training-params.ts';

export const JOB_KINDS = ['train', 'analyze'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];


/** First pass over any POST /api/jobs body: which kind, which family. */
export const jobEnvelopeSchema = z.object({
  kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` }),
  family: nameSegment,
});

export function trainJobSchema(family: Pick<Family, 'domain_parameters'>) {
  return z.strictObject({
    kind: z.literal('train'),
    family: nameSegment,
    params: domainParamsSchema(family),
    training: trainingParamsSchema.default(trainingParamsSchema.parse({})),
    /** Must be true to train over a variant that already has files. */
    overwrite: z.boolean({ error: 'must be true or false' }).default(false),
  });
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
          error: (iss) => `unknown analyzer ${JSON.stringify(iss.input)}; allowed: ${offered.join(', ')}`,
        }),
      )
      .min(1, { error: 'choose at least one analyzer' })
      .max(offered.length, { error: `lists more analyzers than the ${offered.length} offered: ${offered.join(', ')}` })
      .optional(),
    /** Recompute results that already exist. */
    force: z.boolean({ error: 'must be true or false' }).default(false),
  });
}
export type AnalyzeJobRequest = z.output<ReturnType<typeof analyzeJobSchema>>;

export type JobRequest = TrainJobRequest | AnalyzeJobRequest;

/** Live figures of a running job; which fields are present depends on the kind. */
export interface JobProgress {
  /** 0…1 of the whole job. */
  fraction: number;
  epoch?: number;
  numEpochs?: number;
  trainLoss?: number;
  testLoss?: number;
  msPerEpoch?: number;
  etaSeconds?: number;
  checkpointIndex?: number;
  checkpointCount?: number;
  analyzer?: string;
}

/** One point of the loss curves drawn live while a training job runs. */
export interface LossPoint {
  epoch: number;
  trainLoss: number;
  testLoss: number;
}

export interface TrainResult {
  kind: 'train';
  variant: string;
  checkpointCount: number;
  finalTrainLoss: number;
  finalTestLoss: number;
  wallTimeSeconds: number;
  backend: string;
}

export interface AnalyzeResult {
  kind: 'analyze';
  variant: string;
  artifactsDir: string;
  checkpointCount: number;
  /** (analyzer, epoch) result files this run computed; 0 when everything existed already. */
  epochFilesWritten: number;
  wallTimeSeconds: number;
}

export type JobResult = TrainResult | AnalyzeResult;

export interface JobRecord {
  id: string;
  kind: JobKind;
  family: string;
  variant: string;
  request: JobRequest;
  state: JobState;
  progress: JobProgress;
  /** The latest human-readable status line. */
  message: string;
  result?: JobResult;
  /** A readable failure message; the stack trace goes to the server log only. */
  error?: string;
  /** Loss curve so far (training jobs), thinned to a bounded number of points. */
  lossHistory?: LossPoint[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface JobsResponse {
  jobs: JobRecord[];
}

/** Server-sent events of GET /api/jobs/:id/events, by event name. */
export interface JobEventMap {
  snapshot: JobRecord;
  progress: { progress: JobProgress; message: string; lossPoint?: LossPoint };
  done: JobRecord;
  failed: JobRecord;
  cancelled: JobRecord;
}
export type JobEventName = keyof JobEventMap;
export const TERMINAL_EVENTS: readonly JobEventName[] = ['done', 'failed', 'cancelled'];

export type { TrainingParams };
