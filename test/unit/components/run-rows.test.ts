import { describe, expect, it } from 'vitest';
import {
  anyActive,
  durationText,
  filterRuns,
  jobActions,
  jobRow,
  runRows,
  stateText,
  sweepRow,
  sweepTally,
} from '../../../frontend/components/run-rows.ts';
import type { JobRecord, TrainJobRecord } from '../../../shared/jobs.ts';
import type { SweepRecord } from '../../../shared/sweeps.ts';
import { trainingParamsSchema } from '../../../shared/training-params.ts';

const FAMILY = 'modulo_addition_1layer';

function trainJob(fields: Partial<TrainJobRecord> & Pick<TrainJobRecord, 'id' | 'state' | 'createdAt'>): TrainJobRecord {
  return {
    kind: 'train',
    family: FAMILY,
    variant: 'modulo_addition_1layer_p11_seed1',
    request: {
      kind: 'train',
      family: FAMILY,
      params: { prime: 11, seed: 1 },
      training: trainingParamsSchema.parse({}),
      overwrite: false,
      resume: false,
      init_from: null,
      continue_to: null,
    },
    progress: { fraction: 0 },
    message: '',
    lossHistory: [],
    attempts: 1,
    queuedAt: fields.createdAt,
    ...fields,
  };
}

function analyzeJob(fields: Pick<JobRecord, 'id' | 'state' | 'createdAt'>): JobRecord {
  const { lossHistory: _, request: __, result: ___, ...common } = trainJob(fields);
  return { ...common, kind: 'analyze', request: { kind: 'analyze', family: FAMILY, variant: common.variant, force: false } };
}

const sweep = (fields: Partial<SweepRecord> & Pick<SweepRecord, 'id' | 'state' | 'createdAt'>): SweepRecord => ({
  family: FAMILY,
  request: { family: FAMILY, params: { prime: [11], seed: [1, 2] }, vary: {}, training: {}, analyze: false, overwrite: false },
  entries: [],
  counts: {},
  fraction: 0,
  cancelled: false,
  ...fields,
});

describe('job actions', () => {
  it.each([
    ['train', 'queued', ['cancel']],
    ['train', 'running', ['cancel']],
    ['train', 'succeeded', []],
    ['train', 'failed', ['resume', 'retry']],
    ['train', 'cancelled', ['resume', 'retry']],
    ['train', 'interrupted', ['resume', 'retry']],
    ['analyze', 'failed', ['retry']],
    ['analyze', 'succeeded', []],
  ] as const)('a %s job that is %s offers %j', (kind, state, actions) => {
    expect(jobActions({ kind, state })).toEqual(actions);
  });
});

describe('job rows', () => {
  it('say where a queued job is in line, and how long a job ran', () => {
    expect(stateText('queued', 1)).toBe('Queued · next in line');
    expect(stateText('queued', 3)).toBe('Queued · 3rd in line');
    expect(stateText('succeeded')).toBe('Complete');
    expect(durationText(undefined, undefined, 0)).toBe('–');
    expect(durationText('2026-01-01T00:00:00.000Z', '2026-01-01T00:03:07.000Z', 0)).toBe('3 min 07 s');
    expect(durationText('2026-01-01T00:00:00.000Z', undefined, Date.parse('2026-01-01T00:00:42.000Z'))).toBe('42 s');
  });

  it("show a finished training's final losses and link to its variant's pages", () => {
    const row = jobRow(
      trainJob({
        id: 'a',
        state: 'succeeded',
        createdAt: '2026-01-01T00:00:00.000Z',
        startedAt: '2026-01-01T00:00:01.000Z',
        finishedAt: '2026-01-01T00:00:11.000Z',
        progress: { fraction: 1 },
        result: {
          kind: 'train',
          variant: 'modulo_addition_1layer_p11_seed1',
          checkpointCount: 3,
          finalTrainLoss: 2.3e-7,
          finalTestLoss: 0.0123456,
          wallTimeSeconds: 10,
          backend: 'js',
        },
      }),
      0,
    );
    expect(row).toMatchObject({
      kind: 'train',
      subject: 'modulo_addition_1layer_p11_seed1',
      stateText: 'Complete',
      percent: 100,
      durationText: '10 s',
      resultText: 'train 2.3e-7 · test 0.01235',
      actions: [],
      variantQuery: '?family=modulo_addition_1layer&variant=modulo_addition_1layer_p11_seed1',
    });
    expect(jobRow(analyzeJob({ id: 'b', state: 'running', createdAt: '2026-01-01T00:00:00.000Z' }), 0).resultText).toBe('–');
  });
});

describe('sweep rows', () => {
  const jobs = [
    trainJob({ id: 'j1', state: 'succeeded', createdAt: '2026-01-01T00:00:01.000Z', sweepId: 's', finishedAt: '2026-01-01T00:01:00.000Z' }),
    trainJob({ id: 'j2', state: 'succeeded', createdAt: '2026-01-01T00:00:01.000Z', sweepId: 's', finishedAt: '2026-01-01T00:02:00.000Z' }),
  ];

  it('tally the variants by state and run until the last job ended', () => {
    const row = sweepRow(
      sweep({ id: 's', state: 'succeeded', createdAt: '2026-01-01T00:00:00.000Z', counts: { succeeded: 2, skipped: 1 }, fraction: 1 }),
      jobs,
      0,
    );
    expect(row).toMatchObject({
      kind: 'sweep',
      stateText: 'Complete',
      durationText: '2 min 00 s',
      resultText: '1 skipped · 2 complete',
      actions: [],
    });
    expect(row.variantQuery).toBeUndefined();
    expect(sweepTally({ counts: {} })).toBe('–');
  });

  it('offer Cancel while running', () => {
    expect(sweepRow(sweep({ id: 's', state: 'running', createdAt: '2026-01-01T00:00:00.000Z' }), [], 0).actions).toEqual(['cancel']);
  });
});

describe('the table', () => {
  const rows = runRows(
    [
      trainJob({ id: 'old', state: 'failed', createdAt: '2026-01-01T00:00:00.000Z' }),
      analyzeJob({ id: 'new', state: 'queued', createdAt: '2026-01-03T00:00:00.000Z' }),
    ],
    [sweep({ id: 'mid', state: 'succeeded', createdAt: '2026-01-02T00:00:00.000Z' })],
    0,
  );

  it('lists jobs and sweeps newest first', () => {
    expect(rows.map((row) => row.id)).toEqual(['new', 'mid', 'old']);
  });

  it('filters by kind and state', () => {
    expect(filterRuns(rows, { kind: '', state: '' }).map((row) => row.id)).toEqual(['new', 'mid', 'old']);
    expect(filterRuns(rows, { kind: 'train', state: '' }).map((row) => row.id)).toEqual(['old']);
    expect(filterRuns(rows, { kind: '', state: 'succeeded' }).map((row) => row.id)).toEqual(['mid']);
    expect(filterRuns(rows, { kind: 'sweep', state: 'failed' })).toEqual([]);
  });

  it('is active while anything is queued or running', () => {
    expect(anyActive(rows)).toBe(true);
    expect(anyActive(rows.slice(1))).toBe(false);
  });
});
