/**
 * The files of a trained variant (docs/ARCHITECTURE.md §4.1, §4.4–§4.7): checkpoints, config.json, metadata.json and
 * the final optimizer state. Every write is atomic (temporary name, then rename).
 */
import { readFile } from 'node:fs/promises';
import type { Architecture } from '../../shared/family-schema.ts';
import type { BackendName } from '../engine/gemm/gemm.ts';
import { fromStateDict, STATE_DICT_NAMES, toStateDict, WEIGHT_NAMES, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { readSafetensors, writeSafetensors, type TensorMap } from '../storage/safetensors.ts';
import { writeJsonAtomic } from '../storage/atomic-write.ts';
import type { AdamState } from './adamw.ts';

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
  /** Weights file the run started from instead of the seeded init, or null. */
  init_from: string | null;
  optimizer: { learning_rate: number; weight_decay: number; beta1: number; beta2: number; eps: number };
  /** Backend of the latest segment; `segments` lists every one. */
  backend: BackendName;
  /** Sum over segments. */
  wall_time_seconds: number;
  app_version: string;
  segments: TrainingSegment[];
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

export async function readOptimizerState(path: string, d: ModelDims): Promise<AdamState> {
  const { tensors, metadata } = await readSafetensors(path);
  const moments = (prefix: string) =>
    fromStateDict(
      Object.fromEntries(
        WEIGHT_NAMES.map((name) => [STATE_DICT_NAMES[name], tensors[`${prefix}.${STATE_DICT_NAMES[name]}`]!]).filter(([, t]) => t),
      ),
      d,
    );
  const step = Number(metadata.step);
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`${path}: missing or invalid step count "${metadata.step}"`);
  return { step, m: moments('m'), v: moments('v') };
}

/** metadata.json is written compactly, like the original, and last. */
export function writeMetadata(path: string, metadata: VariantMetadata): Promise<void> {
  return writeJsonAtomic(path, metadata);
}

export async function readMetadata(path: string): Promise<VariantMetadata> {
  return JSON.parse(await readFile(path, 'utf8')) as VariantMetadata;
}
