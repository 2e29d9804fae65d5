/**
 * The queue on Redis for real: redis-server on a free port, the server with WORKBENCH_QUEUE, and
 * two `workbench worker` processes in their own working folders sharing the results folder. A
 * sweep of four variants runs across both workers; one worker is killed (SIGKILL) in the middle
 * of a training, and so is the server. The lost job is resumed by the other worker from its latest
 * checkpoint, the restarted server picks the sweep up, and every variant ends bitwise equal to a
 * clean run. Every process uses the portable matrix multiply, whose sums do not depend on threads.
 */
import { readFile, mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../shared/jobs.ts';
import type { SweepRecord } from '../../shared/sweeps.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { loadFamilies } from '../../server/registry/families.ts';
import { trainVariant } from '../../server/training/train-variant.ts';
import { readSse } from '../helpers/sse.ts';
import { startRedis, startWorker, type Launched } from './helpers/redis.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';
const TRAINING = { num_epochs: 1000, checkpoint_epochs: Array.from({ length: 20 }, (_, i) => i * 50) };
const PORTABLE = { WORKBENCH_GEMM: 'portable' };

let root: string;
const launched: Launched[] = [];
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  for (const child of launched) child.process.kill('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

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
    const family = (await loadFamilies(join(REPO_ROOT, 'server/families'))).families.get(FAMILY)!;
    const cleanDir = join(root, 'clean');
    for (const entry of done.entries) {
      await trainVariant({ resultsDir: cleanDir, family, params: entry.params, training: TRAINING, backend: 'portable' });
      const swept = join(resultsDir, FAMILY, entry.variant);
      const clean = join(cleanDir, FAMILY, entry.variant);
      const losses = async (dir: string) => {
        const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
        return { train: metadata.train_losses, test: metadata.test_losses, checkpoints: metadata.checkpoint_epochs };
      };
      expect(await losses(swept)).toEqual(await losses(clean));
      const files = (await readdir(join(clean, 'checkpoints'))).map((file) => join('checkpoints', file));
      for (const file of [...files, 'optimizer_state.safetensors']) {
        expect((await readFile(join(swept, file))).equals(await readFile(join(clean, file))), `${entry.variant}/${file}`).toBe(true);
      }
    }
  });
});
