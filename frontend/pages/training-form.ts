/**
 * The Training page's form logic, pure: raw input text → a train-job request and inline errors,
 * checked by the same zod schemas the server uses, so both say the same thing.
 */
import type { FamilySummary } from '../../shared/api.ts';
import { parseCheckpointList } from '../../shared/checkpoint-schedule.ts';
import { trainJobSchema, type TrainJobRequest } from '../../shared/jobs.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { fieldErrors } from '../../shared/validation.ts';
import { variantName } from '../../shared/variant-name.ts';

export interface TrainingFormValues {
  /** Domain parameters by name, as typed. */
  params: Record<string, string>;
  data_seed: string;
  training_fraction: string;
  num_epochs: string;
  /** Comma-separated epochs; empty means the default schedule. */
  checkpoints: string;
}

export interface TrainingFormCheck {
  /** Present when every field is valid. */
  request?: Omit<TrainJobRequest, 'overwrite'>;
  /** The variant these domain parameters name, when they are valid. */
  variant?: string;
  /** Inline messages keyed by form field: `params.<name>`, `data_seed`, …, `checkpoints`. */
  errors: Record<string, string>;
}

export function initialTrainingValues(family: FamilySummary): TrainingFormValues {
  return {
    params: Object.fromEntries(Object.entries(family.defaults).map(([name, value]) => [name, String(value)])),
    data_seed: String(TRAINING_DEFAULTS.data_seed),
    training_fraction: String(TRAINING_DEFAULTS.training_fraction),
    num_epochs: String(TRAINING_DEFAULTS.num_epochs),
    checkpoints: '',
  };
}

/** '' → absent (so the message says a value is required); numeric text → number; else the text itself. */
function numberOrRaw(raw: string): number | string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/** Maps a schema path (`training.checkpoint_epochs.3`) to the form field that shows it. */
function formField(path: string): string {
  if (path.startsWith('training.checkpoint_epochs')) return 'checkpoints';
  if (path.startsWith('training.')) return path.slice('training.'.length);
  return path;
}

export function checkTrainingForm(family: FamilySummary, values: TrainingFormValues): TrainingFormCheck {
  const numEpochs = numberOrRaw(values.num_epochs);
  const checkpoints = parseCheckpointList(values.checkpoints, typeof numEpochs === 'number' ? numEpochs : undefined);
  const body = {
    kind: 'train',
    family: family.name,
    params: Object.fromEntries(Object.entries(values.params).map(([name, raw]) => [name, numberOrRaw(raw)])),
    training: {
      data_seed: numberOrRaw(values.data_seed),
      training_fraction: numberOrRaw(values.training_fraction),
      num_epochs: numEpochs,
      checkpoint_epochs: checkpoints.ok ? checkpoints.epochs : null,
    },
  };
  const errors: Record<string, string> = {};
  if (!checkpoints.ok) errors.checkpoints = checkpoints.error;
  const parsed = trainJobSchema(family).safeParse(body);
  if (!parsed.success) {
    for (const { field, message } of fieldErrors(parsed.error)) errors[formField(field)] ??= message;
  }
  const paramsValid = !Object.keys(errors).some((field) => field.startsWith('params'));
  const variant = paramsValid ? variantName(family, body.params as Record<string, number>) : undefined;
  if (!parsed.success || !checkpoints.ok) return { variant, errors };
  const { overwrite: _ignored, ...request } = parsed.data;
  return { request, variant, errors };
}
