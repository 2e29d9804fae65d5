/**
 * The Training page's form logic, pure: raw input text → a train-job request and inline errors,
 * checked by the same zod schemas the server uses, so both say the same thing.
 */
import type { FamilySummary } from '../../shared/api.ts';
import { parseCheckpointList } from '../../shared/checkpoint-schedule.ts';
import { formatDuration, formatNumber } from '../../shared/format.ts';
import { trainJobSchema, type InitFrom, type TrainJobRecord, type TrainJobRequest } from '../../shared/jobs.ts';
import { TRAINING_DEFAULTS, trainingParamsSchema, type TrainingParams } from '../../shared/training-params.ts';
import { estimateTrainingSeconds, ROUGH_SPEED, speedFor, type EpochSpeed } from '../../shared/training-presets.ts';
import { fieldErrors } from '../../shared/validation.ts';
import { IDENTITY_SETTING_NAMES, variantName, type TrainingIdentityInput } from '../../shared/variant-name.ts';

export interface TrainingFormValues {
  /** Domain parameters by name, as typed. */
  params: Record<string, string>;
  data_seed: string;
  training_fraction: string;
  learning_rate: string;
  weight_decay: string;
  num_epochs: string;
  /** Comma-separated epochs; empty means the default schedule. */
  checkpoints: string;
  /** Also save checkpoints where the test loss falls fast (shared/adaptive-checkpoints.ts). */
  adaptive_checkpoints: boolean;
  /** The checkpoint of another variant the run starts from; null for the seeded init. */
  init_from: InitFrom | null;
}

export interface TrainingFormCheck {
  /** Present when every field is valid. */
  request?: Omit<TrainJobRequest, 'overwrite'>;
  /**
   * The variant these domain parameters and identity settings name (shared/variant-name.ts), when
   * they are valid and, for a run started from a checkpoint, its weights' digest is known.
   */
  variant?: string;
  /** The settings are valid, and the name waits only for the starting checkpoint's digest. */
  awaitingDigest?: boolean;
  /** Inline messages keyed by form field: `params.<name>`, `data_seed`, …, `checkpoints`. */
  errors: Record<string, string>;
}

/** The server's default, so a form nobody touched asks for what a request without the setting gets. */
const ADAPTIVE_CHECKPOINTS_DEFAULT = trainingParamsSchema.parse({}).adaptive_checkpoints;

export function initialTrainingValues(family: FamilySummary): TrainingFormValues {
  return trainingValues(family.defaults, TRAINING_DEFAULTS);
}

/** The form showing given settings: a preset's, or the request of the job that is running. */
export function trainingValues(
  params: Record<string, number>,
  training: Pick<TrainingParams, 'data_seed' | 'training_fraction' | 'learning_rate' | 'weight_decay' | 'num_epochs'> & {
    checkpoint_epochs?: readonly number[] | null;
    adaptive_checkpoints?: boolean;
  },
  initFrom: InitFrom | null = null,
): TrainingFormValues {
  return {
    params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)])),
    data_seed: String(training.data_seed),
    training_fraction: String(training.training_fraction),
    learning_rate: String(training.learning_rate),
    weight_decay: String(training.weight_decay),
    num_epochs: String(training.num_epochs),
    checkpoints: training.checkpoint_epochs?.join(', ') ?? '',
    adaptive_checkpoints: training.adaptive_checkpoints ?? ADAPTIVE_CHECKPOINTS_DEFAULT,
    init_from: initFrom,
  };
}

/**
 * The form showing a train job's request. A continuation (`continue_to`) extends the run to that many
 * epochs in all on its own schedule, so its total epochs are the target and its checkpoint list the default.
 */
export function jobTrainingValues(
  request: Pick<TrainJobRecord['request'], 'params' | 'training' | 'init_from' | 'continue_to'>,
): TrainingFormValues {
  if (request.continue_to === null) return trainingValues(request.params, request.training, request.init_from);
  return trainingValues(
    request.params,
    { ...request.training, num_epochs: request.continue_to, checkpoint_epochs: null },
    request.init_from,
  );
}

/** "≈ 42 s on this machine": how long `numEpochs` epochs at `prime` take at `speed`. */
export function estimateText(prime: number, numEpochs: number, speeds: readonly EpochSpeed[]): string {
  return `≈ ${formatDuration(estimateTrainingSeconds(prime, numEpochs, speedFor(prime, speeds)))} on this machine`;
}

/** Where the estimates come from, said plainly: the runs timed here, or the rough figure. */
export function estimateSource(speeds: readonly EpochSpeed[]): string {
  const figure = (speed: EpochSpeed) => `${formatNumber(speed.msPerEpoch)} ms/epoch at p = ${speed.prime}`;
  if (speeds.length === 0) {
    return `Estimates: a rough ${figure(ROUGH_SPEED)} (2 cores, OpenBLAS) scaled by p²; no run has been timed here yet.`;
  }
  const timed = [...speeds]
    .sort((a, b) => a.prime - b.prime)
    .map(figure)
    .join(', ');
  return `Estimates: from the runs timed here (${timed}), each from the nearest modulus, scaled by p².`;
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

/**
 * Checks the form as the server will. `initDigest` is the digest of the `init_from` checkpoint's
 * weights (GET …/checkpoints/:epoch), which ends the variant's name; undefined while it is asked for.
 */
export function checkTrainingForm(family: FamilySummary, values: TrainingFormValues, initDigest?: string): TrainingFormCheck {
  const numEpochs = numberOrRaw(values.num_epochs);
  const checkpoints = parseCheckpointList(values.checkpoints, typeof numEpochs === 'number' ? numEpochs : undefined);
  const body = {
    kind: 'train',
    family: family.name,
    params: Object.fromEntries(Object.entries(values.params).map(([name, raw]) => [name, numberOrRaw(raw)])),
    training: {
      data_seed: numberOrRaw(values.data_seed),
      training_fraction: numberOrRaw(values.training_fraction),
      learning_rate: numberOrRaw(values.learning_rate),
      weight_decay: numberOrRaw(values.weight_decay),
      num_epochs: numEpochs,
      checkpoint_epochs: checkpoints.ok ? checkpoints.epochs : null,
      adaptive_checkpoints: values.adaptive_checkpoints,
    },
    init_from: values.init_from,
  };
  const errors: Record<string, string> = {};
  if (!checkpoints.ok) errors.checkpoints = checkpoints.error;
  const parsed = trainJobSchema(family).safeParse(body);
  if (!parsed.success) {
    for (const { field, message } of fieldErrors(parsed.error)) errors[formField(field)] ??= message;
  }
  // The name needs valid domain parameters and identity settings only (an absent setting is its default).
  const nameValid = !Object.keys(errors).some(
    (field) => field.startsWith('params') || (IDENTITY_SETTING_NAMES as readonly string[]).includes(field),
  );
  const init = values.init_from ? initDigest : null;
  const variant =
    nameValid && init !== undefined
      ? variantName(family, body.params as Record<string, number>, { ...(body.training as TrainingIdentityInput), init })
      : undefined;
  const awaitingDigest = nameValid && init === undefined;
  if (!parsed.success || !checkpoints.ok) return { variant, awaitingDigest, errors };
  const { overwrite: _ignored, ...request } = parsed.data;
  return { request, variant, awaitingDigest, errors };
}
