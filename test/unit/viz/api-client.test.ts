/**
 * The browser's API client against the real server over HTTP: an abort while a response body is
 * still downloading is an abort, never an empty (null) result that the viz page would cache; an
 * answer that is not JSON, or not what the route declares, is an error naming the path.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobRecordSchema, trainJobRecordSchema, type JobRecord } from '../../../shared/jobs.ts';
import { ApiClient, ApiRequestError } from '../../../frontend/api/client.ts';
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
  return client.submitJob({
    kind: 'train',
    family: 'modulo_addition_1layer',
    params: { prime: 11, seed },
    training: { data_seed: 598, training_fraction: 0.3, num_epochs: epochs, checkpoint_epochs: [0] },
    overwrite: false,
  });
}

describe('ApiClient', () => {
  it('rejects with AbortError when aborted after the headers, while the body streams', async () => {
    const job = await startTraining(1, 20000);
    // A running job's event stream sends its headers and a snapshot, then stays open.
    const controller = new AbortController();
    const request = client.get(`/jobs/${job.id}/events`, jobRecordSchema, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await expect(request).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('names the path when a successful answer is not JSON', async () => {
    const job = await startTraining(2, 30);
    // A finished job's event stream is complete SSE text, not JSON.
    await expect.poll(async () => (await client.job(job.id)).state, { timeout: 20_000 }).toBe('succeeded');
    await expect(client.get(`/jobs/${job.id}/events`, jobRecordSchema)).rejects.toThrow(
      `the server's answer to /jobs/${job.id}/events is not JSON`,
    );
  });

  it('names the path and the problem when an answer does not match the schema', async () => {
    const error = await client.get('/version?x=1', trainJobRecordSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect((error as ApiRequestError).message).toMatch(
      /^the server's answer to \/version\?x=1 does not match the API: id: .+ \(and \d+ more\)$/,
    );
  });

  it('calls the typed routes with encoded names, and gives the server’s error and fields', async () => {
    expect((await client.version()).version).toMatch(/^\d+\.\d+\.\d+/);
    const families = await client.families();
    expect(families.families.map((f) => f.name)).toContain('modulo_addition_1layer');
    const error = (await client.variants('a/b').catch((e: unknown) => e)) as ApiRequestError;
    expect([error.status, error.fields[0]?.field]).toEqual([400, 'family']);
    await expect(client.variantDetail('modulo_addition_1layer', 'modulo_addition_1layer_p11_seed404')).rejects.toMatchObject({
      status: 404,
    });
    expect(client.jobEventsUrl('abc')).toBe(`${client.baseUrl}/api/jobs/abc/events`);
  });

  it('rejects with AbortError when a typed call is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client.variantDetail('modulo_addition_1layer', 'x', controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
