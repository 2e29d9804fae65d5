/**
 * Sweep throughput: a sweep of p = 113 trainings through the real server, timed from the request
 * to the last variant's end, as epochs per second over all jobs and variants per hour
 * extrapolated to 25,000-epoch runs, for:
 *   - one after the other: WORKBENCH_MAX_JOBS=1, each job with every core's OpenBLAS threads;
 *   - the embedded queue with its defaults (one slot per core, one share of the cores each);
 *   - BullMQ on a local redis-server with two `workbench worker` processes (one job and one
 *     OpenBLAS thread each, so the two do not oversubscribe a two-core machine).
 * The queue must never lose throughput against one after the other.
 *
 *   npm run bench:sweep [-- --variants 4 --epochs 300 --rounds 1]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SweepRecord } from '../../shared/sweeps.ts';
import { defaultMaxJobs, threadsPerJob } from '../../server/jobs/cores.ts';
import { readSse } from '../helpers/sse.ts';
import { startRedis, startWorker, type Launched } from '../e2e/helpers/redis.ts';
import { startServer } from '../e2e/helpers/server.ts';

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: '4' },
    epochs: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '1' },
  },
});
const VARIANTS = Number(values.variants);
const EPOCHS = Number(values.epochs);
const ROUNDS = Number(values.rounds);
const FULL_RUN = 25_000;

/** Runs the sweep on a fresh results folder; returns epochs per second over all its jobs. */
async function sweep(mode: 'sequential' | 'embedded' | 'redis'): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'workbench-bench-sweep-'));
  const resultsDir = join(root, 'results');
  const extra: Launched[] = [];
  let env: Record<string, string> = { WORKBENCH_RESULTS_DIR: resultsDir };
  if (mode === 'sequential') env.WORKBENCH_MAX_JOBS = '1';
  if (mode === 'redis') {
    const redis = await startRedis(root);
    extra.push(redis);
    env = { ...env, WORKBENCH_QUEUE: redis.url };
    for (const name of ['w1', 'w2']) extra.push(await startWorker({ queue: redis.url, resultsDir, name, root, threads: 1 }));
  }
  const server = await startServer(env);
  try {
    const started = performance.now();
    const response = await fetch(`${server.url}/api/sweeps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        family: 'modulo_addition_1layer',
        params: { prime: [113], seed: Array.from({ length: VARIANTS }, (_, i) => i + 1) },
        training: { num_epochs: EPOCHS },
      }),
    });
    if (response.status !== 202) throw new Error(`sweep refused: ${response.status} ${await response.text()}`);
    const { id } = (await response.json()) as SweepRecord;
    const events = await readSse(await fetch(`${server.url}/api/sweeps/${id}/events`), (e) => e.event === 'done');
    const done = events.at(-1)!.data as SweepRecord;
    if (done.state !== 'succeeded') throw new Error(`sweep ended ${done.state}: ${JSON.stringify(done.counts)}`);
    return (VARIANTS * EPOCHS) / ((performance.now() - started) / 1000);
  } finally {
    await server.stop();
    for (const process of extra.reverse()) await process.stop();
    await rm(root, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cores = availableParallelism();
const scenarios = [
  { mode: 'sequential', label: `one after the other (WORKBENCH_MAX_JOBS=1, ${cores} thread(s))` },
  { mode: 'embedded', label: `embedded queue (${defaultMaxJobs()} slot(s), ${threadsPerJob(defaultMaxJobs())} thread(s) each)` },
  { mode: 'redis', label: 'Redis, two workers (1 job, 1 thread each)' },
] as const;

console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; a sweep of ${VARIANTS} p = 113 runs of ${EPOCHS} epochs, median of ${ROUNDS} round(s)`,
);
const results = new Map<string, number>();
for (const { mode, label } of scenarios) {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await sweep(mode));
  const throughput = median(rounds);
  results.set(mode, throughput);
  const perHour = (throughput * 3600) / FULL_RUN;
  console.log(
    `${label.padEnd(58)} ${throughput.toFixed(2)} epochs/s  ${perHour.toFixed(2)} variants/h at 25,000 epochs  (rounds: ${rounds.map((r) => r.toFixed(2)).join(', ')})`,
  );
}
const base = results.get('sequential')!;
console.log(
  `embedded queue against one after the other: ${(results.get('embedded')! / base).toFixed(2)}×; Redis workers: ${(results.get('redis')! / base).toFixed(2)}×`,
);
