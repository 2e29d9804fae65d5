/**
 * The job runner: keeps every job's record (persisted in results/.jobs), admits jobs (one per
 * variant), queues them on a backend (embedded-backend.ts or redis-backend.ts) that runs them in
 * order, and owns each job's event stream, which the SSE route only forwards. It speaks in domain
 * errors (errors.ts), never HTTP.
 */
import { randomUUID } from 'node:crypto';
import {
  ACTIVE_JOB_STATES,
  RERUNNABLE_JOB_STATES,
  TERMINAL_EVENTS,
  type JobEventMap,
  type JobEventName,
  type JobKind,
  type JobProgressEvent,
  type JobRecord,
  type JobRequest,
  type LossPoint,
} from '../../shared/jobs.ts';
import { withLossPoint } from '../../shared/loss-history.ts';
import type { ActiveJobs } from '../registry/registry.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import { resumePoint } from '../training/resume-point.ts';
import { JobError } from './errors.ts';
import type { JobBackend, JobOutcome } from './job-backend.ts';
import { JobStore } from './job-store.ts';

export interface JobEvent<Name extends JobEventName = JobEventName> {
  id: number;
  name: Name;
  data: JobEventMap[Name];
}

export interface JobRunnerOptions {
  resultsDir: string;
  backend: JobBackend;
}

/** A variant held from a request's checks to the submit of its job (or another use, such as deleting it). */
export interface Admission {
  readonly id: string;
  readonly purpose: JobKind | 'delete';
  readonly family: string;
  readonly variant: string;
  readonly createdAt: string;
  release(): void;
}

export interface SubmitOptions {
  sweepId?: string;
}

const MAX_LOSS_POINTS = 2000;
const SAVE_INTERVAL_MS = 2000;

type Listener = (event: JobEvent) => void;

export class JobRunner implements ActiveJobs {
  private readonly records = new Map<string, JobRecord>();
  private readonly admissions = new Map<string, Admission>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly nextEventId = new Map<string, number>();
  private readonly lastSavedAt = new Map<string, number>();
  private readonly changeListeners = new Set<(job: JobRecord) => void>();
  /** The last queuedAt handed out, in ms: each is later than the one before, so queuedAt orders the queue even within a millisecond. */
  private lastQueuedAt = 0;
  private readonly store: JobStore;
  readonly backend: JobBackend;

  /** Settles once the job history is loaded and the backend has taken up unfinished jobs; the routes wait for it. */
  readonly ready: Promise<void>;

  constructor(private readonly options: JobRunnerOptions) {
    this.store = new JobStore(options.resultsDir);
    this.backend = options.backend;
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const records = await this.store.loadAll();
    for (const record of records) this.records.set(record.id, record);
    const unfinished = records.filter((record) => ACTIVE_JOB_STATES.includes(record.state)).sort(byQueueOrder);
    await this.backend.start(
      {
        started: (id, worker) => this.onStarted(id, worker),
        progress: (id, event) => this.onProgress(id, event),
        requeued: (id, message, from) => this.onRequeued(id, message, from),
        finished: (id, outcome) => this.onFinished(id, outcome),
      },
      unfinished,
    );
  }

  /** Newest first, with each queued job's place in line. */
  list(): JobRecord[] {
    return [...this.records.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((record) => this.withPosition(record));
  }

  get(id: string): JobRecord | undefined {
    const record = this.records.get(id);
    return record && this.withPosition(record);
  }

  /** The job's record, or a `not-found` error. */
  require(id: string): JobRecord {
    const record = this.get(id);
    if (!record) throw new JobError('not-found', `no job ${id}`);
    return record;
  }

  activeJobKind(family: string, variant: string): JobKind | undefined {
    const holder = this.activeJobOn(family, variant);
    return holder?.state === 'running' ? holder.kind : undefined;
  }

  /** The queued or running job on a variant, if any. */
  activeJobOn(family: string, variant: string): JobRecord | undefined {
    for (const record of this.records.values()) {
      if (record.family === family && record.variant === variant && ACTIVE_JOB_STATES.includes(record.state)) return record;
    }
    return undefined;
  }

  /** Calls `listener` with every job whose record changed state (queued, running, finished). */
  onChange(listener: (job: JobRecord) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Holds the variant for a request while it is checked, synchronously, so concurrent requests
   * cannot both pass: a second job on a variant that has a queued or running one is a `conflict`.
   * The holder then calls `submit` or `release`.
   */
  reserve(family: string, variant: string, purpose: Admission['purpose']): Admission {
    const holder = this.holderOf(family, variant);
    if (holder) {
      const doing = holder.purpose === 'train' ? 'training' : holder.purpose === 'analyze' ? 'analyzing' : 'deleting';
      throw new JobError(
        'conflict',
        `variant ${variant} is busy: job ${holder.id} is ${holder.state === 'queued' ? 'queued for ' : ''}${doing} it`,
      );
    }
    const now = new Date();
    const admission: Admission = {
      id: `${now.toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomUUID().slice(0, 8)}`,
      purpose,
      family,
      variant,
      createdAt: now.toISOString(),
      release: () => void this.admissions.delete(admission.id),
    };
    this.admissions.set(admission.id, admission);
    return admission;
  }

  /** Records the admitted job as `queued` and hands it to the backend, which starts it when a slot frees. */
  async submit(admission: Admission, request: JobRequest, { sweepId }: SubmitOptions = {}): Promise<JobRecord> {
    const base = {
      id: admission.id,
      family: request.family,
      variant: admission.variant,
      state: 'queued' as const,
      progress: { fraction: 0 },
      message: 'Queued: waits for a free job slot.',
      attempts: 0,
      ...(sweepId ? { sweepId } : {}),
      createdAt: admission.createdAt,
      queuedAt: this.nextQueuedAt(),
    };
    const record: JobRecord =
      request.kind === 'train' ? { ...base, kind: 'train', request, lossHistory: [] } : { ...base, kind: 'analyze', request };
    try {
      this.records.set(record.id, record);
      // Handed over in the same tick as its queuedAt was taken, so the queue's order is queuedAt's order.
      const queued = this.backend.submit(record, false);
      await this.persist(record);
      await queued;
      this.changed(record);
      return this.withPosition(record);
    } finally {
      admission.release();
    }
  }

  /** Cancels a queued job at once, or asks a running one to stop (it becomes `cancelled` once it has). */
  async cancel(id: string): Promise<JobRecord> {
    const record = this.require(id);
    if (!ACTIVE_JOB_STATES.includes(record.state))
      throw new JobError('conflict', `job ${id} is not queued or running (state ${record.state})`);
    if (record.state === 'running') this.records.get(id)!.message = 'Cancelling...';
    await this.backend.cancel(this.records.get(id)!);
    return this.require(id);
  }

  /**
   * Runs a failed, cancelled or interrupted job again, as the same job: training resumes from the
   * variant's latest checkpoint (or starts over when it saved none); analysis reuses what exists.
   * With `mustResume`, a training job without a checkpoint to resume from is refused instead.
   */
  async rerun(id: string, { mustResume = false } = {}): Promise<JobRecord> {
    const record = this.records.get(id);
    if (!record) throw new JobError('not-found', `no job ${id}`);
    if (!RERUNNABLE_JOB_STATES.includes(record.state)) {
      throw new JobError('conflict', `job ${id} is ${record.state}; only a failed, cancelled or interrupted job can run again`);
    }
    if (mustResume) {
      if (record.kind !== 'train') throw new JobError('conflict', `job ${id} is an analysis; resume applies to training (use retry)`);
      const from = await resumePoint(variantPaths(this.options.resultsDir, record.family, record.variant));
      if (from === null) throw new JobError('conflict', `variant ${record.variant} has no checkpoint to resume from; retry trains it anew`);
    }
    const admission = this.reserve(record.family, record.variant, record.kind);
    try {
      Object.assign(record, {
        state: 'queued',
        queuedAt: this.nextQueuedAt(),
        progress: { fraction: 0 },
        message: 'Queued to run again.',
      });
      delete record.error;
      delete record.result;
      delete record.finishedAt;
      const queued = this.backend.submit(record, true);
      await this.persist(record);
      await queued;
      this.emit(record.id, 'update', this.withPosition(record));
      this.changed(record);
      return this.withPosition(record);
    } finally {
      admission.release();
    }
  }

  /**
   * The job's events: a snapshot of its record first, then (while it is queued or running) its
   * updates and progress until the final `done`, `failed` or `cancelled`, after which it ends.
   * A job that has ended gets its snapshot and final event at once.
   */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<JobEvent> {
    const snapshot = this.require(id);
    const pending: JobEvent[] = [];
    let wake: (() => void) | undefined;
    const listener: Listener = (event) => {
      pending.push(event);
      wake?.();
    };
    const listeners = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, listeners);
    listeners.add(listener);
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      yield { id: 0, name: 'snapshot', data: snapshot };
      if (!ACTIVE_JOB_STATES.includes(snapshot.state)) {
        yield { id: 1, name: terminalEventOf(snapshot), data: snapshot };
        return;
      }
      while (!signal?.aborted) {
        const event = pending.shift();
        if (!event) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        yield event;
        if (TERMINAL_EVENTS.includes(event.name)) return;
      }
    } finally {
      listeners.delete(listener);
      if (listeners.size === 0) this.listeners.delete(id);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the backend (running embedded jobs become `interrupted`; queued ones stay queued for the next start). */
  async close(): Promise<void> {
    await this.ready;
    await this.backend.close();
  }

  private onStarted(id: string, worker: string): void {
    const record = this.records.get(id);
    if (!record) return;
    Object.assign(record, {
      state: 'running',
      worker,
      attempts: record.attempts + 1,
      startedAt: new Date().toISOString(),
      message: record.kind === 'train' ? 'Starting training...' : 'Starting analysis...',
    });
    if (record.kind === 'train' && record.attempts === 1) record.lossHistory = [];
    this.lastSavedAt.set(id, Date.now());
    void this.persist(record);
    this.emit(id, 'update', this.withPosition(record));
    // Every job behind it moved up one place.
    for (const queued of this.records.values()) if (queued.state === 'queued') this.emit(queued.id, 'update', this.withPosition(queued));
    this.changed(record);
  }

  /** Queued again after it ran (Redis: handed back by its worker, or the worker was lost); it keeps its queuedAt, so it is next in line, as in BullMQ. */
  private onRequeued(id: string, message: string, from?: string): void {
    const record = this.records.get(id);
    if (!record || record.state !== 'running' || (from !== undefined && record.worker !== from)) return;
    Object.assign(record, { state: 'queued', message });
    void this.persist(record);
    for (const queued of this.records.values()) if (queued.state === 'queued') this.emit(queued.id, 'update', this.withPosition(queued));
    this.changed(record);
  }

  private onProgress(id: string, event: JobProgressEvent): void {
    const record = this.records.get(id);
    if (!record || record.state !== 'running') return;
    record.progress = event.progress;
    record.message = event.message;
    if (event.lossPoint && record.kind === 'train') record.lossHistory = thinned(withLossPoint(record.lossHistory, event.lossPoint));
    this.emit(id, 'progress', event);
    if (Date.now() - (this.lastSavedAt.get(id) ?? 0) >= SAVE_INTERVAL_MS) {
      this.lastSavedAt.set(id, Date.now());
      void this.persist(record);
    }
  }

  private async onFinished(id: string, outcome: JobOutcome): Promise<void> {
    const record = this.records.get(id);
    if (!record || !ACTIVE_JOB_STATES.includes(record.state)) return;
    record.state = outcome.state;
    record.finishedAt = new Date().toISOString();
    this.lastSavedAt.delete(id);
    switch (outcome.state) {
      case 'succeeded':
        record.result = outcome.result;
        record.message = outcome.message;
        record.progress = { ...record.progress, fraction: 1 };
        break;
      case 'failed':
        record.error = outcome.error;
        record.message = `Failed: ${outcome.error}`;
        break;
      default:
        record.message = outcome.message ?? 'Cancelled.';
    }
    await this.persist(record);
    this.emit(id, terminalEventOf(record), record);
    for (const queued of this.records.values()) if (queued.state === 'queued') this.emit(queued.id, 'update', this.withPosition(queued));
    this.changed(record);
  }

  private nextQueuedAt(): string {
    this.lastQueuedAt = Math.max(Date.now(), this.lastQueuedAt + 1);
    return new Date(this.lastQueuedAt).toISOString();
  }

  /** The admitted or queued/running job on a variant, if any. */
  private holderOf(family: string, variant: string): { id: string; purpose: Admission['purpose']; state?: string } | undefined {
    for (const admission of this.admissions.values()) if (admission.family === family && admission.variant === variant) return admission;
    const record = this.activeJobOn(family, variant);
    return record && { id: record.id, purpose: record.kind, state: record.state };
  }

  /** A copy of a queued record with its place in line (1 = next to start). */
  private withPosition(record: JobRecord): JobRecord {
    if (record.state !== 'queued') return record;
    const ahead = [...this.records.values()].filter((other) => other.state === 'queued' && byQueueOrder(other, record) < 0).length;
    return { ...record, queuePosition: ahead + 1 };
  }

  private changed(record: JobRecord): void {
    for (const listener of this.changeListeners) listener(record);
  }

  /** Saves a record; a failed write (disk full) is logged, the job goes on in memory. */
  private async persist(record: JobRecord): Promise<void> {
    try {
      await this.store.save(record);
    } catch (error) {
      console.error(`[jobs] could not save job ${record.id}:`, error);
    }
  }

  private emit<Name extends JobEventName>(id: string, name: Name, data: JobEventMap[Name]): void {
    const listeners = this.listeners.get(id);
    const eventId = this.nextEventId.get(id) ?? 2;
    this.nextEventId.set(id, eventId + 1);
    if (!listeners) return;
    const event = { id: eventId, name, data } as JobEvent;
    for (const listener of listeners) listener(event);
  }
}

/** The event that ends the stream of a job in a final state (`failed` also covers `interrupted`). */
function terminalEventOf(record: JobRecord): 'done' | 'failed' | 'cancelled' {
  return record.state === 'succeeded' ? 'done' : record.state === 'cancelled' ? 'cancelled' : 'failed';
}

function byQueueOrder(a: JobRecord, b: JobRecord): number {
  return a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id);
}

/** The history halved when it grew past the limit, keeping the newest point. */
function thinned(history: LossPoint[]): LossPoint[] {
  if (history.length <= MAX_LOSS_POINTS) return history;
  const last = history.at(-1)!;
  const kept = history.filter((_, i) => i % 2 === 0);
  if (kept.at(-1) !== last) kept.push(last);
  return kept;
}
