/**
 * A server that dies while training: after a restart the job is `interrupted` (never running
 * forever) and its variant is `incomplete`. The real server process, killed with SIGKILL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VariantsResponse } from '../../shared/api.ts';
import type { JobRecord } from '../../shared/jobs.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';
let resultsDir: string;
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  if (resultsDir) await rm(resultsDir, { recursive: true, force: true });
});

const variantsUrl = () => `${server!.url}/api/families/${FAMILY}/variants`;
const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

describe('server restart during a training job', () => {
  it('shows the job as interrupted and the variant as incomplete', async () => {
    resultsDir = await mkdtemp(join(tmpdir(), 'workbench-restart-'));
    server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });
    const response = await fetch(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'train',
        family: FAMILY,
        params: { prime: 31, seed: 5 },
        training: { num_epochs: 100_000, checkpoint_epochs: [0] },
      }),
    });
    expect(response.status).toBe(202);
    const job = (await response.json()) as JobRecord;

    // The HTTP server stays responsive while the worker trains.
    await expect
      .poll(async () => (await getJson<VariantsResponse>(variantsUrl())).variants[0]?.checkpointEpochs, { timeout: 30_000 })
      .toEqual([0]);
    expect((await getJson<VariantsResponse>(variantsUrl())).variants[0]!.state).toBe('training');

    server.process.kill('SIGKILL');
    await server.stop();
    server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });

    const after = await getJson<JobRecord>(`${server.url}/api/jobs/${job.id}`);
    expect(after.state).toBe('interrupted');
    expect(after.message).toBe('Interrupted: the server stopped while this job was running.');
    expect(after.finishedAt).toBeDefined();
    const variant = (await getJson<VariantsResponse>(variantsUrl())).variants[0]!;
    expect(variant).toMatchObject({ name: job.variant, state: 'incomplete' });

    // An interrupted job's event stream ends at once instead of hanging.
    const events = await (await fetch(`${server.url}/api/jobs/${job.id}/events`)).text();
    expect(events).toContain('event: snapshot');
    expect(events).toContain('event: failed');
  });
});
