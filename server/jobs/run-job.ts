/**
 * Runs one job to its outcome: trains (a new run, a resumed one, or a completed one continued) or
 * analyzes a variant, reporting progress through `notify` and stopping between epochs or
 * checkpoints when `signal` aborts. The same function serves the embedded queue's job processes
 * and the Redis workers'. Failures return a readable message; the stack goes to stderr.
 */
import { epochsDone, formatDuration, formatNumber, formatPercent } from '../../shared/format.ts';
import type { AnalyzeJobRecord, JobProgressEvent, JobRecord, TrainJobRecord } from '../../shared/jobs.ts';
import { parseVariantName } from '../../shared/variant-name.ts';
import { analyzeVariant } from '../analysis/pipeline.ts';
import { loadFamilies } from '../registry/families.ts';
import { listCheckpointEpochs } from '../registry/registry.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import { checkpointSource } from '../training/init-weights.ts';
import { resumePoint } from '../training/resume-point.ts';
import {
  continueVariant,
  resumeVariant,
  trainVariant,
  type TrainHooks,
  type TrainProgress,
  type TrainResult,
} from '../training/train-variant.ts';
import type { JobOutcome } from './job-backend.ts';

export interface JobRun {
  job: JobRecord;
  resultsDir: string;
  familiesDir: string;
  /**
   * An earlier attempt of this job may have written files (a lost worker, a retry): training
   * resumes from its latest checkpoint, or starts over when it saved none.
   */
  retrying: boolean;
}

export interface JobRunContext {
  notify(event: JobProgressEvent): void;
  signal: AbortSignal;
}

export async function runJob(run: JobRun, context: JobRunContext): Promise<JobOutcome> {
  try {
    return run.job.kind === 'train' ? await runTrain(run, run.job, context) : await runAnalyze(run, run.job, context);
  } catch (error) {
    if (context.signal.aborted) return { state: 'cancelled' };
    console.error(`[jobs] job ${run.job.id} (${run.job.kind} ${run.job.variant}) failed:`, error);
    return { state: 'failed', error: (error as Error).message };
  }
}

async function runTrain(
  { resultsDir, familiesDir, retrying }: JobRun,
  job: TrainJobRecord,
  { notify, signal }: JobRunContext,
): Promise<JobOutcome> {
  const family = await familyOf(familiesDir, job);
  const { params, continue_to: continueTo, init_from: initFrom } = job.request;
  // Admission named the variant by the digest of the weights it starts from (null: the seeded init).
  const init = parseVariantName(family, job.variant)?.init ?? null;
  const training = { ...job.request.training, init };
  const start = (overwrite: boolean) =>
    trainVariant(
      {
        resultsDir,
        family,
        params,
        training: job.request.training,
        overwrite,
        ...(initFrom &&
          init !== null && { initFrom: { ...checkpointSource(resultsDir, family.name, initFrom.variant, initFrom.epoch), digest: init } }),
      },
      hooks,
    );
  const hooks: TrainHooks = {
    signal,
    onProgress: (p) =>
      notify({
        progress: {
          fraction: (p.epoch + 1) / p.numEpochs,
          epoch: p.epoch,
          numEpochs: p.numEpochs,
          trainLoss: p.trainLoss,
          testLoss: p.testLoss,
          trainAccuracy: p.trainAccuracy,
          testAccuracy: p.testAccuracy,
          msPerEpoch: p.msPerEpoch,
          etaSeconds: p.etaSeconds,
        },
        message: trainProgressMessage(p),
        lossPoint: {
          epoch: p.epoch,
          trainLoss: p.trainLoss,
          testLoss: p.testLoss,
          trainAccuracy: p.trainAccuracy,
          testAccuracy: p.testAccuracy,
        },
      }),
  };
  let result: TrainResult;
  if (continueTo !== null) {
    result = await continueVariant({ resultsDir, family, params, training, numEpochs: continueTo }, hooks);
  } else if (job.request.resume || retrying) {
    const from = await resumePoint(variantPaths(resultsDir, family.name, job.variant));
    if (from !== null) result = await resumeVariant({ resultsDir, family, params, training }, hooks);
    else if (job.request.resume) throw new Error(`variant ${job.variant} has no checkpoint to resume from; train it anew with overwrite`);
    // The earlier attempt saved no checkpoint: whatever it wrote is this job's own, so start over.
    else result = await start(true);
  } else {
    result = await start(job.request.overwrite);
  }
  if (result.status === 'incomplete') return { state: 'cancelled' };
  return {
    state: 'succeeded',
    message: 'Training complete!',
    result: {
      kind: 'train',
      variant: result.variant,
      checkpointCount: result.checkpointEpochs.length,
      addedCheckpointCount: result.addedCheckpointCount,
      finalTrainLoss: result.finalTrainLoss,
      finalTestLoss: result.finalTestLoss,
      ...(result.finalTrainAccuracy !== undefined && { finalTrainAccuracy: result.finalTrainAccuracy }),
      ...(result.finalTestAccuracy !== undefined && { finalTestAccuracy: result.finalTestAccuracy }),
      wallTimeSeconds: result.wallTimeSeconds,
      backend: result.backend,
    },
  };
}

/**
 * `1,200 of 2,400 epochs (0 … 2,399) - Train: 1.65e-7 (100 %), Test: 3.54 (12.5 %) · 20 ms/epoch · ETA 24 s`
 * after epoch 1,199: the epochs done as the status card counts them, then the losses with accuracies in brackets.
 */
export function trainProgressMessage(p: TrainProgress): string {
  const figures = `Train: ${formatNumber(p.trainLoss)} (${formatPercent(p.trainAccuracy)}), Test: ${formatNumber(p.testLoss)} (${formatPercent(p.testAccuracy)})`;
  return `${epochsDone(p.epoch + 1, p.numEpochs)} - ${figures} · ${formatNumber(p.msPerEpoch)} ms/epoch · ETA ${formatDuration(p.etaSeconds)}`;
}

async function runAnalyze(
  { resultsDir, familiesDir }: JobRun,
  job: AnalyzeJobRecord,
  { notify, signal }: JobRunContext,
): Promise<JobOutcome> {
  const family = await familyOf(familiesDir, job);
  const started = performance.now();
  const result = await analyzeVariant(
    { resultsDir, family, variant: job.variant, analyzers: job.request.analyzers, force: job.request.force },
    {
      signal,
      onProgress: (p) =>
        notify({
          progress: {
            fraction: p.fraction,
            checkpointIndex: p.checkpointIndex,
            checkpointCount: p.checkpointCount,
            ...(p.epoch !== null ? { epoch: p.epoch } : {}),
            ...(p.analyzer !== null ? { analyzer: p.analyzer } : {}),
          },
          message: p.message,
        }),
    },
  );
  if (signal.aborted) return { state: 'cancelled' };
  const paths = variantPaths(resultsDir, family.name, job.variant);
  return {
    state: 'succeeded',
    message: `Analysis complete! Artifacts saved to ${paths.artifactsDir}`,
    result: {
      kind: 'analyze',
      variant: job.variant,
      artifactsDir: paths.artifactsDir,
      checkpointCount: (await listCheckpointEpochs(paths.checkpointsDir)).length,
      epochFilesWritten: result.epochFilesWritten,
      wallTimeSeconds: (performance.now() - started) / 1000,
    },
  };
}

async function familyOf(familiesDir: string, job: JobRecord) {
  const family = (await loadFamilies(familiesDir)).families.get(job.family);
  if (!family) throw new Error(`family ${job.family} is no longer available`);
  return family;
}
