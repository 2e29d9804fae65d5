/**
 * The queue across a restart, resume and retry, sweeps, and deleting a variant: through
 * app.request with real job processes on a temporary results folder.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiErrorBody } from '../../../shared/api.ts';
import type { JobRecord } from '../../../shared/jobs.ts';
import type { SweepRecord } from '../../../shared/sweeps.ts';
import { createApp } from '../../../server/app.ts';
import { variantPaths } from '../../../server/registry/variant-paths.ts';
import { readOptimizerStep } from '../../../server/training/variant-files.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';
import { readSse } from '../../helpers/sse.ts';

const FAMILY = 'modulo_addition_1layer';

let wb: TempWorkbench;
let apps: ReturnType<typeof createApp>[];

function start(maxConcurrentJobs = 1) {
  const app = createApp({ paths: wb, maxConcurrentJobs });
  apps.push(app);
  return app;
}

beforeEach(async () => {
  wb = await makeTempWorkbench();
  apps = [];
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  for (const app of apps) await app.jobs.close();
  vi.restoreAllMocks();
  await wb.cleanup();
});

const send = (app: ReturnType<typeof createApp>, path: string, body?: unknown, method = 'POST') =>
  app.app.request(path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

const train = (seed: number, training: Record<string, unknown>) => ({
  kind: 'train',
  family: FAMILY,
  params: { prime: 11, seed },
  training,
});

async function waitForJob(app: ReturnType<typeof createApp>, id: string): Promise<JobRecord> {
  const events = await readSse(await app.app.request(`/api/jobs/${id}/events`), (e) => ['done', 'failed', 'cancelled'].includes(e.event));
  return events.at(-1)!.data as JobRecord;
}

describe('the queue', () => {
  it('keeps queued jobs across a restart and runs them; an interrupted training resumes from its checkpoint', async () => {
    const first = start();
    const long = (await (await send(first, '/api/jobs', train(1, { num_epochs: 20_000, checkpoint_epochs: [0, 5] }))).json()) as JobRecord;
    const waiting = (await (await send(first, '/api/jobs', train(2, { num_epochs: 60 }))).json()) as JobRecord;
    expect([long.state, waiting.state, waiting.queuePosition]).toEqual(['running', 'queued', 1]);
    // Past the commit point of checkpoint 5 (§4.12): the optimizer state, written after the checkpoint, at step 6.
    const paths = variantPaths(wb.resultsDir, FAMILY, long.variant);
    await vi.waitFor(async () => {
      await access(paths.checkpoint(5));
      expect(await readOptimizerStep(paths.optimizerState)).toBeGreaterThanOrEqual(6);
    }, 30_000);
    await first.jobs.close();

    const second = start();
    expect(((await (await second.app.request(`/api/jobs/${long.id}`)).json()) as JobRecord).state).toBe('interrupted');
    expect((await waitForJob(second, waiting.id)).state).toBe('succeeded');

    const resumed = await send(second, `/api/jobs/${long.id}/resume`);
    expect(resumed.status).toBe(202);
    // The same job, started a second time (the slot was free).
    expect(((await resumed.json()) as JobRecord).attempts).toBe(2);
    // Resumed from epoch 6, not from the start: the first progress reported is past the checkpoint.
    const events = await readSse(await second.app.request(`/api/jobs/${long.id}/events`), (e) => e.event === 'progress');
    expect((events.at(-1)!.data as { progress: { epoch: number } }).progress.epoch).toBeGreaterThan(5);
    await send(second, `/api/jobs/${long.id}/cancel`);
    const ended = await waitForJob(second, long.id);
    expect([ended.state, ended.attempts]).toEqual(['cancelled', 2]);
    // One point per epoch, in order, across both attempts.
    const epochs = ended.kind === 'train' ? ended.lossHistory.map((p) => p.epoch) : [];
    expect(epochs.every((epoch, i) => i === 0 || epoch > epochs[i - 1]!)).toBe(true);
  });

  it('refuses to resume a job that has not ended, or an analysis', async () => {
    const app = start();
    const job = (await (await send(app, '/api/jobs', train(1, { num_epochs: 60 }))).json()) as JobRecord;
    const early = await send(app, `/api/jobs/${job.id}/resume`);
    expect(early.status).toBe(409);
    expect(((await early.json()) as ApiErrorBody).error.message).toMatch(/only a failed, cancelled or interrupted job can run again/);
    expect((await waitForJob(app, job.id)).state).toBe('succeeded');
  });
});

describe('a sweep', () => {
  it('trains and analyses its grid, reports its variants live, and skips them the second time', async () => {
    const app = start(2);
    const request = {
      family: FAMILY,
      params: { prime: [11, 13], seed: [1] },
      training: { num_epochs: 60, checkpoint_epochs: [0, 30] },
      analyze: true,
    };
    const res = await send(app, '/api/sweeps', request);
    expect(res.status).toBe(202);
    const sweep = (await res.json()) as SweepRecord;
    expect(sweep.entries.map((entry) => entry.variant)).toEqual(['modulo_addition_1layer_p11_seed1', 'modulo_addition_1layer_p13_seed1']);

    const events = await readSse(await app.app.request(`/api/sweeps/${sweep.id}/events`), (e) => e.event === 'done');
    const done = events.at(-1)!.data as SweepRecord;
    expect(done.state).toBe('succeeded');
    expect(done.entries.map((entry) => entry.state)).toEqual(['succeeded', 'succeeded']);
    expect(done.entries.every((entry) => entry.analyzeJobId)).toBe(true);
    const variants = await (await app.app.request(`/api/families/${FAMILY}/variants`)).json();
    expect(variants.variants.map((v: { state: string }) => v.state)).toEqual(['analyzed', 'analyzed']);

    const again = (await (await send(app, '/api/sweeps', request)).json()) as SweepRecord;
    expect(again.entries.map((entry) => entry.skipped)).toEqual([
      'variant modulo_addition_1layer_p11_seed1 already exists (analyzed); confirm overwrite to replace it',
      'variant modulo_addition_1layer_p13_seed1 already exists (analyzed); confirm overwrite to replace it',
    ]);
    expect(again.state).toBe('succeeded');
  });

  it('refuses a grid with a wrong value, naming where it is, and a grid that is too large', async () => {
    const app = start();
    const wrong = await send(app, '/api/sweeps', { family: FAMILY, params: { prime: [11, 12], seed: [1] } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ApiErrorBody).error.fields?.map((f) => f.field)).toEqual(['params.prime[1]']);
    const huge = await send(app, '/api/sweeps', {
      family: FAMILY,
      params: { prime: [11, 13, 17, 19], seed: Array.from({ length: 100 }, (_, i) => i) },
    });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as ApiErrorBody).error.message).toContain('the grid has 400 variants; allowed: at most 256');
  });

  it('cancels every job of a sweep', async () => {
    const app = start(1);
    const sweep = (await (
      await send(app, '/api/sweeps', { family: FAMILY, params: { prime: [11], seed: [1, 2, 3] }, training: { num_epochs: 20_000 } })
    ).json()) as SweepRecord;
    expect(sweep.counts).toEqual({ running: 1, queued: 2 });
    await send(app, `/api/sweeps/${sweep.id}/cancel`);
    const events = await readSse(await app.app.request(`/api/sweeps/${sweep.id}/events`), (e) => e.event === 'done');
    const done = events.at(-1)!.data as SweepRecord;
    expect([done.state, done.counts]).toEqual(['cancelled', { cancelled: 3 }]);
  });
});

describe('deleting a variant', () => {
  it('is refused while a job holds it, then removes its folder', async () => {
    const app = start();
    const job = (await (await send(app, '/api/jobs', train(1, { num_epochs: 60 }))).json()) as JobRecord;
    const path = `/api/variants/${FAMILY}/${job.variant}`;
    const busy = await send(app, path, undefined, 'DELETE');
    expect(busy.status).toBe(409);
    await waitForJob(app, job.id);
    const deleted = await send(app, path, undefined, 'DELETE');
    expect(deleted.status).toBe(200);
    await expect(access(join(wb.resultsDir, FAMILY, job.variant))).rejects.toThrow();
    expect((await app.app.request(path)).status).toBe(404);
  });
});
