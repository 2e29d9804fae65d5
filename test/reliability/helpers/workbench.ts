/** The real server on a temporary results folder, tagged so its processes can be found, and its jobs. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobRecord } from '../../../shared/jobs.ts';
import { startServer, type RunningServer } from '../../e2e/helpers/server.ts';
import { json, post, request, shorten } from './http.ts';
import { KEEP_FILES } from './mode.ts';
import { TAG_VARIABLE, taggedProcesses, waitUntilGone, type TaggedProcess } from './processes.ts';

export interface Workbench extends RunningServer {
  resultsDir: string;
  /** In the environment of the server and of every process it starts. */
  tag: string;
  /** SIGKILL, then waits for the server process to be gone; returns its processes still running after `graceMs`. */
  kill9(graceMs?: number): Promise<TaggedProcess[]>;
  /** SIGTERM (the normal shutdown); returns its processes still running after `graceMs`. */
  shutdown(graceMs?: number): Promise<TaggedProcess[]>;
}

/** Settings every reliability server shares, so results compare (OpenBLAS threads follow WORKBENCH_MAX_JOBS). */
export const SERVER_ENV = { WORKBENCH_MAX_JOBS: '2' };

export async function startWorkbench(resultsDir: string, env: Record<string, string> = {}): Promise<Workbench> {
  const tag = randomUUID();
  const server = await startServer({ ...SERVER_ENV, WORKBENCH_RESULTS_DIR: resultsDir, [TAG_VARIABLE]: tag, ...env });
  const exited = new Promise<void>((resolve) =>
    server.process.exitCode !== null || server.process.signalCode !== null ? resolve() : server.process.once('exit', () => resolve()),
  );
  return {
    ...server,
    resultsDir,
    tag,
    async kill9(graceMs = 5000) {
      server.process.kill('SIGKILL');
      await exited;
      return waitUntilGone(tag, graceMs);
    },
    async shutdown(graceMs = 5000) {
      await server.stop();
      await exited;
      return waitUntilGone(tag, graceMs);
    },
  };
}

export async function makeResultsDir(label: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `workbench-reliability-${label}-`));
  return {
    dir,
    remove: async () => {
      if (KEEP_FILES) console.log(`kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a job that must be accepted. */
export async function startJob(base: string, body: unknown): Promise<JobRecord> {
  const reply = await post(base, '/api/jobs', body);
  if (reply.status !== 202) throw new Error(`POST /api/jobs ${shorten(JSON.stringify(body))} answered ${reply.status}: ${reply.text}`);
  return JSON.parse(reply.text) as JobRecord;
}

export function getJob(base: string, id: string): Promise<JobRecord> {
  return json<JobRecord>(base, `/api/jobs/${id}`);
}

/** Polls until the job is no longer queued or running. */
export async function waitForJob(base: string, id: string, timeoutMs = 180_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(base, id);
    if (job.state !== 'running' && job.state !== 'queued') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still running after ${timeoutMs / 1000} s: ${job.message}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

/** Cancels a running job and waits for its end (a job that ended meanwhile is fine). */
export async function cancelJob(base: string, id: string): Promise<JobRecord> {
  await request(base, `/api/jobs/${id}/cancel`, { method: 'POST' });
  return waitForJob(base, id);
}

export async function runningJobs(base: string): Promise<JobRecord[]> {
  return (await json<{ jobs: JobRecord[] }>(base, '/api/jobs?state=running')).jobs;
}

export { taggedProcesses };
