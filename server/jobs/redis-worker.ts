/**
 * A worker of the Redis queue (`workbench worker`): takes jobs from BullMQ, up to `concurrency` at
 * once, and runs each in a job process (job-worker.ts) with its share of this machine's cores as
 * OpenBLAS threads, reporting progress through BullMQ. It holds a lock on each job while it runs;
 * if the worker dies, the lock expires, BullMQ moves the job back to the queue, and the next worker
 * resumes it from its latest checkpoint (`retrying`). A cancellation published by the server
 * aborts the job process's request, which stops between epochs.
 *
 * A worker that is stopped (`close()`: SIGTERM, Ctrl-C) hands its running jobs back at once: it
 * aborts each job process's request as a cancel does, waits until the process has exited, and moves
 * the job back to the head of the queue with its lock token, so the next worker resumes it from its
 * latest checkpoint without waiting for the lock. A job that does not stop in time is left to its
 * lock, as when a worker dies.
 */
import { once } from 'node:events';
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
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

export interface CloseOptions {
  /** How long the running jobs get to stop and be handed back (default 10 s); the rest are left to their locks. */
  graceMs?: number;
  /** Aborting it stops waiting at once (a second Ctrl-C): the jobs not yet handed back are left to their locks. */
  signal?: AbortSignal;
}

/** What `close()` did with the jobs that were running. */
export interface CloseSummary {
  /** Moved back to the queue: the next worker takes them up at once. */
  handedBack: number;
  /** Their job process was killed and they stay active until their lock expires (`lockMs`). */
  leftToLock: number;
}

export interface RunningWorker {
  name: string;
  /** Takes no more jobs, hands the running ones back to the queue (see CloseOptions), and disconnects. */
  close(options?: CloseOptions): Promise<CloseSummary>;
}

/** How long a stopping worker's jobs get, by default, to stop between epochs and go back to the queue. */
export const HAND_BACK_MS = 10_000;
/** How long BullMQ then gets to let go of the jobs left to their locks before the connections close. */
const LEAVE_MS = 2_000;

type JobChild = RpcChild<JobRun, JobOutcome, JobProgressEvent>;

interface Running {
  /** Aborted when the worker stops: the job is to stop and go back to the queue. */
  handBack: AbortController;
  child?: JobChild;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const threads = options.threads ?? threadsPerJob(options.concurrency);
  const lockDuration = options.lockMs ?? 30_000;
  const redis = new Redis(options.url, { maxRetriesPerRequest: null });
  const subscriber = redis.duplicate();
  const running = new Map<string, Running>();
  /** Set by close(): `handing-back` while the jobs stop, `leaving` once those still running are left to their locks. */
  let stopping: 'handing-back' | 'leaving' | undefined;
  const summary: CloseSummary = { handedBack: 0, leftToLock: 0 };

  /**
   * Moves a job this worker holds (its lock `token`) back to the head of the queue, telling the
   * server first; the WaitingError tells BullMQ that the job has moved, so it neither completes nor
   * fails it, and attempts, failures and stalls are not counted.
   */
  const handBack = async (job: Job<QueuedJob, JobOutcome>, token: string | undefined): Promise<never> => {
    try {
      await job.updateProgress({ handedBack: name } satisfies WorkerProgress);
      await job.moveToWait(token);
      summary.handedBack++;
    } catch (error) {
      // The lock was lost (another worker has the job) or Redis is gone: the job stays where it is.
      console.error(`[worker ${name}] could not hand job ${job.id} back: ${(error as Error).message}`);
    }
    throw new WaitingError(`handed back by worker ${name}`);
  };

  const processJob = async (job: Job<QueuedJob, JobOutcome>, token?: string, signal?: AbortSignal): Promise<JobOutcome> => {
    const id = job.id!;
    // Registered before any await, so that a close() from now on reaches this job.
    const entry: Running = { handBack: new AbortController() };
    if (stopping) entry.handBack.abort();
    running.set(id, entry);
    try {
      if (await redis.get(cancelKey(id))) return { state: 'cancelled', message: 'Cancelled before it started.' };
      // Picked up just as the worker stops: straight back to the queue.
      if (entry.handBack.signal.aborted) return await handBack(job, token);
      await job.updateProgress({ started: name } satisfies WorkerProgress);
      if (entry.handBack.signal.aborted) return await handBack(job, token);
      const child: JobChild = new RpcChild(JOB_PROCESS, {
        label: 'the job process',
        env: { OPENBLAS_NUM_THREADS: String(threads) },
      });
      entry.child = child;
      let outcome: JobOutcome;
      try {
        const run: JobRun = {
          job: job.data.job,
          resultsDir: options.resultsDir,
          familiesDir: options.familiesDir,
          // BullMQ counts the start of a stalled or handed-back job again: the earlier attempt's files are this job's own.
          retrying: job.data.retrying || job.attemptsStarted > 1,
        };
        // A cancel from the server (BullMQ's signal) or the worker stopping (handBack) stops it between epochs.
        const stop = signal ? AbortSignal.any([signal, entry.handBack.signal]) : entry.handBack.signal;
        outcome = await child.request(run, { signal: stop, onNote: (note) => void job.updateProgress(note satisfies WorkerProgress) });
      } catch (error) {
        // Killed by close() because it did not stop in time: left active, to its lock, as if this worker had died.
        if (stopping === 'leaving') {
          summary.leftToLock++;
          throw new WaitingError(`left to its lock by worker ${name}`);
        }
        // The job process died: a failure of this job, not of the worker, so BullMQ must not retry it.
        throw new UnrecoverableError((error as Error).message);
      } finally {
        await exited(child);
      }
      // Stopped because the worker stops, and not cancelled from the server meanwhile: back to the queue.
      if (outcome.state === 'cancelled' && entry.handBack.signal.aborted && !signal?.aborted && !(await redis.get(cancelKey(id)))) {
        return await handBack(job, token);
      }
      return outcome;
    } finally {
      running.delete(id);
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
    async close({ graceMs = HAND_BACK_MS, signal } = {}) {
      stopping ??= 'handing-back';
      // Takes no more jobs (not even one just handed back), and settles once every running job has
      // been handed back or has finished; cancels from the server still reach them meanwhile.
      const closed = worker.close();
      for (const entry of running.values()) entry.handBack.abort();
      if (!(await settlesWithin(closed, graceMs, signal))) {
        stopping = 'leaving';
        for (const { child } of running.values()) child?.kill('SIGKILL');
        await settlesWithin(closed, LEAVE_MS);
      }
      await Promise.allSettled([subscriber.quit(), redis.quit()]);
      return { ...summary };
    },
  };
}

/** Stops a job process (idle once it has answered) and waits until it has exited. */
async function exited(child: JobChild): Promise<void> {
  const { process } = child;
  // Never started (pid undefined: its 'error' came instead of an 'exit'), or gone already.
  if (process.pid === undefined || process.exitCode !== null || process.signalCode !== null) return;
  const exit = once(process, 'exit').catch(() => undefined);
  child.kill();
  await exit;
}

/** Whether `promise` settles within `ms` and before `signal` aborts. */
function settlesWithin(promise: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (settled: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(settled);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) done(false);
    promise.then(
      () => done(true),
      () => done(true),
    );
  });
}
