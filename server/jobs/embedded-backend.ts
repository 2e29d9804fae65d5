/**
 * The embedded queue: jobs wait in order in this server and run in child processes of it (see
 * workers/child-process.ts for why processes), at most `maxConcurrent` at once, each with its share
 * of the cores as OpenBLAS threads (cores.ts). Queued jobs are persisted by the runner, so after a
 * restart they are submitted again and run; a job that was running when the server stopped cannot
 * go on without it and is reported `interrupted`.
 */
import type { JobProgressEvent, JobRecord } from '../../shared/jobs.ts';
import { RpcChild } from '../workers/child-rpc.ts';
import { threadsPerJob } from './cores.ts';
import { INTERRUPTED_MESSAGE, type JobBackend, type JobBackendEvents, type JobOutcome } from './job-backend.ts';
import type { JobRun } from './run-job.ts';

export const JOB_PROCESS = new URL('./job-worker.ts', import.meta.url);

export interface EmbeddedBackendOptions {
  resultsDir: string;
  familiesDir: string;
  maxConcurrent: number;
}

interface Waiting {
  job: JobRecord;
  retrying: boolean;
}

interface Running {
  child: RpcChild<JobRun, JobOutcome, JobProgressEvent>;
  abort: AbortController;
}

export class EmbeddedBackend implements JobBackend {
  readonly name = 'embedded';
  private events!: JobBackendEvents;
  private readonly waiting: Waiting[] = [];
  private readonly running = new Map<string, Running>();
  private readonly jobThreads: number;
  private closing = false;

  constructor(private readonly options: EmbeddedBackendOptions) {
    this.jobThreads = threadsPerJob(options.maxConcurrent);
  }

  async start(events: JobBackendEvents, unfinished: JobRecord[]): Promise<void> {
    this.events = events;
    for (const job of unfinished) {
      if (job.state === 'running') await events.finished(job.id, { state: 'interrupted', message: INTERRUPTED_MESSAGE });
      else this.waiting.push({ job, retrying: job.attempts > 0 });
    }
    this.pump();
  }

  async submit(job: JobRecord, retrying: boolean): Promise<void> {
    this.waiting.push({ job, retrying });
    this.pump();
  }

  async cancel(job: JobRecord): Promise<void> {
    const index = this.waiting.findIndex((waiting) => waiting.job.id === job.id);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      await this.events.finished(job.id, { state: 'cancelled', message: 'Cancelled while queued.' });
    }
    this.running.get(job.id)?.abort.abort();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.waiting.length = 0;
    await Promise.all(
      [...this.running].map(([id, { child }]) => {
        child.kill();
        return this.events.finished(id, { state: 'interrupted', message: INTERRUPTED_MESSAGE });
      }),
    );
    this.running.clear();
  }

  /** Starts waiting jobs while slots are free. */
  private pump(): void {
    while (!this.closing && this.running.size < this.options.maxConcurrent && this.waiting.length > 0) {
      void this.run(this.waiting.shift()!);
    }
  }

  private async run({ job, retrying }: Waiting): Promise<void> {
    let child: RpcChild<JobRun, JobOutcome, JobProgressEvent>;
    try {
      child = new RpcChild(JOB_PROCESS, { label: 'the job process', env: { OPENBLAS_NUM_THREADS: String(this.jobThreads) } });
    } catch (error) {
      console.error(`[jobs] job ${job.id} could not start:`, error);
      await this.events.finished(job.id, { state: 'failed', error: `the job process could not start: ${(error as Error).message}` });
      return this.pump();
    }
    const abort = new AbortController();
    this.running.set(job.id, { child, abort });
    this.events.started(job.id, 'server');
    const { resultsDir, familiesDir } = this.options;
    const outcome = await child
      .request({ job, resultsDir, familiesDir, retrying }, { signal: abort.signal, onNote: (event) => this.events.progress(job.id, event) })
      .catch((error: Error): JobOutcome => ({ state: 'failed', error: error.message }));
    child.kill();
    // After close() the job was already reported interrupted.
    if (this.running.delete(job.id)) await this.events.finished(job.id, outcome);
    this.pump();
  }
}
