/**
 * A worker of the Redis queue (`workbench worker`): takes jobs from BullMQ, up to `concurrency` at
 * once, and runs each in a job process (job-worker.ts) with its share of this machine's cores as
 * OpenBLAS threads, reporting progress through BullMQ. It holds a lock on each job while it runs;
 * if the worker dies, the lock expires, BullMQ moves the job back to the queue, and the next worker
 * resumes it from its latest checkpoint (`retrying`). A cancellation published by the server
 * aborts the job process's request, which stops between epochs.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobProgressEvent } from '../../shared/jobs.ts';
import { RpcChild } from '../workers/child-rpc.ts';
import { threadsPerJob } from './cores.ts';
import { JOB_PROCESS } from './embedded-backend.ts';
import type { JobOutcome } from './job-backend.ts';
import { CANCEL_CHANNEL, QUEUE_NAME, cancelKey, connectionOf, type QueuedJob, type WorkerProgress } from './redis-queue.ts';
import type { JobRun } from './run-job.ts';

export interface WorkerOptions {
  url: string;
  resultsDir: string;
  familiesDir: string;
  /** Jobs run at once. */
  concurrency: number;
  /** OpenBLAS threads of each job (default floor(cores / concurrency)); lower it when several workers share a machine. */
  threads?: number;
  /** How this worker appears in the job records (default host:pid). */
  name?: string;
  /** How long a job's lock lasts without renewal: how soon a dead worker's job is taken up again. */
  lockMs?: number;
}

export interface RunningWorker {
  name: string;
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const threads = options.threads ?? threadsPerJob(options.concurrency);
  const lockDuration = options.lockMs ?? 30_000;
  const redis = new Redis(options.url, { maxRetriesPerRequest: null });
  const subscriber = redis.duplicate();

  const processJob = async (job: Job<QueuedJob, JobOutcome>, _token?: string, signal?: AbortSignal): Promise<JobOutcome> => {
    const id = job.id!;
    if (await redis.get(cancelKey(id))) return { state: 'cancelled', message: 'Cancelled before it started.' };
    await job.updateProgress({ started: name } satisfies WorkerProgress);
    const child = new RpcChild<JobRun, JobOutcome, JobProgressEvent>(JOB_PROCESS, {
      label: 'the job process',
      env: { OPENBLAS_NUM_THREADS: String(threads) },
    });
    try {
      const run: JobRun = {
        job: job.data.job,
        resultsDir: options.resultsDir,
        familiesDir: options.familiesDir,
        // BullMQ counts the start of a stalled job again: the dead worker's files are this job's own.
        retrying: job.data.retrying || job.attemptsStarted > 1,
      };
      return await child.request(run, { signal, onNote: (note) => void job.updateProgress(note satisfies WorkerProgress) });
    } catch (error) {
      // The job process died: a failure of this job, not of the worker, so BullMQ must not retry it.
      throw new UnrecoverableError((error as Error).message);
    } finally {
      child.kill();
    }
  };

  const worker = new Worker<QueuedJob, JobOutcome>(QUEUE_NAME, processJob, {
    connection: connectionOf(options.url),
    concurrency: options.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
    // A job whose workers keep dying is failed after this many, rather than retried forever.
    maxStalledCount: 3,
    name,
  });
  worker.on('error', (error) => console.error(`[worker ${name}] ${error.message}`));
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel, jobId: string) => worker.cancelJob(jobId, 'cancelled from the server'));
  await worker.waitUntilReady();

  return {
    name,
    async close() {
      // Running jobs are left to the lock: another worker takes them up from their latest checkpoint.
      await worker.close(true);
      await Promise.allSettled([subscriber.quit(), redis.quit()]);
    },
  };
}
