/**
 * Examples of GET /api/jobs/:id/events for the OpenAPI document, one per event name, as the stream
 * writes them: a p = 43 training job from start to end. The API contract test parses each one.
 */
import type { TrainJobRecord } from '../../shared/jobs.ts';
import { trainingParamsSchema } from '../../shared/training-params.ts';

const sseExample = (event: string, id: number, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${id}\n\n`;
const waiting: TrainJobRecord = {
  id: '20260101120000-1a2b3c4d',
  kind: 'train',
  family: 'modulo_addition_1layer',
  variant: 'modulo_addition_1layer_p43_seed999',
  request: {
    kind: 'train',
    family: 'modulo_addition_1layer',
    params: { prime: 43, seed: 999 },
    training: trainingParamsSchema.parse({ training_fraction: 0.5, num_epochs: 2400 }),
    overwrite: false,
    resume: false,
    init_from: null,
    continue_to: null,
  },
  state: 'queued',
  progress: { fraction: 0 },
  message: 'Queued: waits for a free job slot.',
  attempts: 0,
  lossHistory: [],
  createdAt: '2026-01-01T12:00:00.000Z',
  queuedAt: '2026-01-01T12:00:00.000Z',
};
const queued: TrainJobRecord = { ...waiting, queuePosition: 1 };
const running: TrainJobRecord = {
  ...waiting,
  state: 'running',
  message: 'Starting training...',
  attempts: 1,
  worker: 'server',
  startedAt: '2026-01-01T12:00:31.004Z',
};
const lossPoint = { epoch: 2399, trainLoss: 0.00012, testLoss: 0.00031, trainAccuracy: 1, testAccuracy: 0.9998 };
const ended = { ...running, progress: { fraction: 1 }, lossHistory: [lossPoint], finishedAt: '2026-01-01T12:02:04.500Z' };
export const jobEventExamples = {
  snapshot: { summary: 'The record, first: here a queued job', value: sseExample('snapshot', 0, queued) },
  update: { summary: 'The record when its state or place in line changes: here it started', value: sseExample('update', 2, running) },
  progress: {
    summary: 'Progress of a training job',
    value: sseExample('progress', 240, {
      progress: {
        fraction: 1,
        epoch: 2399,
        numEpochs: 2400,
        trainLoss: 0.00012,
        testLoss: 0.00031,
        trainAccuracy: 1,
        testAccuracy: 0.9998,
        msPerEpoch: 51.2,
        etaSeconds: 0,
      },
      message: '2,400 of 2,400 epochs (0 … 2,399) - Train: 1.2e-4 (100 %), Test: 3.1e-4 (99.9 %) · 51.2 ms/epoch · ETA 0 s',
      lossPoint,
    }),
  },
  done: {
    summary: 'The final record of a job that succeeded',
    value: sseExample('done', 241, {
      ...ended,
      state: 'succeeded',
      message: 'Training complete!',
      result: {
        kind: 'train',
        variant: running.variant,
        checkpointCount: 41,
        finalTrainLoss: 0.00012,
        finalTestLoss: 0.00031,
        wallTimeSeconds: 124.5,
        backend: 'native',
      },
    }),
  },
  failed: {
    summary: 'The final record of a job that failed or was interrupted',
    value: sseExample('failed', 241, {
      ...ended,
      state: 'failed',
      error: 'the job process exited (SIGKILL)',
      message: 'Failed: the job process exited (SIGKILL)',
    }),
  },
  cancelled: {
    summary: 'The final record of a cancelled job',
    value: sseExample('cancelled', 241, { ...ended, state: 'cancelled', message: 'Cancelled.' }),
  },
};
