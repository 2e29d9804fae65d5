/**
 * Training a variant end to end, and continuing a completed one: validation, files, the epoch loop,
 * progress and cancellation. A library API with no console output, usable from a job process.
 *
 * File order guarantees "metadata.json exists ⇔ the run completed": checkpoints as their epochs
 * come, then the final checkpoint, the optimizer state, config.json, and metadata.json last.
 */
import { readdir, rm } from 'node:fs/promises';
import type { z } from 'zod';
import { APP_VERSION } from '../../version.ts';
import { checkpointEpochProblem, defaultCheckpointEpochs, withFinalEpoch } from '../../shared/checkpoint-schedule.ts';
import { domainParamsSchema } from '../../shared/domain-params.ts';
import { taskParams, type DomainParams, type Family } from '../../shared/family-schema.ts';
import { OPTIMIZER, trainingParamsSchema, type TrainingParams } from '../../shared/training-params.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { variantName } from '../../shared/variant-name.ts';
import { selectGemm, type BackendName } from '../engine/gemm/gemm.ts';
import { modelDims, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { variantPaths, type VariantPaths } from '../registry/variant-paths.ts';
import { initialAdamState, type AdamState } from './adamw.ts';
import { batchFromIndices, trainTestSplit } from './data.ts';
import { initWeights } from './init.ts';
import { TrainingSession } from './session.ts';
import {
  readCheckpoint,
  readMetadata,
  readOptimizerState,
  variantConfig,
  writeCheckpoint,
  writeMetadata,
  writeOptimizerState,
  type VariantMetadata,
} from './variant-files.ts';
import { removeStaleTemporaries, writeJsonAtomic } from '../storage/atomic-write.ts';

export interface TrainVariantRequest {
  resultsDir: string;
  family: Family;
  /** Domain parameters, e.g. { prime: 113, seed: 999 }: every one the family declares. */
  params: DomainParams;
  /** Training parameters; absent fields take the defaults of spec §3.4. */
  training?: z.input<typeof trainingParamsSchema>;
  /** Replace an existing variant folder (removed first) instead of refusing. */
  overwrite?: boolean;
  /** A safetensors file with TransformerLens names to start from instead of the seeded init. */
  initFrom?: string;
  backend?: BackendName;
}

export interface ContinueVariantRequest {
  resultsDir: string;
  family: Family;
  params: DomainParams;
  /** The new total number of epochs, more than the variant has. */
  numEpochs: number;
  /**
   * Checkpoint epochs to add beyond the old final epoch; absent: the run's own request (the family
   * default schedule when it had none) restricted to the new epochs. The new final epoch is always saved.
   */
  checkpointEpochs?: number[];
  backend?: BackendName;
}

export interface TrainProgress {
  /** The epoch just finished (0-based). */
  epoch: number;
  numEpochs: number;
  trainLoss: number;
  testLoss: number;
  msPerEpoch: number;
  etaSeconds: number;
}

export interface TrainHooks {
  /** Called at most about four times a second, and after the final epoch. */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops training cleanly between epochs: no metadata is written and the result is `incomplete`. */
  signal?: AbortSignal;
}

export interface TrainResult {
  status: 'completed' | 'incomplete';
  variant: string;
  dir: string;
  backend: BackendName;
  /** Epochs trained in total, including earlier segments when continuing. */
  epochsCompleted: number;
  numEpochs: number;
  checkpointEpochs: number[];
  finalTrainLoss: number;
  finalTestLoss: number;
  /** Of this call only. */
  wallTimeSeconds: number;
}

/** Bad input, reported before anything is written. */
export class TrainingInputError extends Error {
  override name = 'TrainingInputError';
}

const PROGRESS_INTERVAL_MS = 250;

interface ResolvedRequest {
  name: string;
  paths: VariantPaths;
  dims: ModelDims;
  params: DomainParams;
  /** The model seed, the task's seed parameter. */
  seed: number;
  training: TrainingParams;
}

function resolveVariant(family: Family, params: DomainParams, resultsDir: string) {
  const parsed = domainParamsSchema(family).safeParse(params);
  if (!parsed.success) throw new TrainingInputError(summarizeFieldErrors(fieldErrors(parsed.error)));
  const checked = parsed.data as DomainParams;
  const name = variantName(family, checked);
  const { modulus, seed } = taskParams(family, checked);
  return { name, params: checked, seed, paths: variantPaths(resultsDir, family.name, name), dims: modelDims(family.architecture, modulus) };
}

/** Checks every input of a training request without touching the disk. */
export function validateTrainRequest(request: TrainVariantRequest): ResolvedRequest {
  const variant = resolveVariant(request.family, request.params, request.resultsDir);
  const parsed = trainingParamsSchema.safeParse(request.training ?? {});
  if (!parsed.success) throw new TrainingInputError(summarizeFieldErrors(fieldErrors(parsed.error)));
  const training = parsed.data;
  const total = variant.dims.p ** 2;
  const trainCount = Math.floor(total * training.training_fraction);
  if (trainCount === 0 || trainCount === total) {
    throw new TrainingInputError(
      `training_fraction: ${training.training_fraction} of ${total} pairs leaves ${trainCount === 0 ? 'no training' : 'no test'} pairs; ` +
        `allowed: a fraction giving at least one pair in each set`,
    );
  }
  return { ...variant, training };
}

/**
 * Whether the folder holds any file, at any depth. Empty folders do not count: a run killed while
 * writing its first checkpoint leaves `checkpoints/` and at most a temporary, which the registry
 * shows as untrained and a new run may replace without `overwrite`.
 */
async function folderHasFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).some((entry) => !entry.isDirectory());
  } catch {
    return false;
  }
}

/** Trains a variant from the seeded init (or `initFrom`) and writes all its files. */
export async function trainVariant(request: TrainVariantRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const resolved = validateTrainRequest(request);
  const { dims, paths, training, params, seed } = resolved;
  const gemm = selectGemm(request.backend);
  const weights = request.initFrom ? await readInitWeights(request.initFrom, dims) : initWeights(dims, seed);
  await removeStaleTemporaries(paths.dir);
  if (await folderHasFiles(paths.dir)) {
    if (!request.overwrite) {
      throw new TrainingInputError(`variant ${resolved.name} already has files in ${paths.dir}; pass overwrite to replace it`);
    }
  }
  // Also a folder of empty folders, so the new run starts from nothing.
  await rm(paths.dir, { recursive: true, force: true });

  const split = trainTestSplit(dims.p, training.training_fraction, training.data_seed);
  const numEpochs = training.num_epochs;
  const checkpointEpochs = training.checkpoint_epochs
    ? withFinalEpoch(training.checkpoint_epochs, numEpochs)
    : defaultCheckpointEpochs(numEpochs);
  const metadata: VariantMetadata = {
    train_losses: [],
    test_losses: [],
    train_indices: Array.from(split.trainIndices),
    test_indices: Array.from(split.testIndices),
    checkpoint_epochs: checkpointEpochs,
    num_epochs: numEpochs,
    family: request.family.name,
    params,
    data_seed: training.data_seed,
    training_fraction: training.training_fraction,
    checkpoint_request: training.checkpoint_epochs,
    init_from: request.initFrom ?? null,
    optimizer: { ...OPTIMIZER },
    backend: gemm.name,
    wall_time_seconds: 0,
    app_version: APP_VERSION,
    segments: [],
  };
  const session = new TrainingSession(
    dims,
    gemm,
    weights,
    initialAdamState(dims),
    batchFromIndices(dims.p, request.family.task.operation, split.trainIndices),
    batchFromIndices(dims.p, request.family.task.operation, split.testIndices),
  );
  const config = variantConfig(request.family.architecture, dims, seed, training.data_seed, training.training_fraction);
  return runSegment(session, resolved.name, paths, metadata, config, 0, new Set(checkpointEpochs), hooks);
}

/**
 * Continues a completed variant to `numEpochs` from its final checkpoint and optimizer state. The
 * result is bitwise what one uninterrupted run of that length gives, when both use the same backend
 * configuration (`Gemm.description`, recorded per segment in metadata.json).
 */
export async function continueVariant(request: ContinueVariantRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const variant = resolveVariant(request.family, request.params, request.resultsDir);
  const { paths, dims } = variant;
  await removeStaleTemporaries(paths.dir);
  let metadata: VariantMetadata;
  try {
    metadata = await readMetadata(paths.metadata);
  } catch {
    throw new TrainingInputError(`variant ${variant.name} has no completed run to continue (no ${paths.metadata})`);
  }
  const oldEpochs = metadata.num_epochs;
  const newEpochs = request.numEpochs;
  if (!Number.isSafeInteger(newEpochs) || newEpochs <= oldEpochs) {
    throw new TrainingInputError(`${newEpochs} epochs does not extend the run; allowed: a whole number above ${oldEpochs}`);
  }
  const epochsProblem = trainingParamsSchema.safeParse({ num_epochs: newEpochs });
  if (!epochsProblem.success) throw new TrainingInputError(summarizeFieldErrors(fieldErrors(epochsProblem.error)));
  for (const epoch of request.checkpointEpochs ?? []) {
    const problem = checkpointEpochProblem(epoch, newEpochs);
    if (problem) throw new TrainingInputError(`checkpoint_epochs: ${problem}`);
    if (epoch < oldEpochs) {
      throw new TrainingInputError(`checkpoint_epochs: ${epoch} is already trained; allowed: epochs ${oldEpochs} to ${newEpochs - 1}`);
    }
  }
  const requested = request.checkpointEpochs ?? metadata.checkpoint_request ?? defaultCheckpointEpochs(newEpochs);
  const added = withFinalEpoch(
    requested.filter((e) => e >= oldEpochs && e < newEpochs),
    newEpochs,
  );

  const weights = await readCheckpoint(paths.checkpoint(oldEpochs - 1), dims);
  const adam: AdamState = await readOptimizerState(paths.optimizerState, dims);
  if (adam.step !== oldEpochs) {
    throw new Error(`${paths.optimizerState} holds step ${adam.step} but the run has ${oldEpochs} epochs`);
  }
  const gemm = selectGemm(request.backend);
  const session = new TrainingSession(
    dims,
    gemm,
    weights,
    adam,
    batchFromIndices(dims.p, request.family.task.operation, metadata.train_indices),
    batchFromIndices(dims.p, request.family.task.operation, metadata.test_indices),
  );
  const extended: VariantMetadata = {
    ...metadata,
    checkpoint_epochs: [...new Set([...metadata.checkpoint_epochs, ...added])].sort((a, b) => a - b),
    num_epochs: newEpochs,
    backend: gemm.name,
    app_version: APP_VERSION,
  };
  const config = variantConfig(request.family.architecture, dims, variant.seed, metadata.data_seed, metadata.training_fraction);
  const result = await runSegment(session, variant.name, paths, extended, config, oldEpochs, new Set(added), hooks);
  if (result.status === 'incomplete') {
    // Leave the variant as it was: its metadata still describes the shorter completed run.
    await Promise.all(added.filter((e) => e <= result.epochsCompleted - 1).map((e) => rm(paths.checkpoint(e), { force: true })));
  }
  return result;
}

async function readInitWeights(path: string, dims: ModelDims): Promise<ModelWeights> {
  try {
    return await readCheckpoint(path, dims);
  } catch (error) {
    throw new TrainingInputError(`cannot start from ${path}: ${(error as Error).message}`);
  }
}

/**
 * Epochs `fromEpoch … metadata.num_epochs − 1` in the order of spec §3.5, saving the checkpoints in
 * `saveAt`, then the closing files. `metadata` already holds the losses of earlier segments.
 */
async function runSegment(
  session: TrainingSession,
  name: string,
  paths: VariantPaths,
  metadata: VariantMetadata,
  config: object,
  fromEpoch: number,
  saveAt: Set<number>,
  hooks: TrainHooks,
): Promise<TrainResult> {
  const numEpochs = metadata.num_epochs;
  const started = performance.now();
  let lastReport = started;
  let lastReportEpoch = fromEpoch - 1;
  let trainLoss = NaN;
  let testLoss = NaN;
  let epoch = fromEpoch;
  const result = (status: TrainResult['status']): TrainResult => ({
    status,
    variant: name,
    dir: paths.dir,
    backend: session.gemm.name,
    epochsCompleted: epoch,
    numEpochs,
    checkpointEpochs: metadata.checkpoint_epochs.filter((e) => e < epoch),
    finalTrainLoss: trainLoss,
    finalTestLoss: testLoss,
    wallTimeSeconds: (performance.now() - started) / 1000,
  });

  for (; epoch < numEpochs; epoch++) {
    if (hooks.signal?.aborted) return result('incomplete');
    ({ trainLoss, testLoss } = session.epoch());
    metadata.train_losses.push(trainLoss);
    metadata.test_losses.push(testLoss);
    if (saveAt.has(epoch)) await writeCheckpoint(paths.checkpoint(epoch), session.weights, session.dims);

    const now = performance.now();
    if (now - lastReport >= PROGRESS_INTERVAL_MS || epoch === numEpochs - 1) {
      const msPerEpoch = (now - lastReport) / (epoch - lastReportEpoch);
      hooks.onProgress?.({ epoch, numEpochs, trainLoss, testLoss, msPerEpoch, etaSeconds: ((numEpochs - 1 - epoch) * msPerEpoch) / 1000 });
      lastReport = now;
      lastReportEpoch = epoch;
      // Let the event loop run, so an abort requested from outside can arrive.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  epoch = numEpochs;
  await writeOptimizerState(paths.optimizerState, session.adam, session.dims);
  await writeJsonAtomic(paths.config, config, 2);
  const wallTime = (performance.now() - started) / 1000;
  metadata.segments.push({
    from_epoch: fromEpoch,
    to_epoch: numEpochs,
    backend: session.gemm.name,
    backend_detail: session.gemm.description,
    wall_time_seconds: wallTime,
    app_version: APP_VERSION,
  });
  metadata.wall_time_seconds = metadata.segments.reduce((total, s) => total + s.wall_time_seconds, 0);
  await writeMetadata(paths.metadata, metadata);
  return result('completed');
}
