/**
 * Runs one job in a child process (started by JobRunner through startChild): trains or analyzes
 * a variant, posting progress to the runner, and stops between epochs or checkpoints on "cancel".
 * Failures post a readable message; the stack trace goes to the server log (stderr).
 */
import { formatDuration, formatNumber } from '../../shared/format.ts';
import type { AnalyzeJobRequest, JobRecord, TrainJobRequest } from '../../shared/jobs.ts';
import { analyzeVariant } from '../analysis/pipeline.ts';
import { loadFamilies } from '../registry/families.ts';
import { listCheckpointEpochs } from '../registry/registry.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import { trainVariant } from '../training/train-variant.ts';
import { childData, onParentMessage, toParent } from '../workers/child-process.ts';
import type { JobWorkerData, WorkerMessage } from './job-runner.ts';

const { job, resultsDir, familiesDir } = childData<JobWorkerData>();
const abort = new AbortController();
onParentMessage((message: { type: string }) => {
  if (message.type === 'cancel') abort.abort();
});

const post = (message: WorkerMessage) => toParent(message);

async function runTrain(record: JobRecord & { request: TrainJobRequest }): Promise<void> {
  const family = await familyOf(record);
  const result = await trainVariant(
    { resultsDir, family, params: record.request.params, training: record.request.training, overwrite: record.request.overwrite },
    {
      signal: abort.signal,
      onProgress: (p) =>
        post({
          type: 'progress',
          progress: {
            fraction: (p.epoch + 1) / p.numEpochs,
            epoch: p.epoch,
            numEpochs: p.numEpochs,
            trainLoss: p.trainLoss,
            testLoss: p.testLoss,
            msPerEpoch: p.msPerEpoch,
            etaSeconds: p.etaSeconds,
          },
          message: `Epoch ${p.epoch + 1}/${p.numEpochs} - Train: ${formatNumber(p.trainLoss)}, Test: ${formatNumber(p.testLoss)} · ${formatNumber(p.msPerEpoch)} ms/epoch · ETA ${formatDuration(p.etaSeconds)}`,
          lossPoint: { epoch: p.epoch, trainLoss: p.trainLoss, testLoss: p.testLoss },
        }),
    },
  );
  if (result.status === 'incomplete') return post({ type: 'cancelled' });
  post({
    type: 'done',
    message: 'Training complete!',
    result: {
      kind: 'train',
      variant: result.variant,
      checkpointCount: result.checkpointEpochs.length,
      finalTrainLoss: result.finalTrainLoss,
      finalTestLoss: result.finalTestLoss,
      wallTimeSeconds: result.wallTimeSeconds,
      backend: result.backend,
    },
  });
}

async function runAnalyze(record: JobRecord & { request: AnalyzeJobRequest }): Promise<void> {
  const family = await familyOf(record);
  const started = performance.now();
  const result = await analyzeVariant(
    { resultsDir, family, variant: record.variant, analyzers: record.request.analyzers, force: record.request.force },
    {
      signal: abort.signal,
      onProgress: (p) =>
        post({
          type: 'progress',
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
  if (abort.signal.aborted) return post({ type: 'cancelled' });
  const paths = variantPaths(resultsDir, family.name, record.variant);
  post({
    type: 'done',
    message: `Analysis complete! Artifacts saved to ${paths.artifactsDir}`,
    result: {
      kind: 'analyze',
      variant: record.variant,
      artifactsDir: paths.artifactsDir,
      checkpointCount: (await listCheckpointEpochs(paths.checkpointsDir)).length,
      epochFilesWritten: result.epochFilesWritten,
      wallTimeSeconds: (performance.now() - started) / 1000,
    },
  });
}

async function familyOf(record: JobRecord) {
  const family = (await loadFamilies(familiesDir)).families.get(record.family);
  if (!family) throw new Error(`family ${record.family} is no longer available`);
  return family;
}

try {
  if (job.request.kind === 'train') await runTrain(job as JobRecord & { request: TrainJobRequest });
  else await runAnalyze(job as JobRecord & { request: AnalyzeJobRequest });
} catch (error) {
  // The runner stops this process once it has the outcome.
  if (abort.signal.aborted) {
    post({ type: 'cancelled' });
  } else {
    console.error(`[jobs] job ${job.id} (${job.kind} ${job.variant}) failed:`, error);
    post({ type: 'failed', message: (error as Error).message });
  }
}
