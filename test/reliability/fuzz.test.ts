/**
 * Fuzzing the real server: mutated job bodies for POST /api/jobs and mangled URLs for every route.
 *
 * Every reply must be: below 500; within the request deadline; for an /api URL that failed, JSON
 * in the API's one error format with the HTTP status; and a refused request must have written
 * nothing (the results folder, minus the folders and records of accepted jobs, is unchanged).
 * Accepted jobs run (or are cancelled) and must end succeeded or cancelled, never failed: the API
 * accepted them. Meanwhile a worker thread times GET /api/version to see whether the server's event
 * loop is ever blocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../shared/jobs.ts';
import { MAX_BODY_BYTES } from '../../server/http/guard.ts';
import { errorFormatProblem, isApiPath } from './helpers/api-format.ts';
import { checkFiles, FAMILY, snapshot, snapshotChanges } from './helpers/files.ts';
import { bodyCase, systematicCases, type BodyCase } from './helpers/fuzz-bodies.ts';
import { urlCase } from './helpers/fuzz-urls.ts';
import { request, resentAfterIdleClose, shorten, type Reply } from './helpers/http.ts';
import { judgeLatency, startProber, summarize, wallClock, type Activity } from './helpers/latency.ts';
import { LONG, REPLAY, report, seedFor } from './helpers/mode.ts';
import { Rng } from './helpers/prng.ts';
import { makeResultsDir, startJob, startWorkbench, waitForJob, type Workbench } from './helpers/workbench.ts';

const BODY_CASES = LONG ? 10_000 : 1000;
const URL_CASES = LONG ? 5000 : 500;
/** A blocked event loop shows as a GET /api/version slower than the control server's; generous, the figures are printed. */
const MAX_EXCESS_MS = 1000;

/** The trained (not analyzed) variant analyze bodies name, and the analyzed one the URLs read. */
const TRAINED = `${FAMILY}_p5_seed1`;
const ANALYZED = `${FAMILY}_p13_seed424242`;
const ANALYZED_EPOCHS = [0, 10, 20, 29];

const POST_JOB_STATUSES = new Set([202, 400, 403, 404, 409, 413, 415]);

let results: Awaited<ReturnType<typeof makeResultsDir>>;
let server: Workbench;
/** Jobs the fuzzing got accepted (202), by id. */
const accepted = new Map<string, JobRecord>();

beforeAll(async () => {
  results = await makeResultsDir('fuzz');
  server = await startWorkbench(results.dir);
  const [trained, analyzed] = await Promise.all([
    startJob(server.url, {
      kind: 'train',
      family: FAMILY,
      params: { prime: 5, seed: 1 },
      training: { num_epochs: 5, checkpoint_epochs: [0, 2] },
    }),
    startJob(server.url, {
      kind: 'train',
      family: FAMILY,
      params: { prime: 13, seed: 424242 },
      training: { num_epochs: 30, checkpoint_epochs: ANALYZED_EPOCHS },
    }),
  ]);
  expect((await waitForJob(server.url, trained.id)).state).toBe('succeeded');
  expect((await waitForJob(server.url, analyzed.id)).state).toBe('succeeded');
  const analysis = await startJob(server.url, { kind: 'analyze', family: FAMILY, variant: ANALYZED });
  expect((await waitForJob(server.url, analysis.id)).state).toBe('succeeded');
});

afterAll(async () => {
  const orphans = await server?.shutdown();
  expect(orphans ?? [], 'processes of the server still running after it stopped').toEqual([]);
  await results?.remove();
});

/** What a reply did wrong, if anything, beyond the status check of the caller. */
function replyProblems(reply: Reply, method: string, path: string): string[] {
  const problems: string[] = [];
  if (reply.status >= 500) problems.push(`status ${reply.status}: ${shorten(reply.text, 300)}`);
  if (isApiPath(path) && reply.status >= 400) {
    const problem = errorFormatProblem(reply, method);
    if (problem) problems.push(`status ${reply.status} not in the error format: ${problem}`);
  }
  return problems;
}

function countBy<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

describe('fuzzing the API of the real server', () => {
  it(`${URL_CASES} mangled URLs over every route`, async () => {
    const seed = seedFor('fuzz urls');
    const rng = new Rng(seed);
    const jobs = (JSON.parse((await request(server.url, '/api/jobs')).text) as { jobs: JobRecord[] }).jobs;
    const context = {
      variant: ANALYZED,
      analyzers: ['attention_freq', 'dominant_frequencies', 'neuron_activations', 'landscape_flatness', 'coarseness', 'parameter_snapshot'],
      crossAnalyzers: ['parameter_trajectory'],
      epochs: ANALYZED_EPOCHS,
      jobIds: [...jobs.slice(0, 5).map((job) => job.id), '20260101000000-deadbeef', 'x'],
    };
    const failures: string[] = [];
    const replies: { status: number; ms: number; api: boolean }[] = [];
    const activity: Activity[] = [];
    const prober = await startProber(server.url);
    const started = performance.now();
    for (let i = 0; i < URL_CASES; i++) {
      const fuzz = urlCase(rng, context);
      const label = `case ${i} (seed ${seed}): ${fuzz.method} ${shorten(fuzz.path, 200)} [${fuzz.steps.join(' → ')}]`;
      const before = await snapshot(results.dir);
      let reply: Reply;
      const sent = wallClock();
      try {
        reply = await request(server.url, fuzz.path, { method: fuzz.method, body: fuzz.body });
      } catch (error) {
        failures.push(`${label}: ${(error as Error).message}`);
        continue;
      }
      activity.push({
        start: sent,
        end: wallClock(),
        label: `${fuzz.method} ${shorten(fuzz.path, 120)} → ${reply.status}, ${reply.body.length} B`,
      });
      replies.push({ status: reply.status, ms: reply.ms, api: isApiPath(fuzz.path) });
      const problems = replyProblems(reply, fuzz.method, fuzz.path);
      if (reply.status === 202) problems.push(`a mangled URL started or cancelled something: ${shorten(reply.text, 200)}`);
      const changes = snapshotChanges(before, await snapshot(results.dir));
      if (changes.length > 0) problems.push(`the results folder changed: ${changes.slice(0, 5).join('; ')}`);
      for (const problem of problems) failures.push(`${label}: ${problem}`);
      if (failures.length > 20) break;
    }
    const elapsed = (performance.now() - started) / 1000;
    const latency = judgeLatency(await prober.stop(), MAX_EXCESS_MS, LONG, activity);
    report('URL fuzzing', [
      `seed ${seed}; ${replies.length} requests in ${elapsed.toFixed(1)} s (${replies.filter((r) => r.api).length} under /api)`,
      `statuses: ${countBy(replies, (r) => String(r.status))}`,
      `round trips: ${summarize(replies.map((r) => r.ms))}`,
      ...latency.lines,
    ]);
    expect(failures, `replay with ${REPLAY}`).toEqual([]);
    expect(latency.failures).toEqual([]);
  });

  it(`POST /api/jobs: ${BODY_CASES} mutated job bodies`, async () => {
    const seed = seedFor('fuzz job bodies');
    const rng = new Rng(seed);
    // Separate draws for what depends on the server's answers, so the cases depend on the seed alone.
    const cancelRng = rng.fork();
    let previous = 'none';
    /** Per connection (client port), the last case it carried: a lost connection names it. */
    const lastOn = new Map<number, string>();
    const failures: string[] = [];
    const replies: { status: number; ms: number; kind: string; bytes: number }[] = [];
    const activity: Activity[] = [];
    const touched = new Set<string>();
    /** The results folder minus what accepted jobs write: their variant folders and their records. */
    const untouched = (path: string) => {
      const [top, variant] = path.split('/');
      if (top === '.jobs') return ![...accepted.keys()].some((id) => path.includes(id));
      return !(top === FAMILY && variant !== undefined && touched.has(variant));
    };
    const variants = [TRAINED, TRAINED, ANALYZED, `${FAMILY}_p7_seed3`, `${FAMILY}_p5_seed999999`];
    const prober = await startProber(server.url);
    const started = performance.now();
    let snapshotMs = 0;

    const context = { base: server.url, variants };
    const systematic = systematicCases(context);
    for (let i = 0; i < BODY_CASES; i++) {
      const fuzz: BodyCase = i < systematic.length ? systematic[i]! : bodyCase(rng, context);
      const bytes = Buffer.byteLength(fuzz.body);
      const label = () => `case ${i} (seed ${seed}): ${fuzz.steps.join(' → ')} [the case before: ${previous}]`;
      const snapshotStart = performance.now();
      const before = await snapshot(results.dir, untouched);
      snapshotMs += performance.now() - snapshotStart;
      let reply: Reply;
      const sent = wallClock();
      try {
        reply = await request(server.url, '/api/jobs', { method: 'POST', body: fuzz.body, headers: fuzz.headers });
      } catch (error) {
        const port = (error as { localPort?: number }).localPort;
        const carried = port !== undefined ? lastOn.get(port) : undefined;
        failures.push(`${label()}: ${(error as Error).message}${carried ? ` [that connection last carried case ${carried}]` : ''}`);
        previous = `${i}, no answer`;
        continue;
      }
      previous = `${i}, ${bytes} bytes, ${JSON.stringify(fuzz.headers)}, answered ${reply.status} with connection: ${reply.headers.connection}`;
      if (reply.localPort !== undefined) lastOn.set(reply.localPort, previous);
      activity.push({ start: sent, end: wallClock(), label: `case ${i} (${bytes} B) → ${reply.status}` });
      replies.push({ status: reply.status, ms: reply.ms, kind: bytes > MAX_BODY_BYTES ? 'oversized' : 'normal', bytes: reply.body.length });
      const problems = replyProblems(reply, 'POST', '/api/jobs');
      if (reply.status < 500 && !POST_JOB_STATUSES.has(reply.status))
        problems.push(`unexpected status ${reply.status}: ${shorten(reply.text, 300)}`);
      if (reply.status === 202) {
        const job = JSON.parse(reply.text) as JobRecord;
        accepted.set(job.id, job);
        touched.add(job.variant);
        // A long run (the default 25,000 epochs, a large prime) is cancelled at once; some short ones too.
        const asked = job.request as { kind: string; params?: { prime?: number }; training?: { num_epochs?: number } };
        const cost = asked.kind === 'train' ? (asked.training?.num_epochs ?? Infinity) * (asked.params?.prime ?? Infinity) ** 2 : 0;
        if (cost > 5000 || cancelRng.chance(0.25)) await request(server.url, `/api/jobs/${job.id}/cancel`, { method: 'POST' });
      } else {
        const changes = snapshotChanges(before, await snapshot(results.dir, untouched));
        if (changes.length > 0)
          problems.push(`refused with ${reply.status} but the results folder changed: ${changes.slice(0, 5).join('; ')}`);
      }
      for (const problem of problems) failures.push(`${label()}: ${problem}`);
      if (failures.length > 20) break;
    }
    const elapsed = (performance.now() - started) / 1000;

    const ends = await Promise.all([...accepted.keys()].map((id) => waitForJob(server.url, id)));
    // Accepted jobs run meanwhile: their starts and ends are activity too.
    for (const job of ends) {
      for (const [time, what] of [
        [job.startedAt, 'started'],
        [job.finishedAt, `ended ${job.state}`],
      ] as const) {
        if (time) activity.push({ start: Date.parse(time), end: Date.parse(time) + 50, label: `job ${job.id} ${what}` });
      }
    }
    const latency = judgeLatency(await prober.stop(), MAX_EXCESS_MS, LONG, activity);
    for (const job of ends) {
      if (job.state !== 'succeeded' && job.state !== 'cancelled')
        failures.push(
          `accepted job ${job.id} (${shorten(JSON.stringify(job.request), 200)}) ended ${job.state}: ${job.error ?? job.message}`,
        );
    }
    // A job's last record may still be being written when its state already reads ended: allow it a moment.
    let files = await checkFiles(results.dir);
    for (let wait = 0; files.temporaries.length > 0 && wait < 20; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      files = await checkFiles(results.dir);
    }
    for (const problem of files.problems) failures.push(`after the fuzzing: ${problem}`);
    if (files.temporaries.length > 0) failures.push(`after the fuzzing, temporaries left: ${files.temporaries.join(', ')}`);

    const lines = [
      `seed ${seed}; ${replies.length} requests (${systematic.length} systematic, the rest random) in ${elapsed.toFixed(1)} s (${(snapshotMs / 1000).toFixed(1)} s of it listing the results folder before each)`,
      `statuses: ${countBy(replies, (r) => String(r.status))}`,
      `accepted jobs: ${ends.length} (${countBy(ends, (job) => job.state) || 'none'})`,
      `fuzz request round trips: ${summarize(replies.filter((r) => r.kind === 'normal').map((r) => r.ms))}`,
      `largest reply: ${Math.max(...replies.map((r) => r.bytes)).toLocaleString('en-US')} bytes`,
      `requests sent again after the server closed their idle pooled connection: ${resentAfterIdleClose.length}${resentAfterIdleClose.length ? ` (idle ${resentAfterIdleClose.map((ms) => `${ms.toFixed(0)} ms`).join(', ')})` : ''}`,
      ...latency.lines,
    ];
    report('POST /api/jobs fuzzing', lines);

    expect(failures, `replay with ${REPLAY}`).toEqual([]);
    expect(latency.failures).toEqual([]);
  });
});
