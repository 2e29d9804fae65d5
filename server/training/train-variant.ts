/**
 * Training a variant end to end, resuming an interrupted run, and continuing a completed one:
 * validation, files, the epoch loop, progress and cancellation. A library API with no console
 * output, usable from a job process.
 *
 * File order guarantees "metadata.json exists ⇔ the run completed": at each checkpoint epoch E the
 * checkpoint, then (while the run is resumable) training_progress.json and the optimizer state at
 * step E + 1, the commit point a resumed run starts from (docs/ARCHITECTURE.md §4.12); after the final
 * epoch's checkpoint and optimizer state, config.json, metadata.json, and the progress file is removed.
 */
import { readdir, rm } from 'node:fs/promises';
import type { z } from 'zod';
import { APP_VERSION } from '../../version.ts';
import {
  adaptiveCheckpoint,
  ADAPTIVE_CHECKPOINT_RULE,
  fallWatchAt,
  observed,
  savedAt,
  type AdaptiveCheckpoint,
} from '../../shared/adaptive-checkpoints.ts';
import { formatEpoch } from '../../shared/format.ts';
import { checkpointEpochProblem, defaultCheckpointEpochs, withFinalEpoch } from '../../shared/checkpoint-schedule.ts';
import { domainParamsSchema } from '../../shared/domain-params.ts';
import { taskParams, type DomainParams, type Family } from '../../shared/family-schema.ts';
import { trainingParamsSchema, type TrainingParams } from '../../shared/training-params.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { variantName, type TrainingIdentityInput } from '../../shared/variant-name.ts';
import { selectGemm, type BackendName } from '../engine/gemm/gemm.ts';
import { modelDims, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { listCheckpointEpochs } from '../registry/registry.ts';
import { variantPaths, type VariantPaths } from '../registry/variant-paths.ts';
import { adamHyperParams, initialAdamState } from './adamw.ts';
import { batchFromIndices, trainTestSplit } from './data.ts';
import { initWeights } from './init.ts';
import { TrainingSession } from './session.ts';
import { InitSourceError, readInitWeights, type InitSource } from './init-weights.ts';
import { checkResume, resumePoint } from './resume-point.ts';
import {
  readCheckpoint,
  readMetadata,
  readOptimizerState,
  variantConfig,
  writeCheckpoint,
  writeMetadata,
  writeOptimizerState,
  writeProgress,
  type TrainingSegment,
  type VariantMetadata,
} from './variant-files.ts';
import { removeStaleTemporaries, writeJsonAtomic } from '../storage/atomic-write.ts';

export { resumePoint };

export interface TrainVariantRequest {
  resultsDir: string;
  family: Family;
  /** Domain parameters, e.g. { prime: 113, seed: 999 }: every one the family declares. */
  params: DomainParams;
  /** Training parameters; absent fields take the defaults of spec §3.4. Those of `IDENTITY_SETTINGS` are part of the variant's name. */
  training?: z.input<typeof trainingParamsSchema>;
  /** Replace an existing variant folder (removed first) instead of refusing. */
  overwrite?: boolean;
  /** Weights to start from instead of the seeded init; their digest ends the variant's name (`_init<digest>`). */
  initFrom?: InitSource;
  backend?: BackendName;
}

/** An interrupted run to finish: the same variant, named by the same fields as the request that started it. */
export interface ResumeVariantRequest {
  resultsDir: string;
  family: Family;
  params: DomainParams;
  /**
   * The identity settings name the variant (absent: defaults; `init` is the digest of the weights a
   * run started from). `num_epochs` and `checkpoint_epochs` may be left out; when given they must be
   * the interrupted run's own (a resumed run keeps its plan).
   */
  training?: z.input<typeof trainingParamsSchema> & Pick<TrainingIdentityInput, 'init'>;
  backend?: BackendName;
}

export interface ContinueVariantRequest {
  resultsDir: string;
  family: Family;
  params: DomainParams;
  /** The identity settings of the variant (absent: defaults; `init` as for resuming); other fields are ignored. */
  training?: TrainingIdentityInput;
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
  /** Share of training examples predicted right (argmax of the logits), before the epoch's update. */
  trainAccuracy: number;
  /** Share of test examples predicted right, after the update. */
  testAccuracy: number;
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
  /** Epochs trained in total, including earlier segments when resuming or continuing. */
  epochsCompleted: number;
  numEpochs: number;
  checkpointEpochs: number[];
  /** Of those, the ones the adaptive rule added (metadata.json `adaptive_checkpoints`). */
  addedCheckpointCount: number;
  finalTrainLoss: number;
  finalTestLoss: number;
  /** The last epoch's accuracies; absent for a run recorded before accuracies were. */
  finalTrainAccuracy?: number;
  finalTestAccuracy?: number;
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

function checkDomainParams(family: Family, params: DomainParams): DomainParams {
  const parsed = domainParamsSchema(family).safeParse(params);
  if (!parsed.success) throw new TrainingInputError(summarizeFieldErrors(fieldErrors(parsed.error)));
  return parsed.data as DomainParams;
}

function checkTrainingParams(training: z.input<typeof trainingParamsSchema> | undefined): TrainingParams {
  const parsed = trainingParamsSchema.safeParse(training ?? {});
  if (!parsed.success) throw new TrainingInputError(summarizeFieldErrors(fieldErrors(parsed.error)));
  return parsed.data;
}

/** The variant named by checked domain parameters and identity settings: its name, folder, model seed and sizes. */
function resolveVariant(family: Family, params: DomainParams, identity: TrainingIdentityInput, resultsDir: string) {
  const name = variantName(family, params, identity);
  const { modulus, seed } = taskParams(family, params);
  return { name, params, seed, paths: variantPaths(resultsDir, family.name, name), dims: modelDims(family.architecture, modulus) };
}

/**
 * Checks every input of a training request without touching the disk. `init` is the digest of the
 * starting weights when they are not the seeded init's (it names the variant).
 */
export function validateTrainRequest(
  request: Pick<TrainVariantRequest, 'family' | 'params' | 'resultsDir'> & { training?: ResumeVariantRequest['training'] },
): ResolvedRequest {
  const params = checkDomainParams(request.family, request.params);
  const { init = null, ...settings } = request.training ?? {};
  const training = checkTrainingParams(settings);
  const variant = resolveVariant(request.family, params, { ...training, init }, request.resultsDir);
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
  // Inputs are checked before the source is read; the name waits for its digest.
  const { dims, seed } = validateTrainRequest({ ...request, training: { ...request.training, init: null } });
  const start = request.initFrom ? await startingWeights(request.initFrom, dims) : { weights: initWeights(dims, seed), digest: null };
  const resolved = validateTrainRequest({ ...request, training: { ...request.training, init: start.digest } });
  const { paths, training, params } = resolved;
  const { weights } = start;
  const gemm = selectGemm(request.backend);
  await removeStaleTemporaries(paths.dir);
  if ((await folderHasFiles(paths.dir)) && !request.overwrite) {
    const from = await resumePoint(paths);
    throw new TrainingInputError(
      `variant ${resolved.name} already has files in ${paths.dir}; pass overwrite to replace it` +
        (from === null ? '' : `, or resume to finish its interrupted run from epoch ${from}`),
    );
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
    init_from: request.initFrom?.description ?? null,
    ...(start.digest !== null && { init_digest: start.digest }),
    optimizer: adamHyperParams(training),
    backend: gemm.name,
    wall_time_seconds: 0,
    app_version: APP_VERSION,
    segments: [],
    train_accuracies: [],
    test_accuracies: [],
    adaptive_checkpoint_rule: training.adaptive_checkpoints ? ADAPTIVE_CHECKPOINT_RULE : null,
    adaptive_checkpoints: [],
  };
  const session = new TrainingSession(
    dims,
    gemm,
    weights,
    initialAdamState(dims),
    metadata.optimizer,
    batchFromIndices(dims.p, request.family.task.operation, split.trainIndices),
    batchFromIndices(dims.p, request.family.task.operation, split.testIndices),
  );
  const config = variantConfig(request.family.architecture, dims, seed, training.data_seed, training.training_fraction);
  return runSegment(
    { session, name: resolved.name, paths, metadata, config, fromEpoch: 0, saveAt: new Set(checkpointEpochs), resumable: true },
    hooks,
  );
}

/**
 * The segments of an interrupted run up to its commit point `epoch`: the last one was written at a
 * checkpoint that may lie beyond it (a kill between the progress file and the optimizer state).
 */
export function segmentsUpTo(segments: readonly TrainingSegment[], epoch: number): TrainingSegment[] {
  return segments.filter((s) => s.from_epoch < epoch).map((s) => ({ ...s, to_epoch: Math.min(s.to_epoch, epoch) }));
}

/**
 * Finishes an interrupted run (crashed, killed or cancelled) from its latest commit point: the
 * optimizer state at step S, the checkpoint of epoch S − 1 and the first S losses of
 * training_progress.json. The result is bitwise what the uninterrupted run gives, when both use the
 * same backend configuration (`Gemm.description`, recorded per segment in metadata.json).
 */
export async function resumeVariant(request: ResumeVariantRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { name, paths, dims, seed, training } = validateTrainRequest(request);
  await removeStaleTemporaries(paths.dir);
  const found = await checkResume(paths);
  if ('problem' in found) throw new TrainingInputError(`cannot resume variant ${name}: ${found.problem}`);
  const { epoch: from, progress } = found;
  if (request.training?.num_epochs !== undefined && training.num_epochs !== progress.num_epochs) {
    throw new TrainingInputError(
      `num_epochs: ${training.num_epochs} is not the interrupted run's; allowed: its own ${progress.num_epochs} (continue it to more once it completes)`,
    );
  }
  if (
    request.training?.checkpoint_epochs !== undefined &&
    JSON.stringify(training.checkpoint_epochs) !== JSON.stringify(progress.checkpoint_request)
  ) {
    throw new TrainingInputError(
      `checkpoint_epochs: not the interrupted run's; allowed: its own ${progress.checkpoint_request ? `list of ${progress.checkpoint_request.length}` : 'default schedule'}`,
    );
  }

  const gemm = selectGemm(request.backend);
  const weights = await readCheckpoint(paths.checkpoint(from - 1), dims);
  const adam = await readOptimizerState(paths.optimizerState, dims);
  if (adam.step !== from) throw new Error(`${paths.optimizerState} changed while resuming (step ${adam.step}, was ${from})`);
  // Checkpoints past the commit point were written by no committed epoch: the resumed run writes them again.
  const beyond = (await listCheckpointEpochs(paths.checkpointsDir)).filter((e) => e >= from);
  await Promise.all(beyond.map((e) => rm(paths.checkpoint(e), { force: true })));

  const split = trainTestSplit(dims.p, progress.training_fraction, progress.data_seed);
  const { train_losses, test_losses, ...settings } = progress;
  // Extra checkpoints past the commit point were decided by no committed epoch: the resumed run decides again.
  const dropped = new Set((settings.adaptive_checkpoints ?? []).filter((c) => c.epoch >= from).map((c) => c.epoch));
  const metadata: VariantMetadata = {
    train_losses: train_losses.slice(0, from),
    test_losses: test_losses.slice(0, from),
    train_indices: Array.from(split.trainIndices),
    test_indices: Array.from(split.testIndices),
    ...settings,
    checkpoint_epochs: settings.checkpoint_epochs.filter((e) => !dropped.has(e)),
    backend: gemm.name,
    app_version: APP_VERSION,
    segments: segmentsUpTo(settings.segments, from),
    ...(settings.train_accuracies && { train_accuracies: settings.train_accuracies.slice(0, from) }),
    ...(settings.test_accuracies && { test_accuracies: settings.test_accuracies.slice(0, from) }),
    ...(settings.adaptive_checkpoints && { adaptive_checkpoints: settings.adaptive_checkpoints.filter((c) => c.epoch < from) }),
  };
  const session = new TrainingSession(
    dims,
    gemm,
    weights,
    adam,
    metadata.optimizer,
    batchFromIndices(dims.p, request.family.task.operation, split.trainIndices),
    batchFromIndices(dims.p, request.family.task.operation, split.testIndices),
  );
  const config = variantConfig(request.family.architecture, dims, seed, metadata.data_seed, metadata.training_fraction);
  return runSegment(
    { session, name, paths, metadata, config, fromEpoch: from, saveAt: new Set(metadata.checkpoint_epochs), resumable: true },
    hooks,
  );
}

/**
 * Continues a completed variant to `numEpochs` from its final checkpoint and optimizer state. The
 * result is bitwise what one uninterrupted run of that length gives, when both use the same backend
 * configuration (`Gemm.description`, recorded per segment in metadata.json).
 */
export async function continueVariant(request: ContinueVariantRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { init = null, ...settings } = request.training ?? {};
  const variant = resolveVariant(
    request.family,
    checkDomainParams(request.family, request.params),
    { ...checkTrainingParams(settings), init },
    request.resultsDir,
  );
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
  const adam = await readOptimizerState(paths.optimizerState, dims);
  if (adam.step !== oldEpochs) {
    throw new Error(`${paths.optimizerState} holds step ${adam.step} but the run has ${oldEpochs} epochs`);
  }
  const gemm = selectGemm(request.backend);
  const session = new TrainingSession(
    dims,
    gemm,
    weights,
    adam,
    metadata.optimizer,
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
  // Not resumable: the completed run's metadata.json stays until the continuation completes, so its
  // optimizer state must stay at the completed run's step until then too.
  const result = await runSegment(
    { session, name: variant.name, paths, metadata: extended, config, fromEpoch: oldEpochs, saveAt: new Set(added), resumable: false },
    hooks,
  );
  if (result.status === 'incomplete') {
    // Leave the variant as it was: its metadata still describes the shorter completed run.
    // (The checkpoints saved so far, planned and adaptive, are those past the old final epoch.)
    await Promise.all(result.checkpointEpochs.filter((e) => e >= oldEpochs).map((e) => rm(paths.checkpoint(e), { force: true })));
  }
  return result;
}

/** The source's weights and digest; a source that cannot be used is bad input. */
async function startingWeights(source: InitSource, dims: ModelDims): Promise<{ weights: ModelWeights; digest: string }> {
  try {
    return await readInitWeights(source, dims);
  } catch (error) {
    if (error instanceof InitSourceError) throw new TrainingInputError(error.message);
    throw error;
  }
}

/** One uninterrupted stretch of epochs and where its files go. */
interface SegmentPlan {
  session: TrainingSession;
  name: string;
  paths: VariantPaths;
  /** The run's metadata so far: the losses of earlier segments, `num_epochs` the epoch to stop before. */
  metadata: VariantMetadata;
  config: object;
  fromEpoch: number;
  /** Planned epochs to checkpoint; always includes the final epoch. The adaptive rule may add others. */
  saveAt: Set<number>;
  /**
   * Commit the progress and the optimizer state at every checkpoint, so a killed run can resume.
   * Off when continuing a completed run, whose files must keep describing it until the end.
   */
  resumable: boolean;
}

/** `metadata` with `segment` appended and the wall time summed over the segments. */
function withSegment<T extends Pick<VariantMetadata, 'segments' | 'wall_time_seconds'>>(metadata: T, segment: TrainingSegment): T {
  const segments = [...metadata.segments, segment];
  return { ...metadata, segments, wall_time_seconds: segments.reduce((total, s) => total + s.wall_time_seconds, 0) };
}

/**
 * Epochs `fromEpoch … metadata.num_epochs − 1` in the order of spec §3.5, recording losses and
 * accuracies, saving the checkpoints in `saveAt` and those the run's adaptive rule adds (with the commit
 * files of §4.12 when resumable), then the closing files.
 */
async function runSegment(plan: SegmentPlan, hooks: TrainHooks): Promise<TrainResult> {
  const { session, name, paths, metadata, fromEpoch, saveAt, resumable } = plan;
  const numEpochs = metadata.num_epochs;
  const started = performance.now();
  let lastReport = started;
  let lastReportEpoch = fromEpoch - 1;
  // The latest losses: an earlier segment's until this one trains an epoch (a resume at the final epoch trains none).
  let trainLoss = metadata.train_losses.at(-1) ?? NaN;
  let testLoss = metadata.test_losses.at(-1) ?? NaN;
  let epoch = fromEpoch;
  // The adaptive checkpoint rule (null: off) and its window, rebuilt from the recorded test losses and
  // checkpoints, so a resumed or continued run decides as the uninterrupted one would.
  const rule = metadata.adaptive_checkpoint_rule ?? null;
  const extras = rule ? (metadata.adaptive_checkpoints ??= []) : [];
  let watch = fallWatchAt(metadata.test_losses, metadata.checkpoint_epochs, fromEpoch);
  const result = (status: TrainResult['status']): TrainResult => ({
    status,
    variant: name,
    dir: paths.dir,
    backend: session.gemm.name,
    epochsCompleted: epoch,
    numEpochs,
    checkpointEpochs: metadata.checkpoint_epochs.filter((e) => e < epoch),
    addedCheckpointCount: (metadata.adaptive_checkpoints ?? []).filter((added) => added.epoch < epoch).length,
    finalTrainLoss: trainLoss,
    finalTestLoss: testLoss,
    ...(metadata.train_accuracies?.length && metadata.test_accuracies?.length
      ? { finalTrainAccuracy: metadata.train_accuracies.at(-1), finalTestAccuracy: metadata.test_accuracies.at(-1) }
      : {}),
    wallTimeSeconds: (performance.now() - started) / 1000,
  });
  /** This segment, from `fromEpoch` up to (not including) `toEpoch`. */
  const segment = (toEpoch: number): TrainingSegment => ({
    from_epoch: fromEpoch,
    to_epoch: toEpoch,
    backend: session.gemm.name,
    backend_detail: session.gemm.description,
    wall_time_seconds: (performance.now() - started) / 1000,
    app_version: APP_VERSION,
  });
  /** Records an extra checkpoint: with why in `adaptive_checkpoints`, and among `checkpoint_epochs`. */
  const addCheckpoint = (extra: AdaptiveCheckpoint) => {
    extras.push(extra);
    metadata.checkpoint_epochs = [...metadata.checkpoint_epochs, extra.epoch].sort((a, b) => a - b);
  };
  /** The checkpoint of epoch `saved`, then the progress, then the optimizer state: the commit point, last. */
  const save = async (saved: number) => {
    await writeCheckpoint(paths.checkpoint(saved), session.weights, session.dims);
    if (resumable) {
      const { train_indices: _train, test_indices: _test, ...progress } = metadata;
      await writeProgress(paths.progress, withSegment(progress, segment(saved + 1)));
    }
    if (resumable || saved === numEpochs - 1) await writeOptimizerState(paths.optimizerState, session.adam, session.dims);
  };

  for (; epoch < numEpochs; epoch++) {
    if (hooks.signal?.aborted) return result('incomplete');
    const metrics = session.epoch();
    ({ trainLoss, testLoss } = metrics);
    // NaN weights never recover: stop at once rather than train on and save numbers that mean nothing.
    if (!Number.isFinite(trainLoss) || !Number.isFinite(testLoss)) throw new Error(divergedMessage(epoch, trainLoss, testLoss));
    const { trainAccuracy, testAccuracy } = metrics;
    metadata.train_losses.push(trainLoss);
    metadata.test_losses.push(testLoss);
    metadata.train_accuracies?.push(trainAccuracy);
    metadata.test_accuracies?.push(testAccuracy);
    watch = observed(watch, epoch, testLoss);
    const planned = saveAt.has(epoch);
    const extra = rule && !planned ? adaptiveCheckpoint(watch, epoch, testLoss, extras.length, rule) : null;
    if (extra) addCheckpoint(extra);
    if (planned || extra) {
      await save(epoch);
      watch = savedAt(epoch, testLoss);
    }

    const now = performance.now();
    if (now - lastReport >= PROGRESS_INTERVAL_MS || epoch === numEpochs - 1) {
      const msPerEpoch = (now - lastReport) / (epoch - lastReportEpoch);
      const etaSeconds = ((numEpochs - 1 - epoch) * msPerEpoch) / 1000;
      hooks.onProgress?.({ epoch, numEpochs, trainLoss, testLoss, trainAccuracy, testAccuracy, msPerEpoch, etaSeconds });
      lastReport = now;
      lastReportEpoch = epoch;
      // Let the event loop run, so an abort requested from outside can arrive.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  epoch = numEpochs;
  await writeJsonAtomic(paths.config, plan.config, 2);
  await writeMetadata(paths.metadata, withSegment(metadata, segment(numEpochs)));
  await rm(paths.progress, { force: true });
  return result('completed');
}

/** Why a run stopped at `epoch`, where a loss stopped being a number, and what to try instead. */
function divergedMessage(epoch: number, trainLoss: number, testLoss: number): string {
  const which = Number.isFinite(trainLoss) ? `test loss is ${testLoss}` : `train loss is ${trainLoss}`;
  return (
    `training diverged at epoch ${formatEpoch(epoch)}: the ${which}, so the weights or logits no longer hold finite numbers. ` +
    'Checkpoints saved before it are kept. A smaller learning rate, or other starting weights, avoids it.'
  );
}
