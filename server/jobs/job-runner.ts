/**
 * The embedded job runner: each job runs in its own child process (see workers/child-process.ts
 * for why not a worker thread) so the HTTP event loop never blocks; progress flows from the
 * worker into the job record (persisted) and out to subscribers (the SSE route). A queue on a distributed engine could replace it behind the same methods.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { JobEventMap, JobEventName, JobKind, JobProgress, JobRecord, JobRequest, JobResult, LossPoint } from '../../shared/jobs.ts';
import { ApiError } from '../http/errors.ts';
import type { ActiveJobs } from '../registry/registry.ts';
import { startChild } from '../workers/child-process.ts';
import { threadsPerJob } from './cores.ts';
import { JobStore } from './job-store.ts';

/** What a job worker posts to the runner. */
export type WorkerMessage =
  | { type: 'progress'; progress: JobProgress; message: string; lossPoint?: LossPoint }
  | { type: 'done'; result: JobResult; message: string }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' };

/** What the runner hands a job worker as its start-up data. */
export interface JobWorkerData {
  job: JobRecord;
  resultsDir: string;
  familiesDir: string;
}

export interface JobEvent<Name extends JobEventName = JobEventName> {
  id: number;
  name: Name;
  data: JobEventMap[Name];
}

type Listener = (event: JobEvent) => void;

export interface JobRunnerOptions {
  resultsDir: string;
  familiesDir: string;
  /** Jobs allowed to run at once; more are refused with 409. Each job's OpenBLAS threads follow from it (cores.ts). */
  maxConcurrent: number;
}

/** A job slot and its variant, held from a request's check to the start of its job. */
export interface Admission {
  readonly id: string;
  readonly kind: JobKind;
  readonly family: string;
  readonly variant: string;
  readonly createdAt: string;
  release(): void;
}

const MAX_LOSS_POINTS = 2000;
const SAVE_INTERVAL_MS = 2000;
const JOB_WORKER = new URL('./job-worker.ts', import.meta.url);

interface LiveJob {
  worker: ChildProcess;
  listeners: Set<Listener>;
  nextEventId: number;
  lastSavedAt: number;
}

export class JobRunner implements ActiveJobs {
  private readonly records = new Map<string, JobRecord>();
  private readonly live = new Map<string, LiveJob>();
  private readonly admissions = new Map<string, Admission>();
  /** OpenBLAS threads of each job process: its share of the cores. */
  private readonly jobThreads: number;
  private readonly store: JobStore;

  /** Settles once the job history is loaded; the routes wait for it. */
  readonly ready: Promise<void>;

  constructor(private readonly options: JobRunnerOptions) {
    this.store = new JobStore(options.resultsDir);
    this.jobThreads = threadsPerJob(options.maxConcurrent);
    this.ready = this.loadHistory();
  }

  /** Loads the job history; a job that was running when the server stopped becomes `interrupted`. */
  private async loadHistory(): Promise<void> {
    for (const record of await this.store.loadAll()) {
      if (record.state === 'running') {
        record.state = 'interrupted';
        record.finishedAt = new Date().toISOString();
        record.message = 'Interrupted: the server stopped while this job was running.';
        await this.store.save(record);
      }
      this.records.set(record.id, record);
    }
  }

  activeJobKind(family: string, variant: string): JobKind | undefined {
    return this.activeJobOn(family, variant)?.kind;
  }

  /** Newest first. */
  list(): JobRecord[] {
    return [...this.records.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  get(id: string): JobRecord | undefined {
    return this.records.get(id);
  }

  /**
   * Holds a job slot and the variant for a request while it is checked, synchronously, so that
   * concurrent requests cannot both pass: a second job on the same variant, or one beyond the
   * limit, is refused with 409 at once. The holder then calls `start` or `release`.
   */
  reserve(family: string, variant: string, kind: JobKind): Admission {
    const holder = this.holderOf(family, variant);
    if (holder)
      throw new ApiError(409, `variant ${variant} is busy: job ${holder.id} is ${holder.kind === 'train' ? 'training' : 'analyzing'} it`);
    const taken = this.live.size + this.admissions.size;
    if (taken >= this.options.maxConcurrent) {
      throw new ApiError(409, `${taken} job(s) already running, the limit is ${this.options.maxConcurrent}; wait for one to finish`);
    }
    const now = new Date();
    const admission: Admission = {
      id: `${now.toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomUUID().slice(0, 8)}`,
      kind,
      family,
      variant,
      createdAt: now.toISOString(),
      release: () => void this.admissions.delete(admission.id),
    };
    this.admissions.set(admission.id, admission);
    return admission;
  }

  /**
   * Records the admitted job and starts its process. A process that cannot be created leaves the
   * job `failed` with the reason, never `running`.
   */
  async start(admission: Admission, request: JobRequest): Promise<JobRecord> {
    const record: JobRecord = {
      id: admission.id,
      kind: request.kind,
      family: request.family,
      variant: admission.variant,
      request,
      state: 'running',
      progress: { fraction: 0 },
      message: request.kind === 'train' ? 'Starting training...' : 'Starting analysis...',
      ...(request.kind === 'train' ? { lossHistory: [] } : {}),
      createdAt: admission.createdAt,
      startedAt: new Date().toISOString(),
    };
    try {
      await this.store.save(record);
      this.records.set(record.id, record);
      try {
        this.startWorker(record);
      } catch (error) {
        console.error(`[jobs] job ${record.id} could not start:`, error);
        Object.assign(record, {
          state: 'failed',
          finishedAt: new Date().toISOString(),
          error: `the job process could not start: ${(error as Error).message}`,
        });
        record.message = `Failed: ${record.error}`;
        await this.persist(record);
      }
      return record;
    } finally {
      admission.release();
    }
  }

  /** Asks the worker to stop; the job becomes `cancelled` once the worker has really stopped. */
  cancel(id: string): JobRecord {
    const record = this.records.get(id);
    if (!record) throw new ApiError(404, `no job ${id}`);
    const live = this.live.get(id);
    if (!live) throw new ApiError(409, `job ${id} is not running (state ${record.state})`);
    record.message = 'Cancelling...';
    live.worker.send({ type: 'cancel' });
    return record;
  }

  /** Calls `listener` with every event of a running job until it ends; returns the unsubscribe. */
  subscribe(id: string, listener: Listener): () => void {
    const live = this.live.get(id);
    if (!live) return () => {};
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  isRunning(id: string): boolean {
    return this.live.has(id);
  }

  /** Stops every worker (server shutdown); their jobs are recorded as interrupted. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.live.keys()].map((id) =>
        this.finish(id, 'interrupted', { message: 'Interrupted: the server stopped while this job was running.' }),
      ),
    );
  }

  /** The running or admitted job on a variant, if any. */
  private holderOf(family: string, variant: string): Pick<JobRecord, 'id' | 'kind'> | undefined {
    for (const admission of this.admissions.values()) if (admission.family === family && admission.variant === variant) return admission;
    return this.activeJobOn(family, variant);
  }

  /** The running job on a variant, if any. */
  activeJobOn(family: string, variant: string): JobRecord | undefined {
    for (const id of this.live.keys()) {
      const record = this.records.get(id)!;
      if (record.family === family && record.variant === variant) return record;
    }
    return undefined;
  }

  private startWorker(record: JobRecord): void {
    const data: JobWorkerData = { job: record, resultsDir: this.options.resultsDir, familiesDir: this.options.familiesDir };
    const worker = startChild(JOB_WORKER, { data, env: { OPENBLAS_NUM_THREADS: String(this.jobThreads) } });
    this.live.set(record.id, { worker, listeners: new Set(), nextEventId: 1, lastSavedAt: Date.now() });
    worker.on('message', (message: WorkerMessage) => void this.onWorkerMessage(record.id, message));
    worker.on('error', (error) => {
      console.error(`[jobs] job ${record.id} worker crashed:`, error);
      void this.finish(record.id, 'failed', { error: error.message || 'the job worker crashed' });
    });
    worker.on('exit', (code, signal) => {
      if (this.live.has(record.id))
        void this.finish(record.id, 'failed', { error: `the job worker exited unexpectedly (${signal ?? `code ${code}`})` });
    });
  }

  private async onWorkerMessage(id: string, message: WorkerMessage): Promise<void> {
    const record = this.records.get(id);
    const live = this.live.get(id);
    if (!record || !live) return;
    switch (message.type) {
      case 'progress': {
        record.progress = message.progress;
        record.message = message.message;
        if (message.lossPoint && record.lossHistory) appendThinned(record.lossHistory, message.lossPoint);
        this.emit(live, 'progress', { progress: message.progress, message: message.message, lossPoint: message.lossPoint });
        if (Date.now() - live.lastSavedAt >= SAVE_INTERVAL_MS) {
          live.lastSavedAt = Date.now();
          await this.persist(record);
        }
        return;
      }
      case 'done':
        return this.finish(id, 'succeeded', { result: message.result, message: message.message });
      case 'failed':
        return this.finish(id, 'failed', { error: message.message });
      case 'cancelled':
        return this.finish(id, 'cancelled', { message: 'Cancelled.' });
    }
  }

  private async finish(
    id: string,
    state: 'succeeded' | 'failed' | 'cancelled' | 'interrupted',
    outcome: { result?: JobResult; message?: string; error?: string },
  ): Promise<void> {
    const record = this.records.get(id);
    const live = this.live.get(id);
    if (!record || !live) return;
    this.live.delete(id);
    record.state = state;
    record.finishedAt = new Date().toISOString();
    if (outcome.result) record.result = outcome.result;
    if (outcome.error) record.error = outcome.error;
    record.message = outcome.message ?? (outcome.error ? `Failed: ${outcome.error}` : record.message);
    if (state === 'succeeded') record.progress = { ...record.progress, fraction: 1 };
    await this.persist(record);
    this.emit(live, state === 'succeeded' ? 'done' : state === 'cancelled' ? 'cancelled' : 'failed', record);
    live.listeners.clear();
    live.worker.kill();
  }

  /** Saves a record of a started job; a failed write (disk full) is logged, the job goes on in memory. */
  private async persist(record: JobRecord): Promise<void> {
    try {
      await this.store.save(record);
    } catch (error) {
      console.error(`[jobs] could not save job ${record.id}:`, error);
    }
  }

  private emit<Name extends JobEventName>(live: LiveJob, name: Name, data: JobEventMap[Name]): void {
    const event = { id: live.nextEventId++, name, data } as JobEvent;
    for (const listener of live.listeners) listener(event);
  }
}

/** Appends a point, halving the history when it grows past the limit (keeps the newest point). */
function appendThinned(history: LossPoint[], point: LossPoint): void {
  history.push(point);
  if (history.length <= MAX_LOSS_POINTS) return;
  const thinned = history.filter((_, i) => i % 2 === 0);
  if (thinned.at(-1) !== point) thinned.push(point);
  history.splice(0, history.length, ...thinned);
}
