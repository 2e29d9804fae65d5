/**
 * Training parameters shared by the CLI, the job API and the Training page, with the
 * family defaults and allowed ranges of docs/ARCHITECTURE.md §5.6 and §3.5.
 */
import { z } from 'zod';
import { checkpointEpochProblem } from './checkpoint-schedule.ts';
import { describeInput, showInput } from './validation.ts';

export const TRAINING_DEFAULTS = {
  data_seed: 598,
  training_fraction: 0.3,
  num_epochs: 25_000,
  /** AdamW's learning rate, constant over the run. */
  learning_rate: 1e-3,
  /** AdamW's decoupled weight decay (θ ← θ·(1 − lr·wd) each step). */
  weight_decay: 1.0,
} as const;

/** AdamW's fixed hyper-parameters of the grokking setup; the learning rate and weight decay are training parameters. */
export const OPTIMIZER = {
  beta1: 0.9,
  beta2: 0.98,
  eps: 1e-8,
} as const;

/** Bounds of the optimizer settings: a learning rate above 1 or a decay above 100 only diverges. */
export const MAX_LEARNING_RATE = 1;
export const MAX_WEIGHT_DECAY = 100;

export const MAX_EPOCHS = 1_000_000;
/** Checkpoints one run may save (~0.9 MB each at p = 113); the default schedule saves 95. */
export const MAX_CHECKPOINTS = 10_000;
/** Bad checkpoint epochs reported one by one; the rest are counted (a long bad list is refused at once). */
const MAX_REPORTED_EPOCHS = 10;
export const MAX_SEED = 2 ** 31 - 1;

const failWith = (allowed: string) => (problem: string) => (iss: { input?: unknown }) => describeInput(iss.input, allowed, problem);

const wholeNumber = (allowed: string, min: number, max: number) => {
  const fail = failWith(allowed);
  return z
    .number({ error: fail('is not a number') })
    .int({ error: fail('is not a whole number') })
    .min(min, { error: fail('is too small') })
    .max(max, { error: fail('is too large') });
};

const FRACTION_ALLOWED = 'a fraction strictly between 0 and 1';
const failFraction = failWith(FRACTION_ALLOWED);
const failLearningRate = failWith(`a number above 0 and at most ${MAX_LEARNING_RATE}`);
const failWeightDecay = failWith(`a number from 0 to ${MAX_WEIGHT_DECAY}`);

export const trainingParamsSchema = z
  .strictObject({
    data_seed: wholeNumber(`a whole number from 0 to ${MAX_SEED}`, 0, MAX_SEED).default(TRAINING_DEFAULTS.data_seed),
    training_fraction: z
      .number({ error: failFraction('is not a number') })
      .gt(0, { error: failFraction('is not allowed') })
      .lt(1, { error: failFraction('is not allowed') })
      .default(TRAINING_DEFAULTS.training_fraction),
    learning_rate: z
      .number({ error: failLearningRate('is not a number') })
      .gt(0, { error: failLearningRate('is too small') })
      .max(MAX_LEARNING_RATE, { error: failLearningRate('is too large') })
      .default(TRAINING_DEFAULTS.learning_rate),
    weight_decay: z
      .number({ error: failWeightDecay('is not a number') })
      .min(0, { error: failWeightDecay('is too small') })
      .max(MAX_WEIGHT_DECAY, { error: failWeightDecay('is too large') })
      .default(TRAINING_DEFAULTS.weight_decay),
    num_epochs: wholeNumber(`a whole number of epochs from 1 to ${MAX_EPOCHS.toLocaleString('en-US')}`, 1, MAX_EPOCHS).default(
      TRAINING_DEFAULTS.num_epochs,
    ),
    /** Explicit checkpoint epochs; null or absent means the family's default schedule. */
    checkpoint_epochs: z
      .array(z.number({ error: (iss) => `${showInput(iss.input)} is not an epoch number` }), {
        error: 'must be a list of epoch numbers, or null for the default schedule',
      })
      .max(MAX_CHECKPOINTS, {
        error: (iss) =>
          `has ${(iss.input as unknown[]).length.toLocaleString('en-US')} epochs; allowed: at most ${MAX_CHECKPOINTS.toLocaleString('en-US')} checkpoints`,
      })
      .nullable()
      .default(null),
    /** Also save extra checkpoints while the test loss falls fast (shared/adaptive-checkpoints.ts); not part of the variant's name. */
    adaptive_checkpoints: z
      .boolean({
        error: (iss) => `${showInput(iss.input)} is not allowed; allowed: true (extra checkpoints while the test loss falls fast) or false`,
      })
      .default(true),
  })
  .superRefine((params, ctx) => {
    let bad = 0;
    params.checkpoint_epochs?.forEach((epoch, i) => {
      const problem = checkpointEpochProblem(epoch, params.num_epochs);
      if (problem && ++bad <= MAX_REPORTED_EPOCHS) ctx.addIssue({ code: 'custom', path: ['checkpoint_epochs', i], message: problem });
    });
    if (bad > MAX_REPORTED_EPOCHS) {
      ctx.addIssue({
        code: 'custom',
        path: ['checkpoint_epochs'],
        message: `${(bad - MAX_REPORTED_EPOCHS).toLocaleString('en-US')} more epochs are not allowed either`,
      });
    }
  });

export type TrainingParams = z.output<typeof trainingParamsSchema>;
