/**
 * The server's responsiveness seen from outside: a worker thread (its own event loop, so this
 * process's work does not count) asks GET /api/version over and over while a test runs. A server
 * whose event loop is blocked answers late.
 *
 * A slow answer can also mean the machine is busy (other jobs, other test runs). So the worker
 * asks a control server too, a bare node:http server in its own process, right after each probe:
 * what the workbench takes beyond the control at the same moment is its own delay.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';

export interface LatencySample {
  /** When it was sent, ms since the epoch (comparable across threads). */
  at: number;
  ms: number;
  /** The control server's round trip right after. */
  controlMs: number;
  /** Status, or 0 when the request failed or timed out. */
  status: number;
}

const CONTROL = `
const server = require('node:http').createServer((req, res) => res.end('{"version":"control"}'));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { host, port, controlPort, intervalMs, timeoutMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const controlAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples = [];
let running = true;
parentPort.on('message', () => (running = false));
const once = (port, path, agent) => new Promise((resolve) => {
  const t0 = performance.now();
  const done = (status) => { clearTimeout(timer); resolve({ at: performance.timeOrigin + t0, ms: performance.now() - t0, status }); };
  const req = http.get({ host, port, path, agent }, (res) => { res.resume(); res.on('end', () => done(res.statusCode)); res.on('error', () => done(0)); });
  const timer = setTimeout(() => { req.destroy(); done(0); }, timeoutMs);
  req.on('error', () => done(0));
});
(async () => {
  while (running) {
    const probe = await once(port, '/api/version', agent);
    const control = await once(controlPort, '/', controlAgent);
    samples.push({ ...probe, controlMs: control.ms });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  agent.destroy();
  controlAgent.destroy();
  parentPort.postMessage(samples);
})();
`;

export interface Prober {
  stop(): Promise<LatencySample[]>;
}

export async function startProber(base: string, intervalMs = 20, timeoutMs = 10_000): Promise<Prober> {
  const url = new URL(base);
  const control: ChildProcess = spawn(process.execPath, ['-e', CONTROL], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const controlPort = await new Promise<number>((resolve, reject) => {
    control.once('message', (port) => resolve(port as number));
    control.once('error', reject);
    control.once('exit', (code) => reject(new Error(`the control server exited (${code}) before it listened`)));
  });
  const worker = new Worker(PROBER, {
    eval: true,
    workerData: { host: url.hostname, port: Number(url.port), controlPort, intervalMs, timeoutMs },
  });
  const result = new Promise<LatencySample[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const samples = await result;
      await worker.terminate();
      control.kill();
      return samples;
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** "n = …, median …, p90 …, p99 …, max … ms" of a list of durations. */
export function summarize(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(1);
  return `n = ${sorted.length}, median ${f(percentile(sorted, 50))} ms, p90 ${f(percentile(sorted, 90))} ms, p99 ${f(percentile(sorted, 99))} ms, max ${f(sorted.at(-1) ?? NaN)} ms`;
}

/** Counts per bucket: "< 5 ms: 120, 5–10 ms: 30, …". */
export function histogram(values: readonly number[], bounds = [5, 10, 20, 50, 100, 200, 500, 1000]): string {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const value of values) {
    const i = bounds.findIndex((bound) => value < bound);
    counts[i === -1 ? bounds.length : i]!++;
  }
  return counts
    .map(
      (count, i) =>
        `${i === 0 ? `< ${bounds[0]}` : i === bounds.length ? `≥ ${bounds.at(-1)}` : `${bounds[i - 1]}–${bounds[i]}`} ms: ${count}`,
    )
    .join(', ');
}

/** Now, in ms since the epoch, as the samples' `at`. */
export const wallClock = () => performance.timeOrigin + performance.now();

/** What the test was doing from `start` to `end` (wallClock times): the slowest probes name what overlapped them. */
export interface Activity {
  start: number;
  end: number;
  label: string;
}

/** The activity overlapping a sample. */
function during(sample: LatencySample, activity: readonly Activity[]): string {
  const labels = activity.filter((a) => a.start < sample.at + sample.ms && a.end > sample.at).map((a) => a.label);
  return labels.join(' | ').slice(0, 400) || 'no request of the test';
}

/**
 * The figures of a probing, and the failures of the bound: the workbench's delay beyond the control
 * under `maxExcessMs`. The long form also names the requests in flight during the slowest probes.
 */
export function judgeLatency(
  samples: readonly LatencySample[],
  maxExcessMs: number,
  long: boolean,
  activity: readonly Activity[] = [],
): { lines: string[]; failures: string[] } {
  const ms = samples.map((s) => s.ms);
  const excess = samples.map((s) => Math.max(0, s.ms - s.controlMs));
  const lines = [
    `GET /api/version: ${summarize(ms)}`,
    `control server at the same moments: ${summarize(samples.map((s) => s.controlMs))}`,
    `GET /api/version beyond the control: ${summarize(excess)}`,
  ];
  if (long) {
    lines.push(`GET /api/version histogram: ${histogram(ms)}`, `beyond the control histogram: ${histogram(excess)}`);
    for (const sample of [...samples].sort((a, b) => b.ms - b.controlMs - (a.ms - a.controlMs)).slice(0, 5)) {
      lines.push(`  ${(sample.ms - sample.controlMs).toFixed(0)} ms beyond the control, during: ${during(sample, activity)}`);
    }
  }
  const failures: string[] = [];
  const failed = samples.filter((s) => s.status !== 200);
  if (failed.length > 0) failures.push(`${failed.length} GET /api/version failed (statuses ${failed.map((s) => s.status).join(', ')})`);
  const worst = samples.reduce<LatencySample | undefined>((w, s) => (!w || s.ms - s.controlMs > w.ms - w.controlMs ? s : w), undefined);
  if (worst && worst.ms - worst.controlMs >= maxExcessMs) {
    failures.push(
      `GET /api/version took ${worst.ms.toFixed(0)} ms while the control took ${worst.controlMs.toFixed(0)} ms: the event loop was blocked about ${(worst.ms - worst.controlMs).toFixed(0)} ms, during ${during(worst, activity)}`,
    );
  }
  return { lines, failures };
}
