/**
 * The queue on Redis for real: redis-server on a free port, the server with WORKBENCH_QUEUE, and
 * two `workbench worker` processes in their own working folders sharing the results folder. A
 * sweep of four variants runs across both workers; one worker is killed (SIGKILL) in the middle
 * of a training, and so is the server. The lost job is resumed by the other worker from its latest
 * checkpoint, the restarted server picks the sweep up, and every variant ends bitwise equal to a
 * clean run. A worker stopped with SIGTERM hands its running training back: the other worker takes
 * it up at once (long before the lock would expire) and it too ends bitwise as a clean run. Every
 * process uses the portable matrix multiply, whose sums do not depend on threads.
 */
import { readFile, mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../shared/jobs.ts';
import type { SweepRecord } from '../../shared/sweeps.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { QUEUE_NAME, connectionOf } from '../../server/jobs/redis-queue.ts';
import { loadFamilies } from '../../server/registry/families.ts';
import { trainVariant } from '../../server/training/train-variant.ts';
import { readSse, type SseEvent } from '../helpers/sse.ts';
import { startRedis, startWorker, type Launched } from './helpers/redis.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';
const TRAINING = { num_epochs: 1000, checkpoint_epochs: Array.from({ length: 20 }, (_, i) => i * 50) };
const PORTABLE = { WORKBENCH_GEMM: 'portable' };

let root: string;
const launched: Launched[] = [];
let server: RunningServer | undefined;
const servers: RunningServer[] = [];
const roots: string[] = [];

afterAll(async () => {
  for (const running of [server, ...servers]) await running?.stop();
  for (const child of launched) child.process.kill('SIGKILL');
  for (const dir of [root, ...roots]) if (dir) await rm(dir, { recursive: true, force: true });
});

const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

/** Trains `variant` anew in this process under `cleanDir` and expects its losses, checkpoints and optimizer state bitwise in `resultsDir`. */
async function expectAsCleanRun(resultsDir: string, cleanDir: string, params: Record<string, number>, variant: string): Promise<void> {
  const family = (await loadFamilies(join(REPO_ROOT, 'server/families'))).families.get(FAMILY)!;
  await trainVariant({ resultsDir: cleanDir, family, params, training: TRAINING, backend: 'portable' });
  const run = join(resultsDir, FAMILY, variant);
  const clean = join(cleanDir, FAMILY, variant);
  const losses = async (dir: string) => {
    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    return { train: metadata.train_losses, test: metadata.test_losses, checkpoints: metadata.checkpoint_epochs };
  };
  expect(await losses(run)).toEqual(await losses(clean));
  const files = (await readdir(join(clean, 'checkpoints'))).map((file) => join('checkpoints', file));
  for (const file of [...files, 'optimizer_state.safetensors']) {
    expect((await readFile(join(run, file))).equals(await readFile(join(clean, file))), `${variant}/${file}`).toBe(true);
  }
}

describe('BullMQ on Redis with two workers', () => {
  it('runs a sweep across both; a killed worker and a killed server lose nothing', { timeout: 300_000 }, async () => {
    root = await mkdtemp(join(tmpdir(), 'workbench-redis-'));
    const resultsDir = join(root, 'results');
    const redis = await startRedis(root);
    launched.push(redis);
    const serverEnv = { ...PORTABLE, WORKBENCH_RESULTS_DIR: resultsDir, WORKBENCH_QUEUE: redis.url };
    server = await startServer(serverEnv);
    const workers = new Map<string, Launched>();
    for (const name of ['w1', 'w2']) {
      const worker = await startWorker({ queue: redis.url, resultsDir, name, root, lockSeconds: 2, env: PORTABLE });
      launched.push(worker);
      workers.set(name, worker);
    }

    const response = await fetch(`${server.url}/api/sweeps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family: FAMILY, params: { prime: [11, 13], seed: [1, 2] }, training: TRAINING }),
    });
    expect(response.status).toBe(202);
    const sweep = (await response.json()) as SweepRecord;
    expect(sweep.entries).toHaveLength(4);

    // Both workers take a job; kill one once its training has saved a few checkpoints.
    let victim: JobRecord | undefined;
    await expect
      .poll(
        async () => {
          const { jobs } = await getJson<{ jobs: JobRecord[] }>(`${server!.url}/api/jobs?state=running`);
          victim = jobs.find((job) => job.worker === 'w1' && (job.progress.epoch ?? 0) > 300);
          return jobs.length === 2 && victim !== undefined;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(true);
    workers.get('w1')!.process.kill('SIGKILL');

    // The server dies too, and comes back on the same queue and results folder.
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server!.process.once('exit', resolve));
    server = await startServer(serverEnv);

    const events = await readSse(await fetch(`${server.url}/api/sweeps/${sweep.id}/events`), (e) => e.event === 'done');
    const done = events.at(-1)!.data as SweepRecord;
    expect(done.entries.map((entry) => entry.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const resumed = await getJson<JobRecord>(`${server.url}/api/jobs/${victim!.id}`);
    expect([resumed.worker, resumed.attempts]).toEqual(['w2', 2]);

    // Bitwise what a clean run gives, for every variant (the resumed one included).
    for (const entry of done.entries) await expectAsCleanRun(resultsDir, join(root, 'clean'), entry.params, entry.variant);
  });

  it('a worker stopped with SIGTERM hands its running job to the other at once', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workbench-handback-'));
    roots.push(dir);
    const resultsDir = join(dir, 'results');
    const redis = await startRedis(dir);
    launched.push(redis);
    const handServer = await startServer({ ...PORTABLE, WORKBENCH_RESULTS_DIR: resultsDir, WORKBENCH_QUEUE: redis.url });
    servers.push(handServer);
    // A lock far longer than the wait below: the job can only move on through the handback.
    const LOCK_SECONDS = 60;
    const start = async (name: string) => {
      const worker = await startWorker({ queue: redis.url, resultsDir, name, root: dir, lockSeconds: LOCK_SECONDS, env: PORTABLE });
      launched.push(worker);
      return worker;
    };
    const a = await start('a');

    const params = { prime: 11, seed: 3 };
    const response = await fetch(`${handServer.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'train', family: FAMILY, params, training: TRAINING }),
    });
    expect(response.status).toBe(202);
    const job = (await response.json()) as JobRecord;
    const jobUrl = `${handServer.url}/api/jobs/${job.id}`;
    let takenUpAt: number | undefined;
    const following = readSse(await fetch(`${jobUrl}/events`), (event) => {
      const record = event.data as JobRecord;
      if (event.event === 'update' && record.state === 'running' && record.worker === 'b') takenUpAt ??= Date.now();
      return ['done', 'failed', 'cancelled'].includes(event.event);
    });

    // B waits idle while A trains; A is stopped once the run has saved a few checkpoints.
    await expect.poll(async () => (await getJson<JobRecord>(jobUrl)).worker, { timeout: 30_000, interval: 200 }).toBe('a');
    await start('b');
    await expect
      .poll(async () => (await getJson<JobRecord>(jobUrl)).progress.epoch ?? 0, { timeout: 60_000, interval: 100 })
      .toBeGreaterThan(300);
    const stoppedAt = Date.now();
    const exited = new Promise<number | null>((resolve) => a.process.once('exit', resolve));
    a.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    const exitSeconds = (Date.now() - stoppedAt) / 1000;
    expect(a.output()).toMatch(/workbench worker a: stopped; 1 job\(s\) handed back\n/);

    const events: SseEvent[] = await following;
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    // In between, the record showed the job queued again, handed back by A, and then running on B.
    const states = events
      .filter((event) => event.event === 'update')
      .map((event) => event.data as JobRecord)
      .map((record) => `${record.state} ${record.worker}: ${record.message}`);
    expect(states.slice(-2)).toEqual(['queued a: Handed back by worker a; waiting for a worker.', 'running b: Starting training...']);
    const handoffSeconds = (takenUpAt! - stoppedAt) / 1000;
    console.log(`worker a exited ${exitSeconds.toFixed(1)} s after SIGTERM; b took the job up after ${handoffSeconds.toFixed(1)} s`);
    expect(handoffSeconds).toBeLessThan(LOCK_SECONDS / 3);

    // Neither a failure nor a stall nor a cancel: started twice, finished once, and succeeded.
    const record = await getJson<JobRecord>(jobUrl);
    expect([record.state, record.worker, record.attempts]).toEqual(['succeeded', 'b', 2]);
    const queue = new Queue(QUEUE_NAME, { connection: connectionOf(redis.url) });
    try {
      const queued = (await queue.getJob(job.id))!;
      expect([await queued.getState(), queued.attemptsStarted, queued.attemptsMade, queued.stalledCounter]).toEqual(['completed', 2, 1, 0]);
    } finally {
      await queue.close();
    }

    await expectAsCleanRun(resultsDir, join(dir, 'clean'), params, job.variant);
  });
});
