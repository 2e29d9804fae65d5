/**
 * The browser's API client against the real server over HTTP: an abort while a response body is
 * still downloading is an abort, never an empty (null) result that the viz page would cache.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../shared/jobs.ts';
import { ApiClient } from '../../../frontend/api/client.ts';
import { createApp } from '../../../server/app.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';

let wb: TempWorkbench;
let api: ReturnType<typeof createApp>;
let server: ReturnType<typeof serve>;
let client: ApiClient;

beforeEach(async () => {
  wb = await makeTempWorkbench();
  api = createApp({ paths: wb });
  server = await new Promise((resolve) => {
    const started = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  client = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterEach(async () => {
  await api.jobs.close();
  await new Promise((resolve) => server.close(resolve));
  await wb.cleanup();
});

/** Starts a p = 11 training job through the client. */
function startTraining(seed: number, epochs: number): Promise<JobRecord> {
  return client.post<JobRecord>('/jobs', {
    kind: 'train',
    family: 'modulo_addition_1layer',
    params: { prime: 11, seed },
    training: { num_epochs: epochs, checkpoint_epochs: [0] },
  });
}

describe('ApiClient', () => {
  it('rejects with AbortError when aborted after the headers, while the body streams', async () => {
    const job = await startTraining(1, 20000);
    // A running job's event stream sends its headers and a snapshot, then stays open.
    const controller = new AbortController();
    const request = client.get(`/jobs/${job.id}/events`, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await expect(request).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('names the path when a successful answer is not JSON', async () => {
    const job = await startTraining(2, 30);
    // A finished job's event stream is complete SSE text, not JSON.
    await expect.poll(async () => (await client.get<JobRecord>(`/jobs/${job.id}`)).state, { timeout: 20_000 }).toBe('succeeded');
    await expect(client.get(`/jobs/${job.id}/events`)).rejects.toThrow(`the server's answer to /jobs/${job.id}/events is not JSON`);
  });
});
