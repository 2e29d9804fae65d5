/**
 * The job API through app.request, with real job processes training and analyzing small
 * variants on a temporary results folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiErrorBody } from '../../../shared/api.ts';
import type { JobRecord, JobsResponse } from '../../../shared/jobs.ts';
import { createApp } from '../../../server/app.ts';
import { availableBackends } from '../../../server/engine/gemm/gemm.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';
import { readSse } from '../../helpers/sse.ts';

const FAMILY = 'modulo_addition_1layer';
/** Small and quick: p = 11 for 60 epochs takes well under a second. */
const smallTrain = (overrides: Record<string, unknown> = {}) => ({
  kind: 'train',
  family: FAMILY,
  params: { prime: 11, seed: 1 },
  training: { num_epochs: 60, checkpoint_epochs: [0, 30] },
  ...overrides,
});

let wb: TempWorkbench;
let api: ReturnType<typeof createApp>;

beforeEach(async () => {
  wb = await makeTempWorkbench();
  api = createApp({ paths: wb, maxConcurrentJobs: 2 });
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  await api.jobs.close();
  vi.restoreAllMocks();
  await wb.cleanup();
});

const post = (body: unknown) =>
  api.app.request('/api/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function waitForEnd(id: string): Promise<JobRecord> {
  const events = await readSse(await api.app.request(`/api/jobs/${id}/events`), (e) => ['done', 'failed', 'cancelled'].includes(e.event));
  return events.at(-1)!.data as JobRecord;
}

/** Waits until the (only) variant's epoch-0 checkpoint is on disk. */
async function waitForFirstCheckpoint(): Promise<void> {
  await vi.waitFor(async () => {
    const variants = await (await api.app.request(`/api/families/${FAMILY}/variants`)).json();
    expect(variants.variants[0]?.checkpointEpochs).toEqual([0]);
  }, 20_000);
}

/** Everything under the results folder except the (empty) job-record folder. */
async function writtenFiles(): Promise<string[]> {
  const entries = await readdir(wb.resultsDir, { recursive: true });
  return entries.filter((entry) => entry !== '.jobs');
}

describe('POST /api/jobs refuses bad input with 400 naming the field, writing nothing', () => {
  it.each([
    ['invalid JSON', '{"kind": "train",', '(body)'],
    ['an unknown kind', { kind: 'bake', family: FAMILY }, 'kind'],
    ['no family', { kind: 'train' }, 'family'],
    ['a path-like family', { kind: 'train', family: '../x' }, 'family'],
    ['missing params', { kind: 'train', family: FAMILY }, 'params'],
    ['a string prime', smallTrain({ params: { prime: '11', seed: 1 } }), 'params.prime'],
    ['a non-prime p', smallTrain({ params: { prime: 12, seed: 1 } }), 'params.prime'],
    ['p out of range', smallTrain({ params: { prime: 1009, seed: 1 } }), 'params.prime'],
    ['a negative seed', smallTrain({ params: { prime: 11, seed: -3 } }), 'params.seed'],
    ['an unknown domain parameter', smallTrain({ params: { prime: 11, seed: 1, lr: 2 } }), 'params'],
    ['fraction 0', smallTrain({ training: { training_fraction: 0 } }), 'training.training_fraction'],
    ['fraction 1', smallTrain({ training: { training_fraction: 1 } }), 'training.training_fraction'],
    ['a huge epoch count', smallTrain({ training: { num_epochs: 1e9 } }), 'training.num_epochs'],
    ['zero epochs', smallTrain({ training: { num_epochs: 0 } }), 'training.num_epochs'],
    ['fractional epochs', smallTrain({ training: { num_epochs: 10.5 } }), 'training.num_epochs'],
    ['checkpoints as text', smallTrain({ training: { checkpoint_epochs: '0,10' } }), 'training.checkpoint_epochs'],
    ['a fractional checkpoint', smallTrain({ training: { num_epochs: 60, checkpoint_epochs: [0, 2.5] } }), 'training.checkpoint_epochs.1'],
    ['a checkpoint beyond the run', smallTrain({ training: { num_epochs: 60, checkpoint_epochs: [60] } }), 'training.checkpoint_epochs.0'],
    ['a negative checkpoint', smallTrain({ training: { num_epochs: 60, checkpoint_epochs: [-1] } }), 'training.checkpoint_epochs.0'],
    ['overwrite as text', smallTrain({ overwrite: 'yes' }), 'overwrite'],
    ['init_from as a path', smallTrain({ init_from: '/etc/passwd' }), 'init_from'],
    ['a path-like init_from variant', smallTrain({ init_from: { variant: '../x', epoch: 0 } }), 'init_from.variant'],
    ['a negative init_from epoch', smallTrain({ init_from: { variant: 'v', epoch: -1 } }), 'init_from.epoch'],
    ['an unknown field', smallTrain({ colour: 'red' }), '(body)'],
    ['a path-like variant', { kind: 'analyze', family: FAMILY, variant: '../../etc' }, 'variant'],
    ['an unknown analyzer', { kind: 'analyze', family: FAMILY, variant: 'v', analyzers: ['psychic'] }, 'analyzers.0'],
    ['an empty analyzer list', { kind: 'analyze', family: FAMILY, variant: 'v', analyzers: [] }, 'analyzers'],
    [
      'more analyzers than offered',
      { kind: 'analyze', family: FAMILY, variant: 'v', analyzers: Array(50).fill('parameter_snapshot') },
      'analyzers',
    ],
    [
      'more checkpoints than allowed',
      smallTrain({ training: { num_epochs: 300_000, checkpoint_epochs: Array.from({ length: 10_001 }, (_, i) => i) } }),
      'training.checkpoint_epochs',
    ],
  ])('%s', async (_, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ApiErrorBody;
    if (field !== '(body)') expect(error.fields?.map((f) => f.field)).toContain(field);
    expect(error.message).not.toMatch(/at .*\.ts:\d+/); // no stack traces
    expect(await writtenFiles()).toEqual([]);
  });

  it('reports the first ten bad checkpoints of a long list and counts the rest, at once', async () => {
    const epochs = Array.from({ length: 10_000 }, (_, i) => i);
    const started = performance.now();
    const { error } = (await (await post(smallTrain({ training: { num_epochs: 100, checkpoint_epochs: epochs } }))).json()) as ApiErrorBody;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.fields).toHaveLength(11);
    expect(error.fields![0]).toEqual({
      field: 'training.checkpoint_epochs.100',
      message: '100 is beyond the run; allowed: epochs 0 to 99',
    });
    expect(error.fields![10]).toEqual({ field: 'training.checkpoint_epochs', message: '9,890 more epochs are not allowed either' });
  });

  it('says what is allowed', async () => {
    const { error } = (await (await post(smallTrain({ params: { prime: 12, seed: 1 } }))).json()) as ApiErrorBody;
    expect(error.fields).toContainEqual({ field: 'params.prime', message: '12 is not a prime; allowed: a prime from 3 to 257' });
  });
});

describe('POST /api/jobs answers 404 for what does not exist', () => {
  it('an unknown family', async () => {
    const res = await post({ ...smallTrain(), family: 'no_such_family' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ApiErrorBody).error.message).toBe('unknown family "no_such_family"');
  });

  it('an unknown variant to analyze', async () => {
    const res = await post({ kind: 'analyze', family: FAMILY, variant: 'modulo_addition_1layer_p11_seed404' });
    expect(res.status).toBe(404);
    expect(await writtenFiles()).toEqual([]);
  });

  it('an unknown job', async () => {
    expect((await api.app.request('/api/jobs/20260101000000-deadbeef')).status).toBe(404);
    expect((await api.app.request('/api/jobs/..%2Fx')).status).toBe(400);
  });
});

describe('a training job', () => {
  it('streams a snapshot, then progress in order, then done; the variant becomes trained', async () => {
    const res = await post(smallTrain());
    expect(res.status).toBe(202);
    const job = (await res.json()) as JobRecord;
    expect(job).toMatchObject({ kind: 'train', state: 'running', variant: 'modulo_addition_1layer_p11_seed1' });

    const events = await readSse(await api.app.request(`/api/jobs/${job.id}/events`), (e) => e.event === 'done' || e.event === 'failed');
    expect(events[0]!.event).toBe('snapshot');
    expect(events.at(-1)!.event).toBe('done');
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const epochs = events.filter((e) => e.event === 'progress').map((e) => (e.data as { progress: { epoch: number } }).progress.epoch);
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));

    const done = events.at(-1)!.data as JobRecord;
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ kind: 'train', variant: job.variant, checkpointCount: 3 });
    expect(done.kind === 'train' && done.lossHistory.at(-1)!.epoch).toBe(59);
    // The final accuracies, as the variant's metadata.json records them.
    const metadata = JSON.parse(await readFile(join(wb.resultsDir, FAMILY, job.variant, 'metadata.json'), 'utf8'));
    expect(done.result).toMatchObject({
      finalTrainAccuracy: metadata.train_accuracies.at(-1),
      finalTestAccuracy: metadata.test_accuracies.at(-1),
    });

    const variants = await (await api.app.request(`/api/families/${FAMILY}/variants`)).json();
    expect(variants.variants[0]).toMatchObject({ name: job.variant, state: 'trained', checkpointEpochs: [0, 30, 59] });

    // The stored record agrees, and a late subscriber gets the snapshot and the end at once.
    expect(((await (await api.app.request(`/api/jobs/${job.id}`)).json()) as JobRecord).state).toBe('succeeded');
    const late = await readSse(await api.app.request(`/api/jobs/${job.id}/events`));
    expect(late.map((e) => e.event)).toEqual(['snapshot', 'done']);
  });

  it('refuses a second job on the same variant while one runs (409), and training over it without overwrite', async () => {
    const first = (await (await post(smallTrain({ training: { num_epochs: 400 } }))).json()) as JobRecord;
    const again = await post(smallTrain({ overwrite: true }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as ApiErrorBody).error.message).toContain(`job ${first.id} is training it`);
    const analyze = await post({ kind: 'analyze', family: FAMILY, variant: first.variant });
    expect(analyze.status).toBe(409);
    await waitForEnd(first.id);

    const over = await post(smallTrain());
    expect(over.status).toBe(409);
    expect(((await over.json()) as ApiErrorBody).error.message).toBe(
      'variant modulo_addition_1layer_p11_seed1 already exists (trained); confirm overwrite to replace it',
    );
    const confirmed = await post(smallTrain({ overwrite: true }));
    expect(confirmed.status).toBe(202);
    expect((await waitForEnd(((await confirmed.json()) as JobRecord).id)).state).toBe('succeeded');
  });

  it('admits one of many simultaneous requests for the same variant; the others name the job that holds it', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(smallTrain({ training: { num_epochs: 400 } }))));
    const accepted = answers.filter((res) => res.status === 202);
    expect(accepted).toHaveLength(1);
    const job = (await accepted[0]!.json()) as JobRecord;
    for (const res of answers.filter((res) => res.status !== 202)) {
      expect(res.status).toBe(409);
      expect(((await res.json()) as ApiErrorBody).error.message).toBe(`variant ${job.variant} is busy: job ${job.id} is training it`);
    }
    expect((await waitForEnd(job.id)).state).toBe('succeeded');
  });

  it('starts a job whose checkpoint list is too long for process arguments (it travels over IPC)', async () => {
    const checkpoints = Array.from({ length: 10_000 }, (_, i) => 30 * i);
    const res = await post(smallTrain({ training: { num_epochs: 300_000, checkpoint_epochs: checkpoints } }));
    expect(res.status).toBe(202);
    const job = (await res.json()) as JobRecord;
    await waitForFirstCheckpoint();
    await api.app.request(`/api/jobs/${job.id}/cancel`, { method: 'POST' });
    expect((await waitForEnd(job.id)).state).toBe('cancelled');
  });

  it('queues jobs beyond the limit in order, with their places in line, and runs them as slots free', async () => {
    const running = await Promise.all(
      [1, 2].map((seed) => post(smallTrain({ params: { prime: 11, seed }, training: { num_epochs: 300 } }))),
    );
    expect(running.map((res) => res.status)).toEqual([202, 202]);
    const queued: JobRecord[] = [];
    for (const seed of [3, 4, 5]) {
      const res = await post(smallTrain({ params: { prime: 11, seed }, training: { num_epochs: 60 } }));
      expect(res.status).toBe(202);
      queued.push((await res.json()) as JobRecord);
    }
    expect(queued.map((job) => [job.state, job.queuePosition])).toEqual([
      ['queued', 1],
      ['queued', 2],
      ['queued', 3],
    ]);
    const listed = (await (await api.app.request('/api/jobs?state=running')).json()) as JobsResponse;
    expect(listed.jobs).toHaveLength(2);

    // A queued job is cancelled at once, and the one behind it moves up.
    const cancelled = await api.app.request(`/api/jobs/${queued[1]!.id}/cancel`, { method: 'POST' });
    expect(((await cancelled.json()) as JobRecord).state).toBe('cancelled');
    expect(((await (await api.app.request(`/api/jobs/${queued[2]!.id}`)).json()) as JobRecord).queuePosition).toBe(2);

    const ended = await Promise.all([queued[0]!, queued[2]!].map((job) => waitForEnd(job.id)));
    expect(ended.map((job) => job.state)).toEqual(['succeeded', 'succeeded']);
    // In order: the first queued job started before the last.
    expect(ended[0]!.startedAt! <= ended[1]!.startedAt!).toBe(true);
  });

  it('runs two jobs at once, each with the fastest matrix multiply this machine has', async () => {
    // Worker threads could not: the native addon loads in one thread of a process at a time, so the
    // second job silently fell back to the portable kernel. Each job now has its own process.
    const a = (await (await post(smallTrain({ params: { prime: 11, seed: 1 }, training: { num_epochs: 300 } }))).json()) as JobRecord;
    const b = (await (await post(smallTrain({ params: { prime: 11, seed: 2 }, training: { num_epochs: 300 } }))).json()) as JobRecord;
    const [doneA, doneB] = await Promise.all([waitForEnd(a.id), waitForEnd(b.id)]);
    expect([doneA.result, doneB.result]).toMatchObject([{ backend: availableBackends()[0] }, { backend: availableBackends()[0] }]);
  });

  it('can be cancelled; the variant is then incomplete', async () => {
    const job = (await (await post(smallTrain({ training: { num_epochs: 5000, checkpoint_epochs: [0] } }))).json()) as JobRecord;
    const stream = readSse(await api.app.request(`/api/jobs/${job.id}/events`), (e) => ['done', 'failed', 'cancelled'].includes(e.event));
    await waitForFirstCheckpoint();
    expect((await api.app.request(`/api/jobs/${job.id}/cancel`, { method: 'POST' })).status).toBe(202);
    const events = await stream;
    expect(events.at(-1)!.event).toBe('cancelled');
    const variants = await (await api.app.request(`/api/families/${FAMILY}/variants`)).json();
    expect(variants.variants[0].state).toBe('incomplete');
    expect((await api.app.request(`/api/jobs/${job.id}/cancel`, { method: 'POST' })).status).toBe(409);
  });
});

describe('a training job started from a checkpoint of another variant', () => {
  const fromCheckpoint = (variant: string, epoch: number, params = { prime: 11, seed: 2 }) =>
    smallTrain({ params, init_from: { variant, epoch } });
  const source = 'modulo_addition_1layer_p11_seed1';

  it('refuses a source it cannot use with 400 naming the field, writing nothing for it', async () => {
    expect((await waitForEnd(((await (await post(smallTrain())).json()) as JobRecord).id)).state).toBe('succeeded');
    const before = await writtenFiles();
    const refusals: [unknown, string, RegExp][] = [
      [fromCheckpoint('modulo_addition_1layer_p11_seed9', 0), 'init_from.variant', /unknown variant/],
      [fromCheckpoint(source, 0, { prime: 13, seed: 2 }), 'init_from.variant', /has prime = 11; allowed: a variant with prime = 13/],
      [fromCheckpoint(source, 5), 'init_from.epoch', /no checkpoint at epoch 5; allowed: one of its \d+ checkpoint epochs \(0 … 59\)/],
    ];
    for (const [body, field, message] of refusals) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as ApiErrorBody;
      expect(error.fields?.[0]?.field).toBe(field);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(wb.resultsDir); // no server paths
    }
    expect(await writtenFiles()).toEqual(before);
  });

  it('trains a variant named by the digest of the weights, which records where they came from', async () => {
    expect((await waitForEnd(((await (await post(smallTrain())).json()) as JobRecord).id)).state).toBe('succeeded');
    const job = (await (await post(fromCheckpoint(source, 30))).json()) as JobRecord;
    expect(job.variant).toMatch(/^modulo_addition_1layer_p11_seed2_init[0-9a-f]{8}$/);
    expect((await waitForEnd(job.id)).state).toBe('succeeded');
    const metadata = JSON.parse(await readFile(join(wb.resultsDir, FAMILY, job.variant, 'metadata.json'), 'utf8'));
    expect(metadata.init_from).toBe(`${source} epoch 30`);
    expect(`_init${metadata.init_digest}`).toBe(job.variant.slice(job.variant.lastIndexOf('_')));
    const variants = (await (await api.app.request(`/api/families/${FAMILY}/variants`)).json()).variants;
    expect(variants.find((v: { name: string }) => v.name === job.variant)).toMatchObject({ init: metadata.init_digest, state: 'trained' });
    const rows = (await (await api.app.request(`/api/reports/${FAMILY}`)).json()).rows;
    expect(rows.find((r: { name: string }) => r.name === job.variant).training.init).toBe(metadata.init_digest);
    expect(rows.find((r: { name: string }) => r.name === source).training.init).toBeUndefined();
    // Another epoch's weights name another variant; the same ones name this one, which exists.
    const other = (await (await post(fromCheckpoint(source, 0))).json()) as JobRecord;
    expect(other.variant).not.toBe(job.variant);
    await waitForEnd(other.id);
    expect((await post(fromCheckpoint(source, 30))).status).toBe(409);
  });
});

describe('an analysis job', () => {
  it('refuses a variant that has not finished training (409)', async () => {
    const job = (await (await post(smallTrain({ training: { num_epochs: 5000, checkpoint_epochs: [0] } }))).json()) as JobRecord;
    await waitForFirstCheckpoint();
    await api.app.request(`/api/jobs/${job.id}/cancel`, { method: 'POST' });
    await waitForEnd(job.id);
    const res = await post({ kind: 'analyze', family: FAMILY, variant: job.variant });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ApiErrorBody).error.message).toContain('cannot be analyzed while it is incomplete');
  });

  it('analyzes a trained variant with progress per checkpoint; the variant becomes analyzed', async () => {
    const trained = await waitForEnd(((await (await post(smallTrain())).json()) as JobRecord).id);
    const res = await post({
      kind: 'analyze',
      family: FAMILY,
      variant: trained.variant,
      analyzers: ['dominant_frequencies', 'parameter_snapshot'],
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as JobRecord;
    const events = await readSse(await api.app.request(`/api/jobs/${job.id}/events`), (e) => ['done', 'failed'].includes(e.event));
    expect(events.at(-1)!.event).toBe('done');
    const messages = events.filter((e) => e.event === 'progress').map((e) => (e.data as { message: string }).message);
    expect(messages).toContain('Analyzing checkpoint 0 (1/3)');
    expect(messages).toContain('Analyzing checkpoint 59 (3/3)');
    const done = events.at(-1)!.data as JobRecord;
    expect(done.result).toMatchObject({ kind: 'analyze', checkpointCount: 3, epochFilesWritten: 6 });
    expect(done.message).toBe(`Analysis complete! Artifacts saved to ${join(wb.resultsDir, FAMILY, trained.variant, 'artifacts')}`);
    const variants = await (await api.app.request(`/api/families/${FAMILY}/variants`)).json();
    expect(variants.variants[0].state).toBe('analyzed');
  });
});
