/**
 * Server-sent events from an async iterable of events: the one way the API streams (a job's
 * progress, a sweep's). The route only forwards; the iterable (the job runner's, the sweep
 * runner's) decides what to send and when the stream ends.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** Proxies close idle connections; a comment line at this interval keeps the stream open. */
const HEARTBEAT_MS = 15_000;

export interface StreamedEvent {
  id: number;
  name: string;
  data: unknown;
}

/** Streams `events` (started with a signal that aborts when the client goes) as `event:`/`data:`/`id:` records. */
export function forwardEvents(c: Context, events: (signal: AbortSignal) => AsyncIterable<StreamedEvent>) {
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    const iterator = events(abort.signal)[Symbol.asyncIterator]();
    let next = iterator.next();
    while (!stream.aborted) {
      let timer: NodeJS.Timeout | undefined;
      const heartbeat = new Promise<'heartbeat'>((resolve) => (timer = setTimeout(() => resolve('heartbeat'), HEARTBEAT_MS)));
      const result = await Promise.race([next, heartbeat]);
      clearTimeout(timer);
      if (result === 'heartbeat') {
        await stream.write(': heartbeat\n\n');
        continue;
      }
      if (result.done) break;
      await stream.writeSSE({ event: result.value.name, data: JSON.stringify(result.value.data), id: String(result.value.id) });
      next = iterator.next();
    }
    abort.abort();
    await iterator.return?.(undefined);
  });
}
