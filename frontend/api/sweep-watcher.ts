/**
 * Follows one sweep over server-sent events and keeps its record current for the host element:
 * a snapshot first, an update whenever one of its jobs changes (and every second while it runs),
 * and `done` at the end. Each event is parsed with its declared schema (shared/sweeps.ts); one that
 * does not match stops the watch with `error` naming the stream and the event.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { sweepEventSchemas, type SweepEventName, type SweepRecord } from '../../shared/sweeps.ts';
import type { ApiClient } from './client.ts';
import { parseEventData } from './event-data.ts';

export class SweepWatcher implements ReactiveController {
  /** The sweep being shown, as of the latest event. */
  sweep?: SweepRecord;
  /** Why the watch stopped early: an event that does not match the API. */
  error?: string;
  private source?: EventSource;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: () => ApiClient,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Shows `sweep` and follows it live until none of its jobs is queued or running. */
  watch(sweep: SweepRecord): void {
    this.stop();
    this.sweep = sweep;
    this.error = undefined;
    this.host.requestUpdate();
    const source = this.api().sweepEvents(sweep.id);
    this.source = source;
    for (const name of Object.keys(sweepEventSchemas) as SweepEventName[]) {
      source.addEventListener(name, (event) => {
        const parsed = parseEventData(sweepEventSchemas[name], (event as MessageEvent<string>).data);
        if (parsed.success) this.sweep = parsed.data;
        else this.error = `the server's event "${name}" on ${new URL(source.url).pathname} does not match the API: ${parsed.problem}`;
        if (!parsed.success || name === 'done') this.stop();
        this.host.requestUpdate();
      });
    }
  }

  /** Picks up the newest sweep that is still running, if any. */
  async resume(): Promise<void> {
    const { sweeps } = await this.api().sweeps();
    const running = sweeps.find((sweep) => sweep.state === 'running');
    if (running) this.watch(running);
  }

  /** Asks the server to cancel every queued or running job of the watched sweep; its stream then reports the end. */
  async cancel(): Promise<void> {
    if (this.sweep) this.sweep = await this.api().cancelSweep(this.sweep.id);
    this.host.requestUpdate();
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
  }
}
