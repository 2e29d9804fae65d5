/**
 * The files of a trained variant (docs/ARCHITECTURE.md §4.1, §4.4–§4.7, §4.12): checkpoints, config.json,
 * metadata.json, the optimizer state and, while a run is not completed, training_progress.json. Every
 * write is atomic (temporary name, then rename).
 */
import { readFile } from 'node:fs/promises';
import type { AdaptiveCheckpoint, AdaptiveCheckpointRule } from '../../shared/adaptive-checkpoints.ts';
import type { Architecture } from '../../shared/family-schema.ts';
import type { BackendName } from '../engine/gemm/gemm.ts';
import { fromStateDict, STATE_DICT_NAMES, toStateDict, WEIGHT_NAMES, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors, type TensorMap } from '../storage/safetensors.ts';
import { writeJsonAtomic } from '../storage/atomic-write.ts';
import type { AdamHyperParams, AdamState } from './adamw.ts';

/** One uninterrupted stretch of training that produced part of a variant. */
export interface TrainingSegment {
  from_epoch: number;
  to_epoch: number;
  backend: BackendName;
  /** Gemm.description: the same text means bitwise-reproducible arithmetic. */
  backend_detail: string;
  wall_time_seconds: number;
  app_version: string;
}

/** metadata.json: the spec's keys first, in order, then ours. */
export interface VariantMetadata {
  train_losses: number[];
  test_losses: number[];
  train_indices: number[];
  test_indices: number[];
  checkpoint_epochs: number[];
  num_epochs: number;
  family: string;
  params: Record<string, number>;
  data_seed: number;
  training_fraction: number;
  /** The checkpoint list asked for, or null for the family default schedule. */
  checkpoint_request: number[] | null;
  /** What the run started from instead of the seeded init (a file's path, or "<variant> epoch <E>"), or null. */
  init_from: string | null;
  /** The digest of those starting weights, the name's `_init<digest>` (server/training/init-weights.ts); absent for the seeded init. */
  init_digest?: string;
  optimizer: AdamHyperParams;
  /** Backend of the latest segment; `segments` lists every one. */
  backend: BackendName;
  /** Sum over segments. */
  wall_time_seconds: number;
  app_version: string;
  segments: TrainingSegment[];
  /**
   * One per epoch, like the losses: the share of training examples whose argmax logit is the label
   * (before that epoch's update), and of test examples (after it). Absent in runs recorded before
   * accuracies were, and then in their resumed or continued parts too (the arrays always cover every epoch).
   */
  train_accuracies?: number[];
  test_accuracies?: number[];
  /** The adaptive checkpoint rule the run applies, or null when it is off; absent in runs older than the rule (off). */
  adaptive_checkpoint_rule?: AdaptiveCheckpointRule | null;
  /** The extra checkpoints the rule saved, ascending; each is also in `checkpoint_epochs`. Present (maybe empty) with the rule's key. */
  adaptive_checkpoints?: AdaptiveCheckpoint[];
}

/** config.json, keys in the spec's order (§1.6); `prime` is the spec's name for the modulus p, whatever the family calls it. */
export function variantConfig(arch: Architecture, d: ModelDims, seed: number, dataSeed: number, fraction: number) {
  return {
    n_layers: arch.n_layers,
    n_heads: arch.n_heads,
    d_model: arch.d_model,
    d_head: arch.d_head,
    d_mlp: arch.d_mlp,
    act_fn: arch.act_fn,
    normalization_type: arch.normalization_type,
    d_vocab: d.dVocab,
    d_vocab_out: d.p,
    n_ctx: arch.n_ctx,
    seed,
    prime: d.p,
    model_seed: seed,
    data_seed: dataSeed,
    training_fraction: fraction,
  };
}

export function writeCheckpoint(path: string, weights: ModelWeights, d: ModelDims): Promise<void> {
  return writeSafetensors(path, toStateDict(weights, d));
}

export async function readCheckpoint(path: string, d: ModelDims): Promise<ModelWeights> {
  return fromStateDict((await readSafetensors(path)).tensors, d);
}

/** Moments under `m.<state-dict name>` and `v.<state-dict name>`; the step count in the header metadata. */
export function writeOptimizerState(path: string, state: AdamState, d: ModelDims): Promise<void> {
  const m = toStateDict(state.m, d);
  const v = toStateDict(state.v, d);
  const tensors: TensorMap = {};
  for (const name of WEIGHT_NAMES) tensors[`m.${STATE_DICT_NAMES[name]}`] = m[STATE_DICT_NAMES[name]]!;
  for (const name of WEIGHT_NAMES) tensors[`v.${STATE_DICT_NAMES[name]}`] = v[STATE_DICT_NAMES[name]]!;
  return writeSafetensors(path, tensors, { step: String(state.step) });
}

/** The header's step count: how many updates the moments include. */
function stepCount(path: string, metadata: Record<string, string>): number {
  const step = Number(metadata.step);
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`${path}: missing or invalid step count "${metadata.step}"`);
  return step;
}

/** The step count alone, from the header (the tensors are not read). */
export async function readOptimizerStep(path: string): Promise<number> {
  return stepCount(path, await readSafetensorsMetadata(path));
}

export async function readOptimizerState(path: string, d: ModelDims): Promise<AdamState> {
  const { tensors, metadata } = await readSafetensors(path);
  const moments = (prefix: string) =>
    fromStateDict(
      Object.fromEntries(
        WEIGHT_NAMES.map((name) => [STATE_DICT_NAMES[name], tensors[`${prefix}.${STATE_DICT_NAMES[name]}`]!]).filter(([, t]) => t),
      ),
      d,
    );
  return { step: stepCount(path, metadata), m: moments('m'), v: moments('v') };
}

/** metadata.json is written compactly, like the original, and last. */
export function writeMetadata(path: string, metadata: VariantMetadata): Promise<void> {
  return writeJsonAtomic(path, metadata);
}

export async function readMetadata(path: string): Promise<VariantMetadata> {
  return withNaNs(JSON.parse(await readFile(path, 'utf8')) as VariantMetadata);
}

/**
 * The per-epoch arrays as the engine produced them: JSON writes a non-finite number as null, which
 * is NaN again here (so a comparison skips it instead of reading it as 0).
 */
function withNaNs<Record extends Pick<VariantMetadata, 'train_losses' | 'test_losses' | 'train_accuracies' | 'test_accuracies'>>(
  record: Record,
): Record {
  const numbers = (values: readonly (number | null)[] | undefined) => values?.map((value) => value ?? NaN);
  return {
    ...record,
    train_losses: numbers(record.train_losses),
    test_losses: numbers(record.test_losses),
    ...(record.train_accuracies && { train_accuracies: numbers(record.train_accuracies) }),
    ...(record.test_accuracies && { test_accuracies: numbers(record.test_accuracies) }),
  };
}

/**
 * training_progress.json (§4.12): what metadata.json would hold at the latest checkpoint of a run not
 * yet completed, without the data split (derived again from `data_seed` and `training_fraction`).
 * `segments` ends with the stretch running when it was written. Written just before the optimizer
 * state, so its losses may run ahead of the state's step (a kill between the two writes): the step
 * decides how many are kept.
 */
export type TrainingProgress = Omit<VariantMetadata, 'train_indices' | 'test_indices'>;

export function writeProgress(path: string, progress: TrainingProgress): Promise<void> {
  return writeJsonAtomic(path, progress);
}

export async function readProgress(path: string): Promise<TrainingProgress> {
  return withNaNs(JSON.parse(await readFile(path, 'utf8')) as TrainingProgress);
}
