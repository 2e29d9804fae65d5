/**
 * Where jobs run: the embedded queue (child processes of the server, embedded-backend.ts) or
 * BullMQ on Redis (workers on any machine, redis-backend.ts). The runner (job-runner.ts) keeps the
 * records, the admission rules, the sweeps and the event streams; a backend only runs what it is
 * given, in order, and reports back.
 */
import type { JobProgressEvent, JobRecord, JobResult } from '../../shared/jobs.ts';

/** How a run of a job ended. */
export type JobOutcome =
  | { state: 'succeeded'; result: JobResult; message: string }
  | { state: 'failed'; error: string }
  | { state: 'cancelled'; message?: string }
  | { state: 'interrupted'; message: string };

export interface JobBackendEvents {
  /** The job left the queue and runs on `worker`. */
  started(id: string, worker: string): void;
  progress(id: string, event: JobProgressEvent): void;
  /**
   * The running job went back to the queue (Redis: its worker was stopped and handed it back, or
   * was lost) and waits for a worker again; `from`, when given, is the worker it left, and a record
   * that shows another worker by then is left alone.
   */
  requeued(id: string, message: string, from?: string): void;
  /** Resolves once the outcome is recorded. */
  finished(id: string, outcome: JobOutcome): Promise<void>;
}

export interface JobBackend {
  /** `embedded` or `redis`, for the logs and the README's words. */
  readonly name: string;
  /**
   * Called once, before any submit, with the jobs that were queued or running when the server last
   * stopped (oldest first): the backend takes them up again, or reports those it cannot as finished.
   */
  start(events: JobBackendEvents, unfinished: JobRecord[]): Promise<void>;
  /** Queues a job; `retrying` says an earlier attempt may have left files (run-job.ts). */
  submit(job: JobRecord, retrying: boolean): Promise<void>;
  /** Takes a queued job out of the queue, or asks a running one to stop; either way it then finishes `cancelled`. */
  cancel(job: JobRecord): Promise<void>;
  /** Stops taking jobs; jobs running in this process are reported `interrupted`. */
  close(): Promise<void>;
}

export const INTERRUPTED_MESSAGE = 'Interrupted: the server stopped while this job was running.';
