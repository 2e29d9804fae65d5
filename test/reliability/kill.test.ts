/**
 * The server killed with SIGKILL at a random (seeded) moment of a job, then restarted on the same
 * results folder:
 * - its job processes die with it (no process carrying its environment tag survives);
 * - every file under the results folder parses (JSON, whole safetensors); hidden temporaries of
 *   interrupted writes may remain, but the next job on the variant removes them;
 * - the job is `interrupted`, the variant `incomplete` (training) or still analyzable (analysis);
 * - training again (overwrite) succeeds; analyzing again completes, and its artifacts are bitwise
 *   those of an uninterrupted analysis of the same variant trained separately on another server
 *   with the same settings.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../server/storage/path-exists.ts';
import type { VariantsResponse, VariantSummary } from '../../shared/api.ts';
import type { JobRecord } from '../../shared/jobs.ts';
import { checkFiles, compareArtifacts, FAMILY, isTemporary, listTree } from './helpers/files.ts';
import { json, post } from './helpers/http.ts';
import { LONG, REPLAY, report, seedFor } from './helpers/mode.ts';
import { Rng } from './helpers/prng.ts';
import { getJob, makeResultsDir, startJob, startWorkbench, taggedProcesses, waitForJob, type Workbench } from './helpers/workbench.ts';

const TRAIN_TRIALS = LONG ? 12 : 3;
const ANALYSIS_TRIALS = LONG ? 10 : 2;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function variantSummary(server: Workbench, variant: string): Promise<VariantSummary | undefined> {
  return (await json<VariantsResponse>(server.url, `/api/families/${FAMILY}/variants`)).variants.find((v) => v.name === variant);
}

/** Temporaries under one variant's folder. */
async function temporariesOf(resultsDir: string, variant: string): Promise<string[]> {
  return (await listTree(join(resultsDir, FAMILY, variant))).filter(isTemporary);
}

/** Processes of the server at the moment of the kill, by kind ("job-worker", "flatness-worker", ...). */
const killedKinds = new Map<string, number>();

/** Kills the server, checks no process of it survives and every file parses; returns the temporaries left. */
async function killAndCheck(server: Workbench): Promise<string[]> {
  // The tag must find the server and its job process, or "no orphans" below would prove nothing.
  const running = await taggedProcesses(server.tag);
  for (const { command } of running) {
    const kind = /([\w-]+)\.ts$/.exec(command)?.[1] ?? (command || '(no command line)');
    killedKinds.set(kind, (killedKinds.get(kind) ?? 0) + 1);
  }
  expect(running.map((p) => p.pid)).toContain(server.process.pid);
  expect(
    running.some((p) => p.command.includes('job-worker')),
    `no job process among ${JSON.stringify(running)}`,
  ).toBe(true);
  const orphans = await server.kill9();
  expect(orphans, 'processes of the killed server still running 5 s later').toEqual([]);
  const files = await checkFiles(server.resultsDir);
  expect(files.problems, 'files that do not parse after the kill').toEqual([]);
  return files.temporaries;
}

async function expectInterrupted(server: Workbench, id: string): Promise<void> {
  const job = await getJob(server.url, id);
  expect(job.state).toBe('interrupted');
  expect(job.finishedAt).toBeDefined();
  const onDisk = JSON.parse(await readFile(join(server.resultsDir, '.jobs', `${id}.json`), 'utf8')) as JobRecord;
  expect(onDisk.state).toBe('interrupted');
}

/** Milliseconds from an accepted job to its end on this server. */
async function timeJob(server: Workbench, body: unknown): Promise<{ job: JobRecord; ms: number }> {
  const started = performance.now();
  const job = await waitForJob(server.url, (await startJob(server.url, body)).id);
  return { job, ms: performance.now() - started };
}

describe('a server killed with SIGKILL', () => {
  it(`during training: ${TRAIN_TRIALS} trials`, async () => {
    const seed = seedFor('kill during training');
    const rng = new Rng(seed);
    const results = await makeResultsDir('kill-train');
    cleanups.push(results.remove);
    let server = await startWorkbench(results.dir);
    cleanups.push(() => server.shutdown());
    const trainBody = (seedValue: number, overwrite = false) => ({
      kind: 'train',
      family: FAMILY,
      params: { prime: 23, seed: seedValue },
      training: { num_epochs: 300, checkpoint_epochs: [0, 30, 60, 90, 120, 150, 180, 210, 240, 270] },
      overwrite,
    });
    // How long one run takes here, from its 202 to its end: the kills fall within it.
    const { ms: runMs } = await timeJob(server, trainBody(1));
    const lines = [`seed ${seed}; one uninterrupted run takes ${runMs.toFixed(0)} ms from its 202`];
    let trials = 0;
    for (let attempt = 0; trials < TRAIN_TRIALS && attempt < TRAIN_TRIALS * 3; attempt++) {
      const variantSeed = 100 + attempt;
      const job = await startJob(server.url, trainBody(variantSeed));
      const delay = rng.range(0, runMs * 0.95);
      await sleep(delay);
      if ((await getJob(server.url, job.id)).state !== 'running') {
        lines.push(`attempt ${attempt}: the run ended before the kill at ${delay.toFixed(0)} ms; not counted`);
        continue;
      }
      const temporaries = await killAndCheck(server);
      const checkpointsAtKill = (await listTree(join(results.dir, FAMILY, job.variant, 'checkpoints'))).filter(
        (f) => !isTemporary(f),
      ).length;
      // metadata.json is written last: killed after it (before the server recorded the job's success), the run is complete.
      const completeAtKill = await pathExists(join(results.dir, FAMILY, job.variant, 'metadata.json'));
      server = await startWorkbench(results.dir);
      await expectInterrupted(server, job.id);

      // Checkpoints without metadata.json: incomplete. Killed before the first one: no variant yet (or untrained).
      const variant = await variantSummary(server, job.variant);
      if (completeAtKill) expect(variant?.state).toBe('trained');
      else if (checkpointsAtKill > 0) expect(variant?.state).toBe('incomplete');
      else expect(variant === undefined || variant.state === 'untrained', `variant state ${variant?.state}`).toBe(true);

      if (variant && variant.state !== 'untrained') expect((await post(server.url, '/api/jobs', trainBody(variantSeed))).status).toBe(409);
      const again = await waitForJob(server.url, (await startJob(server.url, trainBody(variantSeed, checkpointsAtKill > 0))).id);
      expect(again.state, again.error).toBe('succeeded');
      expect((await variantSummary(server, job.variant))?.state).toBe('trained');
      expect(await temporariesOf(results.dir, job.variant), 'temporaries left in the variant after the new run').toEqual([]);
      const files = await checkFiles(results.dir);
      expect(files.problems).toEqual([]);
      lines.push(
        `trial ${trials}: killed ${delay.toFixed(0)} ms after the 202 with ${checkpointsAtKill} checkpoints written${completeAtKill ? ' and metadata.json (the run was complete)' : ''} and ${temporaries.length} temporaries (${temporaries.map((t) => t.split('/').pop()).join(', ') || 'none'})`,
      );
      trials++;
    }
    report('kill -9 during training', lines);
    expect(trials, `replay with ${REPLAY}`).toBe(TRAIN_TRIALS);
    expect(await server.shutdown()).toEqual([]);
    const left = (await checkFiles(results.dir)).temporaries;
    report('kill -9 during training: temporaries at the end', [left.length === 0 ? 'none' : left.join(', ')]);
    expect(
      left.filter((path) => !path.startsWith('.jobs/')),
      'temporaries outside the job records',
    ).toEqual([]);
  });

  it(`during analysis: ${ANALYSIS_TRIALS} trials, each completed afterwards and compared bitwise with an uninterrupted analysis`, async () => {
    const seed = seedFor('kill during analysis');
    const rng = new Rng(seed);
    const trial = await makeResultsDir('kill-analysis');
    const reference = await makeResultsDir('kill-analysis-reference');
    cleanups.push(trial.remove, reference.remove);
    // One job at a time: the job gets both cores' OpenBLAS threads, so landscape_flatness runs in a
    // helper process (flatness-pool.ts), which the kill must take down too. Both servers alike.
    const settings = { WORKBENCH_MAX_JOBS: '1' };
    let server = await startWorkbench(trial.dir, settings);
    const referenceServer = await startWorkbench(reference.dir, settings);
    cleanups.push(
      () => server.shutdown(),
      () => referenceServer.shutdown(),
    );

    // The same variant trained on both servers (same settings, so the same arithmetic).
    const body = {
      kind: 'train',
      family: FAMILY,
      params: { prime: 23, seed: 7 },
      training: { num_epochs: 200, checkpoint_epochs: [0, 50, 100, 150] },
    };
    const [trained, trainedReference] = await Promise.all([timeJob(server, body), timeJob(referenceServer, body)]);
    expect(trained.job.state).toBe('succeeded');
    expect(trainedReference.job.state).toBe('succeeded');
    const variant = trained.job.variant;
    const variantDir = (dir: string) => join(dir, FAMILY, variant);
    expect(
      await compareArtifacts(join(variantDir(trial.dir), 'checkpoints'), join(variantDir(reference.dir), 'checkpoints')),
      'the two trainings differ',
    ).toEqual([]);

    const analyze = { kind: 'analyze', family: FAMILY, variant };
    const { job: referenceJob, ms: runMs } = await timeJob(referenceServer, analyze);
    expect(referenceJob.state).toBe('succeeded');
    expect(await referenceServer.shutdown()).toEqual([]);
    const lines = [`seed ${seed}; the uninterrupted analysis takes ${runMs.toFixed(0)} ms from its 202`];

    let trials = 0;
    for (let attempt = 0; trials < ANALYSIS_TRIALS && attempt < ANALYSIS_TRIALS * 3; attempt++) {
      await rm(join(variantDir(trial.dir), 'artifacts'), { recursive: true, force: true });
      const job = await startJob(server.url, analyze);
      const delay = rng.range(0, runMs * 0.85);
      await sleep(delay);
      if ((await getJob(server.url, job.id)).state !== 'running') {
        lines.push(`attempt ${attempt}: the analysis ended before the kill at ${delay.toFixed(0)} ms; not counted`);
        expect(await compareArtifacts(join(variantDir(trial.dir), 'artifacts'), join(variantDir(reference.dir), 'artifacts'))).toEqual([]);
        continue;
      }
      const temporaries = await killAndCheck(server);
      const filesAtKill = (await listTree(join(variantDir(trial.dir), 'artifacts'))).filter(
        (f) => f.endsWith('.safetensors') && !isTemporary(f),
      ).length;
      server = await startWorkbench(trial.dir, settings);
      await expectInterrupted(server, job.id);
      const state = (await variantSummary(server, variant))?.state;
      expect(['trained', 'analyzed'], `variant state ${state}`).toContain(state);

      const again = await waitForJob(server.url, (await startJob(server.url, analyze)).id);
      expect(again.state, again.error).toBe('succeeded');
      expect(await temporariesOf(trial.dir, variant), 'temporaries left in the variant after the new analysis').toEqual([]);
      expect((await checkFiles(trial.dir)).problems).toEqual([]);
      const differences = await compareArtifacts(join(variantDir(trial.dir), 'artifacts'), join(variantDir(reference.dir), 'artifacts'));
      expect(differences, `the resumed analysis differs from the uninterrupted one (replay with ${REPLAY})`).toEqual([]);
      lines.push(
        `trial ${trials}: killed ${delay.toFixed(0)} ms after the 202 with ${filesAtKill} artifact files written and ${temporaries.length} temporaries; resumed analysis identical`,
      );
      trials++;
    }
    lines.push(
      `processes killed over all kills of this file so far, by kind: ${[...killedKinds].map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
    );
    report('kill -9 during analysis', lines);
    expect(trials, `replay with ${REPLAY}`).toBe(ANALYSIS_TRIALS);
    expect(await server.shutdown()).toEqual([]);
  });

  it('a variant left with only a temporary (killed in its first write) trains again without overwrite', async () => {
    const results = await makeResultsDir('kill-first-write');
    cleanups.push(results.remove);
    // What a kill between the first checkpoint's write and its rename leaves: checkpoints/ holding a
    // hidden temporary of a process that no longer runs.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const variant = `${FAMILY}_p5_seed4242`;
    const checkpoints = join(results.dir, FAMILY, variant, 'checkpoints');
    await mkdir(checkpoints, { recursive: true });
    await writeFile(join(checkpoints, `.checkpoint_epoch_00000.safetensors.${dead}.0badf00d.tmp`), 'half a checkpoint');
    const server = await startWorkbench(results.dir);
    cleanups.push(() => server.shutdown());
    expect((await variantSummary(server, variant))?.state).toBe('untrained');
    const job = await waitForJob(
      server.url,
      (await startJob(server.url, { kind: 'train', family: FAMILY, params: { prime: 5, seed: 4242 }, training: { num_epochs: 5 } })).id,
    );
    expect(job.state, job.error).toBe('succeeded');
    expect(await temporariesOf(results.dir, variant)).toEqual([]);
    expect(await server.shutdown()).toEqual([]);
  });
});
