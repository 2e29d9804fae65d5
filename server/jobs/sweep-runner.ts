/**
 * Sweeps: a grid of variants trained (and, if asked, analysed) as ordinary queued jobs that carry
 * the sweep's id. The sweep record (results/.jobs/sweeps/<id>.json) keeps the request and which
 * job serves which variant; each variant's state is read from its jobs, so it is never out of date.
 * The runner follows its jobs: a finished training queues the analysis, and a job interrupted by a
 * lost server or worker is run again (resuming from its latest checkpoint) unless the sweep was cancelled.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Family } from '../../shared/family-schema.ts';
import { ACTIVE_JOB_STATES, type JobRecord, type TrainJobRequest } from '../../shared/jobs.ts';
import type { SweepEntry, SweepEventName, SweepPoint, SweepRecord, SweepRequest } from '../../shared/sweeps.ts';
import { variantName } from '../../shared/variant-name.ts';
import type { Registry } from '../registry/registry.ts';
import { writeJsonAtomic } from '../storage/atomic-write.ts';
import { JobError } from './errors.ts';
import { admitJob } from './admission.ts';
import type { JobRunner } from './job-runner.ts';

/** What is stored of a sweep; states and progress come from its jobs. */
interface StoredSweep {
  id: string;
  family: string;
  request: SweepRequest;
  createdAt: string;
  cancelled: boolean;
  entries: StoredEntry[];
}

type StoredEntry = Pick<SweepEntry, 'variant' | 'params' | 'training' | 'skipped' | 'trainJobId' | 'analyzeJobId'>;

export interface SweepEvent {
  id: number;
  name: SweepEventName;
  data: SweepRecord;
}

/** While a sweep runs, its stream sends an update at least this often (its jobs' progress). */
const UPDATE_INTERVAL_MS = 1000;

export class SweepRunner {
  private readonly sweeps = new Map<string, StoredSweep>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly dir: string;
  readonly ready: Promise<void>;

  constructor(
    private readonly jobs: JobRunner,
    private readonly registry: Registry,
    resultsDir: string,
  ) {
    this.dir = join(resultsDir, '.jobs', 'sweeps');
    this.ready = this.load();
    jobs.onChange((job) => void this.ready.then(() => this.onJobChange(job)));
  }

  /** Newest first. */
  list(): SweepRecord[] {
    return [...this.sweeps.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((sweep) => this.view(sweep));
  }

  require(id: string): SweepRecord {
    const sweep = this.sweeps.get(id);
    if (!sweep) throw new JobError('not-found', `no sweep ${id}`);
    return this.view(sweep);
  }

  /**
   * Queues a training job for every grid point (already checked against the family) through the
   * same admission as POST /api/jobs, skipping the variants it refuses (one that exists, unless
   * `overwrite`; one another job holds) with its reason. With `analyze`, an existing variant that is
   * trained but not analysed gets its analysis queued instead.
   */
  async create(family: Family, request: SweepRequest, points: SweepPoint[]): Promise<SweepRecord> {
    const now = new Date();
    const sweep: StoredSweep = {
      id: `${now.toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomUUID().slice(0, 8)}`,
      family: family.name,
      request,
      createdAt: now.toISOString(),
      cancelled: false,
      entries: [],
    };
    this.sweeps.set(sweep.id, sweep);
    for (const point of points) {
      const variant = variantName(family, point.params, point.training);
      const entry: StoredEntry = { variant, params: point.params, training: point.training };
      sweep.entries.push(entry);
      const trainRequest: TrainJobRequest = {
        kind: 'train',
        family: family.name,
        params: point.params,
        training: point.training as TrainJobRequest['training'],
        overwrite: request.overwrite,
        resume: false,
        init_from: null,
        continue_to: null,
      };
      try {
        entry.trainJobId = (await admitJob(this.jobs, this.registry, family, trainRequest, { sweepId: sweep.id })).id;
      } catch (error) {
        if (!(error instanceof JobError)) throw error;
        const trained = (await this.registry.variant(family, variant))?.state === 'trained';
        if (request.analyze && trained) await this.queueAnalysis(family, sweep, entry);
        else entry.skipped = error.message;
      }
    }
    await this.save(sweep);
    this.notify(sweep.id);
    return this.view(sweep);
  }

  /** Cancels every queued or running job of the sweep; no analysis is queued after this. */
  async cancel(id: string): Promise<SweepRecord> {
    const sweep = this.sweeps.get(id);
    if (!sweep) throw new JobError('not-found', `no sweep ${id}`);
    sweep.cancelled = true;
    await this.save(sweep);
    for (const jobId of sweep.entries.flatMap((entry) => [entry.trainJobId, entry.analyzeJobId])) {
      const job = jobId && this.jobs.get(jobId);
      if (job && ACTIVE_JOB_STATES.includes(job.state)) await this.jobs.cancel(job.id);
    }
    this.notify(id);
    return this.view(sweep);
  }

  /**
   * The sweep's events: `snapshot` first, then `update` whenever one of its jobs changes state
   * and every second while it runs, and `done` once no job of it is queued or running.
   */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<SweepEvent> {
    let record = this.require(id);
    let eventId = 0;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    const listeners = this.listeners.get(id) ?? new Set();
    this.listeners.set(id, listeners);
    listeners.add(listener);
    signal?.addEventListener('abort', listener);
    try {
      yield { id: eventId++, name: 'snapshot', data: record };
      while (record.state === 'running' && !signal?.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, UPDATE_INTERVAL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (signal?.aborted) return;
        record = this.require(id);
        if (record.state === 'running') yield { id: eventId++, name: 'update', data: record };
      }
      if (!signal?.aborted) yield { id: eventId++, name: 'done', data: record };
    } finally {
      listeners.delete(listener);
      if (listeners.size === 0) this.listeners.delete(id);
      signal?.removeEventListener('abort', listener);
    }
  }

  private async load(): Promise<void> {
    // The folder appears with the first sweep.
    const files = await readdir(this.dir).catch(() => [] as string[]);
    for (const file of files) {
      if (!file.endsWith('.json') || file.startsWith('.')) continue;
      try {
        const sweep = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as StoredSweep;
        this.sweeps.set(sweep.id, sweep);
      } catch (error) {
        console.warn(`[sweeps] skipped unreadable sweep record ${file}: ${(error as Error).message}`);
      }
    }
    await this.jobs.ready;
    // Follow-ups missed while the server was down (a worker finished a training, a job was interrupted).
    for (const sweep of this.sweeps.values()) {
      for (const entry of sweep.entries) {
        for (const jobId of [entry.trainJobId, entry.analyzeJobId]) {
          const job = jobId && this.jobs.get(jobId);
          if (job) await this.onJobChange(job);
        }
      }
    }
  }

  private async onJobChange(job: JobRecord): Promise<void> {
    const sweep = job.sweepId ? this.sweeps.get(job.sweepId) : undefined;
    if (!sweep) return;
    const entry = sweep.entries.find((candidate) => candidate.variant === job.variant);
    if (entry && !sweep.cancelled) {
      if (job.state === 'interrupted') {
        await this.jobs.rerun(job.id).catch((error: Error) => console.error(`[sweeps] could not resume job ${job.id}:`, error.message));
      } else if (job.kind === 'train' && job.state === 'succeeded' && sweep.request.analyze && !entry.analyzeJobId) {
        const family = await this.registry.family(sweep.family);
        if (family) {
          await this.queueAnalysis(family, sweep, entry);
          await this.save(sweep);
        }
      }
    }
    this.notify(sweep.id);
  }

  /** Queues the entry's analysis, or says why it could not be. */
  private async queueAnalysis(family: Family, sweep: StoredSweep, entry: StoredEntry): Promise<void> {
    const request = { kind: 'analyze' as const, family: family.name, variant: entry.variant, force: false };
    try {
      entry.analyzeJobId = (await admitJob(this.jobs, this.registry, family, request, { sweepId: sweep.id })).id;
    } catch (error) {
      entry.skipped = `its analysis could not be queued: ${(error as Error).message}`;
    }
  }

  private view(sweep: StoredSweep): SweepRecord {
    const expectAnalysis = sweep.request.analyze && !sweep.cancelled;
    const entries = sweep.entries.map((entry) => entryView(entry, expectAnalysis, (id) => this.jobs.get(id)));
    const counts: SweepRecord['counts'] = {};
    for (const entry of entries) counts[entry.state] = (counts[entry.state] ?? 0) + 1;
    const worked = entries.filter((entry) => entry.state !== 'skipped');
    const active = worked.some((entry) => ACTIVE_JOB_STATES.includes(entry.state as JobRecord['state']));
    const allSucceeded = worked.every((entry) => entry.state === 'succeeded');
    return {
      id: sweep.id,
      family: sweep.family,
      request: sweep.request,
      state: active ? 'running' : sweep.cancelled ? 'cancelled' : allSucceeded ? 'succeeded' : 'failed',
      entries,
      counts,
      fraction: worked.length === 0 ? 1 : worked.reduce((total, entry) => total + entry.fraction, 0) / worked.length,
      cancelled: sweep.cancelled,
      createdAt: sweep.createdAt,
    };
  }

  private async save(sweep: StoredSweep): Promise<void> {
    await writeJsonAtomic(join(this.dir, `${sweep.id}.json`), sweep, 2);
  }

  private notify(id: string): void {
    for (const listener of this.listeners.get(id) ?? []) listener();
  }
}

/**
 * A variant's place in its sweep: the state of its latest job (the analysis once one exists), and
 * its progress over the jobs it needs (training, then analysis when the sweep analyses).
 */
function entryView(entry: StoredEntry, expectAnalysis: boolean, jobOf: (id: string) => JobRecord | undefined): SweepEntry {
  const train = entry.trainJobId ? jobOf(entry.trainJobId) : undefined;
  const analysis = entry.analyzeJobId ? jobOf(entry.analyzeJobId) : undefined;
  const latest = analysis ?? train;
  if (!latest) return { ...entry, state: 'skipped', fraction: 1 };
  const trainFraction = train ? (train.state === 'succeeded' ? 1 : train.progress.fraction) : 1;
  const analysisFraction = analysis ? (analysis.state === 'succeeded' ? 1 : analysis.progress.fraction) : 0;
  // A training that succeeded but whose analysis is not queued yet is still on its way.
  const awaitingAnalysis = expectAnalysis && !analysis && !entry.skipped && train?.state === 'succeeded';
  const state = awaitingAnalysis ? 'running' : latest.state;
  return { ...entry, state, fraction: expectAnalysis || analysis ? (trainFraction + analysisFraction) / 2 : trainFraction };
}
