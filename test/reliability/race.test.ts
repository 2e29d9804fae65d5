/**
 * Simultaneous job requests against the real server, each on its own connection:
 * - 20 requests training the same new variant: exactly one accepted, the 19 others refused with
 *   409 naming the accepted job (`job <id>`);
 * - with WORKBENCH_MAX_JOBS=2, 10 requests for 10 new variants: all accepted, queued in a line, at most 2 running at once;
 * and afterwards one variant folder and one job record per accepted job, none for a refused one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../shared/jobs.ts';
import { errorFormatProblem } from './helpers/api-format.ts';
import { FAMILY, listTree } from './helpers/files.ts';
import { request, type Reply } from './helpers/http.ts';
import { LONG, report, seedFor } from './helpers/mode.ts';
import { Rng } from './helpers/prng.ts';
import { makeResultsDir, startWorkbench, waitForJob, type Workbench } from './helpers/workbench.ts';

const ROUNDS = LONG ? 10 : 2;

let results: Awaited<ReturnType<typeof makeResultsDir>>;
let server: Workbench;
/** Every job accepted in this file. */
const accepted: JobRecord[] = [];

beforeAll(async () => {
  results = await makeResultsDir('race');
  server = await startWorkbench(results.dir, { WORKBENCH_MAX_JOBS: '2' });
});

afterAll(async () => {
  const orphans = await server?.shutdown();
  expect(orphans ?? [], 'processes of the server still running after it stopped').toEqual([]);
  await results?.remove();
});

/** Sends all bodies at once, each on a new connection. */
function together(bodies: unknown[]): Promise<Reply[]> {
  return Promise.all(bodies.map((body) => request(server.url, '/api/jobs', { method: 'POST', body: JSON.stringify(body), agent: false })));
}

/** The variant folders and job records on disk are exactly those of the accepted jobs. */
async function expectFilesOfAcceptedJobsOnly(): Promise<void> {
  const folders = (await listTree(`${results.dir}/${FAMILY}`)).filter((path) => !path.includes('/'));
  expect(folders.sort(), 'variant folders').toEqual([...new Set(accepted.map((job) => job.variant))].sort());
  const records = (await listTree(`${results.dir}/.jobs`)).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  expect(records.sort(), 'job records').toEqual(accepted.map((job) => `${job.id}.json`).sort());
}

describe('simultaneous job requests', () => {
  it(`20 requests training the same new variant: one accepted, 19 refused naming it (${ROUNDS} rounds)`, async () => {
    const rng = new Rng(seedFor('race same variant'));
    const spreads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const body = {
        kind: 'train',
        family: FAMILY,
        params: { prime: 7, seed: rng.int(0, 1e6) },
        training: { num_epochs: 60, checkpoint_epochs: [0, 30] },
      };
      const started = performance.now();
      const replies = await together(Array.from({ length: 20 }, () => body));
      spreads.push(performance.now() - started);
      const statuses = replies.map((reply) => reply.status);
      expect(
        statuses.filter((status) => status === 202),
        `statuses of round ${round}: ${statuses}`,
      ).toHaveLength(1);
      const job = JSON.parse(replies.find((reply) => reply.status === 202)!.text) as JobRecord;
      accepted.push(job);
      for (const reply of replies.filter((r) => r.status !== 202)) {
        expect(reply.status, reply.text).toBe(409);
        expect(errorFormatProblem(reply, 'POST')).toBeUndefined();
        expect((JSON.parse(reply.text) as { error: { message: string } }).error.message).toContain(`job ${job.id}`);
      }
      expect((await waitForJob(server.url, job.id)).state).toBe('succeeded');
      await expectFilesOfAcceptedJobsOnly();
    }
    report('same-variant race', [
      `${ROUNDS} rounds of 20 requests; all answered within ${spreads.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`,
    ]);
  });

  it(`with WORKBENCH_MAX_JOBS=2, 10 requests for 10 new variants: all queued in a line, at most 2 run at once (${ROUNDS} rounds)`, async () => {
    const rng = new Rng(seedFor('race job limit'));
    const acceptedPerRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const seeds = new Set<number>();
      while (seeds.size < 10) seeds.add(rng.int(0, 1e6));
      const bodies = [...seeds].map((seed) => ({
        kind: 'train',
        family: FAMILY,
        params: { prime: 5, seed },
        training: { num_epochs: 5, checkpoint_epochs: [0] },
      }));
      const replies = await together(bodies);
      expect(
        replies.map((reply) => reply.status),
        replies.map((r) => r.text).join('\n'),
      ).toEqual(Array(10).fill(202));
      const jobs = replies.map((reply) => JSON.parse(reply.text) as JobRecord);
      acceptedPerRound.push(jobs.length);
      expect(jobs.filter((job) => job.state === 'running').length).toBeLessThanOrEqual(2);
      for (const job of jobs.filter((job) => job.state === 'queued')) expect(job.queuePosition).toBeGreaterThanOrEqual(1);
      accepted.push(...jobs);
      const ended = await Promise.all(jobs.map((job) => waitForJob(server.url, job.id)));
      expect(ended.map((job) => job.state)).toEqual(Array(10).fill('succeeded'));
      // First in, first out: in the order they joined the queue, the jobs started in order.
      const byQueue = [...ended].sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id));
      expect(byQueue.map((job) => job.startedAt)).toEqual(byQueue.map((job) => job.startedAt).sort());
      // Never more than two running at once: count the runs that overlap each start.
      for (const job of ended) {
        const overlapping = ended.filter((other) => other.startedAt! <= job.startedAt! && other.finishedAt! > job.startedAt!);
        expect(overlapping.length, `jobs running when ${job.id} started`).toBeLessThanOrEqual(2);
      }
      await expectFilesOfAcceptedJobsOnly();
    }
    report('job-limit race', [`accepted per round of 10: ${acceptedPerRound.join(', ')}`]);
  });
});
