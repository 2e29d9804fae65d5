/**
 * What the server (redis-backend.ts) and the workers (redis-worker.ts) agree on: the BullMQ queue's
 * name, what a queued job carries, how a worker reports that it started, and how a cancellation
 * reaches the worker that runs a job (a Redis channel, plus a key for a job not yet picked up).
 */
import type { JobProgressEvent, JobRecord } from '../../shared/jobs.ts';

export const QUEUE_NAME = 'workbench-jobs';
export const CANCEL_CHANNEL = 'workbench:cancel';
export const cancelKey = (jobId: string) => `workbench:cancelled:${jobId}`;
/** A cancellation waits this long for a worker to pick the job up. */
export const CANCEL_KEY_SECONDS = 24 * 3600;

/** The data of a queued BullMQ job. */
export interface QueuedJob {
  job: JobRecord;
  /** An earlier attempt may have left files (run-job.ts); also true when BullMQ re-runs a stalled job. */
  retrying: boolean;
}

/**
 * What a worker sends as BullMQ progress: first that it started, then the job's progress events;
 * `handedBack` just before a worker that is being stopped moves the job back to the queue.
 */
export type WorkerProgress = { started: string } | { handedBack: string } | JobProgressEvent;

/** BullMQ connection options for a redis:// URL; `maxRetriesPerRequest: null` as BullMQ's workers require. */
export function connectionOf(url: string) {
  return { url, maxRetriesPerRequest: null };
}
