/**
 * Jobs queued in BullMQ on Redis (WORKBENCH_QUEUE=redis://…) and run by `workbench worker`
 * processes on any machine that shares the results folder. The server keeps the records: it adds
 * jobs to the queue and follows them through BullMQ's queue events (started, progress, completed,
 * failed). A worker that is stopped hands its running jobs back to the queue (`handedBack`); one
 * that dies mid-job loses its lock, and BullMQ moves the job back to the queue ("stalled"). Either
 * way the record is `queued` again until another worker resumes the job from its latest checkpoint.
 * Jobs run on even when the server stops; on start it reconciles its records with the queue.
 */
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobRecord } from '../../shared/jobs.ts';
import type { JobBackend, JobBackendEvents, JobOutcome } from './job-backend.ts';
import {
  CANCEL_CHANNEL,
  CANCEL_KEY_SECONDS,
  QUEUE_NAME,
  cancelKey,
  connectionOf,
  type QueuedJob,
  type WorkerProgress,
} from './redis-queue.ts';

/** Finished jobs stay in Redis this long (for reconciling a server that was down); records live on disk. */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export class RedisBackend implements JobBackend {
  readonly name = 'redis';
  private queue!: Queue<QueuedJob, JobOutcome>;
  private queueEvents!: QueueEvents;
  private publisher!: Redis;
  private events!: JobBackendEvents;

  constructor(private readonly options: { url: string }) {}

  async start(events: JobBackendEvents, unfinished: JobRecord[]): Promise<void> {
    this.events = events;
    // Loaded only with a Redis queue: the embedded one needs neither package.
    const [{ Queue, QueueEvents }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
    const connection = connectionOf(this.options.url);
    this.queue = new Queue(QUEUE_NAME, { connection });
    this.queueEvents = new QueueEvents(QUEUE_NAME, { connection });
    this.publisher = new Redis(this.options.url, { maxRetriesPerRequest: null });
    const logError = (error: Error) => console.error(`[jobs] Redis at ${this.options.url}: ${error.message}`);
    this.queue.on('error', logError);
    this.queueEvents.on('error', logError);
    this.publisher.on('error', logError);
    this.queueEvents.on('progress', ({ jobId, data }) => {
      const progress = data as WorkerProgress;
      if ('started' in progress) events.started(jobId, progress.started);
      else if ('handedBack' in progress) events.requeued(jobId, handedBackMessage(progress.handedBack), progress.handedBack);
      else events.progress(jobId, progress);
    });
    // The lock of a running job expired (its worker died) and BullMQ moved it back to the queue.
    this.queueEvents.on('stalled', ({ jobId }) => events.requeued(jobId, LOST_WORKER_MESSAGE));
    this.queueEvents.on('completed', ({ jobId, returnvalue }) => void events.finished(jobId, parseOutcome(returnvalue)));
    this.queueEvents.on('failed', ({ jobId, failedReason }) => void events.finished(jobId, { state: 'failed', error: failedReason }));
    await Promise.all([this.queue.waitUntilReady(), this.queueEvents.waitUntilReady()]);
    for (const record of unfinished) await this.reconcile(record);
  }

  async submit(job: JobRecord, retrying: boolean): Promise<void> {
    // A job run again keeps its id; BullMQ keeps finished jobs, so the earlier run's entry goes first.
    await (await this.queue.getJob(job.id))?.remove();
    await this.publisher.del(cancelKey(job.id));
    await this.queue.add(job.kind, { job, retrying } satisfies QueuedJob, {
      jobId: job.id,
      removeOnComplete: { age: KEEP_FINISHED_SECONDS },
      removeOnFail: { age: KEEP_FINISHED_SECONDS },
    });
  }

  async cancel(job: JobRecord): Promise<void> {
    const queued = await this.queue.getJob(job.id);
    const state = await queued?.getState();
    if (queued && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
      await queued.remove();
      await this.events.finished(job.id, { state: 'cancelled', message: 'Cancelled while queued.' });
      return;
    }
    // Running, or being picked up right now: the worker checks the key when it starts the job.
    await this.publisher.set(cancelKey(job.id), '1', 'EX', CANCEL_KEY_SECONDS);
    await this.publisher.publish(CANCEL_CHANNEL, job.id);
  }

  /** Jobs on workers keep running; their outcome is read from the queue when the server starts again. */
  async close(): Promise<void> {
    await Promise.allSettled([this.queueEvents?.close(), this.queue?.close(), this.publisher?.quit()]);
  }

  /** Brings a record the server left queued or running in line with the queue. */
  private async reconcile(record: JobRecord): Promise<void> {
    const queued = await this.queue.getJob(record.id);
    if (!queued) {
      // Never added (the server stopped between recording and queueing it), or long gone.
      if (record.state === 'queued') await this.submit(record, record.attempts > 0);
      else await this.events.finished(record.id, { state: 'interrupted', message: 'Interrupted: the job is no longer in the queue.' });
      return;
    }
    const state = await queued.getState();
    if (state === 'completed') await this.events.finished(record.id, parseOutcome(queued.returnvalue));
    else if (state === 'failed') await this.events.finished(record.id, { state: 'failed', error: queued.failedReason });
    // Taken up while the server was away: by a worker, or by another one than before (the first died or handed it back).
    else if (state === 'active' && queued.processedBy && (record.state === 'queued' || queued.processedBy !== record.worker))
      this.events.started(record.id, queued.processedBy);
    // Back in the queue while the server was away (handed back, or its worker lost), not yet taken up again.
    else if (WAITING_STATES.has(state) && record.state === 'running')
      this.events.requeued(record.id, requeuedMessage(queued.progress, record));
  }
}

const WAITING_STATES = new Set(['waiting', 'prioritized', 'delayed']);

const LOST_WORKER_MESSAGE = 'Its worker stopped responding; waiting for another worker.';

const handedBackMessage = (worker: string) => `Handed back by worker ${worker}; waiting for a worker.`;

/** Why a job the server left running is back in the queue: its worker's last progress says it handed it back, or the worker was lost. */
function requeuedMessage(progress: unknown, record: JobRecord): string {
  const handedBack = (progress as { handedBack?: unknown } | null)?.handedBack;
  return handedBack === record.worker && typeof handedBack === 'string' ? handedBackMessage(handedBack) : LOST_WORKER_MESSAGE;
}

/** A worker's return value, as BullMQ hands it over (parsed, or still JSON in some paths). */
function parseOutcome(value: unknown): JobOutcome {
  return (typeof value === 'string' ? JSON.parse(value) : value) as JobOutcome;
}
