/**
 * Is the HTTP server responsive while a job trains? Starts the real server on a temporary
 * results folder, times GET /api/families (reads family files and answers JSON) idle, then
 * while a p = 113 training job runs in its job process. Prints medians and 95th percentiles.
 *
 *   npm run bench:server
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../e2e/helpers/server.ts';

const SAMPLES = 200;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function latencies(url: string): Promise<{ median: number; p95: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 0.5), p95: percentile(times, 0.95), max: times.at(-1)! };
}

const format = (l: { median: number; p95: number; max: number }) =>
  `median ${l.median.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`;

const resultsDir = await mkdtemp(join(tmpdir(), 'workbench-bench-server-'));
const server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });
try {
  const probe = `${server.url}/api/families`;
  await latencies(probe); // warm-up
  console.log(`idle:             GET /api/families ${format(await latencies(probe))} (${SAMPLES} requests)`);

  const response = await fetch(`${server.url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'train',
      family: 'modulo_addition_1layer',
      params: { prime: 113, seed: 999 },
      training: { num_epochs: 100_000 },
    }),
  });
  const job = (await response.json()) as { id: string };
  await new Promise((resolve) => setTimeout(resolve, 8000)); // let training reach full speed
  const during = await latencies(probe);
  const status = (await (await fetch(`${server.url}/api/jobs/${job.id}`)).json()) as {
    state: string;
    progress: { epoch?: number; msPerEpoch?: number };
  };
  console.log(`during training:  GET /api/families ${format(during)} (${SAMPLES} requests)`);
  console.log(`  the job was ${status.state} at epoch ${status.progress.epoch} (${status.progress.msPerEpoch?.toFixed(1)} ms/epoch)`);
  await fetch(`${server.url}/api/jobs/${job.id}/cancel`, { method: 'POST' });
} finally {
  await server.stop();
  await rm(resultsDir, { recursive: true, force: true });
}
