/**
 * Follows one job over server-sent events and keeps its record current for the host element:
 * a snapshot first, then progress (with the loss curve growing), then the terminal record.
 * Every event is parsed with its declared schema (shared/jobs.ts); one that does not match stops
 * the watch with `error` naming the stream and the event, rather than showing a broken record.
 * Both job pages use it, also to pick a running job up again when the researcher comes back.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { jobEventSchemas, type JobEventMap, type JobKind, type JobRecord } from '../../shared/jobs.ts';
import type { ApiClient } from './client.ts';
import { withLossPoint } from '../../shared/loss-history.ts';
import { parseEventData } from './event-data.ts';

export class JobWatcher implements ReactiveController {
  /** The job being shown, as of the latest event. */
  job?: JobRecord;
  /** Why the watch stopped early: an event that does not match the API. */
  error?: string;
  private source?: EventSource;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: () => ApiClient,
    /** Called once when the watched job ends (succeeded, failed, cancelled, interrupted). */
    private readonly onFinished: (job: JobRecord) => void = () => {},
  ) {
    host.addController(this);
  }

  get running(): boolean {
    return this.job?.state === 'running';
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Shows `job` and follows it live until it ends. */
  watch(job: JobRecord): void {
    this.stop();
    this.job = job;
    this.error = undefined;
    this.host.requestUpdate();
    const source = this.api().jobEvents(job.id);
    this.source = source;
    const on = <Name extends keyof JobEventMap>(name: Name, handle: (data: JobEventMap[Name]) => void) =>
      source.addEventListener(name, (event) => {
        const data = parseEventData(jobEventSchemas[name], (event as MessageEvent<string>).data);
        if (data.success) handle(data.data as JobEventMap[Name]);
        else {
          this.error = `the server's event "${name}" on ${new URL(source.url).pathname} does not match the API: ${data.problem}`;
          this.stop();
        }
        this.host.requestUpdate();
      });
    on('snapshot', (record) => (this.job = record));
    // A queued job started, or moved up the queue.
    on('update', (record) => (this.job = record));
    on('progress', ({ progress, message, lossPoint }) => {
      const job = this.job;
      if (!job) return;
      this.job =
        job.kind === 'train'
          ? { ...job, progress, message, lossHistory: lossPoint ? withLossPoint(job.lossHistory, lossPoint) : job.lossHistory }
          : { ...job, progress, message };
    });
    for (const terminal of ['done', 'failed', 'cancelled'] as const) {
      on(terminal, (record) => {
        this.job = record;
        this.stop();
        this.onFinished(record);
      });
    }
  }

  /** Picks up the newest running job of this kind (optionally on one family/variant), if any. */
  async resume(filter: { kind: JobKind; family?: string; variant?: string }): Promise<boolean> {
    const { jobs } = await this.api().jobs({ ...filter, state: 'running' });
    if (jobs[0]) this.watch(jobs[0]);
    return jobs.length > 0;
  }

  /** Asks the server to cancel the watched job; its stream then reports `cancelled`. */
  async cancel(): Promise<void> {
    if (this.job) await this.api().cancelJob(this.job.id);
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
  }
}
