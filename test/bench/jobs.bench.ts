/**
 * Do jobs share the cores well? Runs p = 113 trainings on the real server and prints the training
 * throughput (epochs per second over all jobs, median over rounds) of:
 *   - one job alone with every core's OpenBLAS threads (WORKBENCH_MAX_JOBS=1): one after the other;
 *   - one job alone with its default share of the cores;
 *   - two jobs at once with the default settings.
 * Two at once must never do less than one after the other.
 *
 *   npm run bench:jobs [-- --epochs 400 --rounds 3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobRecord } from '../../shared/jobs.ts';
import { defaultMaxJobs, threadsPerJob } from '../../server/jobs/cores.ts';
import { startServer } from '../e2e/helpers/server.ts';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' } } });
const EPOCHS = Number(values.epochs);
const ROUNDS = Number(values.rounds);

async function trainAll(maxJobs: number | undefined, seeds: number[]): Promise<number> {
  const resultsDir = await mkdtemp(join(tmpdir(), 'workbench-bench-jobs-'));
  const server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir, ...(maxJobs ? { WORKBENCH_MAX_JOBS: String(maxJobs) } : {}) });
  try {
    const started = performance.now();
    const ids = await Promise.all(
      seeds.map(async (seed) => {
        const response = await fetch(`${server.url}/api/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            kind: 'train',
            family: 'modulo_addition_1layer',
            params: { prime: 113, seed },
            training: { num_epochs: EPOCHS },
          }),
        });
        if (response.status !== 202) throw new Error(`job refused: ${response.status} ${await response.text()}`);
        return ((await response.json()) as JobRecord).id;
      }),
    );
    for (const id of ids) {
      for (;;) {
        const job = (await (await fetch(`${server.url}/api/jobs/${id}`)).json()) as JobRecord;
        if (job.state === 'succeeded') break;
        if (job.state !== 'running' && job.state !== 'queued') throw new Error(`job ${id} ended ${job.state}: ${job.error ?? job.message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return (seeds.length * EPOCHS) / ((performance.now() - started) / 1000);
  } finally {
    await server.stop();
    await rm(resultsDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cores = availableParallelism();
const scenarios = [
  { label: `one job alone, ${cores} OpenBLAS thread(s) (WORKBENCH_MAX_JOBS=1)`, maxJobs: 1, seeds: [1] },
  {
    label: `one job alone, default (${defaultMaxJobs()} slots, ${threadsPerJob(defaultMaxJobs())} thread(s) each)`,
    maxJobs: undefined,
    seeds: [1],
  },
  { label: 'two jobs at once, default', maxJobs: undefined, seeds: [1, 2] },
];
console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; p = 113, ${EPOCHS} epochs per job (with process start-up), median of ${ROUNDS} rounds`,
);
const throughput: number[] = [];
for (const { label, maxJobs, seeds } of scenarios) {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await trainAll(maxJobs, seeds));
  throughput.push(median(rounds));
  console.log(`${label.padEnd(64)} ${median(rounds).toFixed(2)} epochs/s  (rounds: ${rounds.map((r) => r.toFixed(2)).join(', ')})`);
}
console.log(`two at once against one after the other: ${(throughput[2]! / throughput[0]!).toFixed(2)}× the throughput`);
