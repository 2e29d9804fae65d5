import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZER_INFO } from '../../../shared/analyzer-info.ts';
import { familySchema } from '../../../shared/family-schema.ts';
import { trainJobSchema, type JobRecord } from '../../../shared/jobs.ts';
import { estimateTrainingSeconds, lastMeasuredSpeed, ROUGH_SPEED, TRAINING_PRESETS } from '../../../shared/training-presets.ts';
import { REPO_ROOT } from '../../../server/config.ts';

const family = familySchema.parse(
  JSON.parse(await readFile(join(REPO_ROOT, 'server/families/modulo_addition_1layer/family.json'), 'utf8')),
);

const trainJob = (prime: number, msPerEpoch?: number): JobRecord => ({
  id: `job-${prime}`,
  kind: 'train',
  family: family.name,
  variant: `${family.name}_p${prime}_seed1`,
  request: {
    kind: 'train',
    family: family.name,
    params: { prime, seed: 1 },
    training: {
      data_seed: 598,
      training_fraction: 0.3,
      learning_rate: 0.001,
      weight_decay: 1,
      num_epochs: 100,
      checkpoint_epochs: null,
      adaptive_checkpoints: true,
    },
    overwrite: false,
    resume: false,
    init_from: null,
    continue_to: null,
  },
  state: 'succeeded',
  progress: { fraction: 1, ...(msPerEpoch === undefined ? {} : { msPerEpoch }) },
  message: '',
  lossHistory: [],
  attempts: 1,
  createdAt: '2026-11-30T00:00:00.000Z',
  queuedAt: '2026-11-30T00:00:00.000Z',
});

describe('training presets', () => {
  it('are valid training requests of their family', () => {
    expect(TRAINING_PRESETS.map((preset) => preset.label)).toEqual([
      'Paper default (p = 113, 25,000 epochs)',
      'Quick run (p = 43, fraction 0.5, 2,400 epochs — groks in minutes)',
    ]);
    for (const preset of TRAINING_PRESETS) {
      expect(preset.family).toBe(family.name);
      expect(
        trainJobSchema(family).safeParse({ kind: 'train', family: preset.family, params: preset.params, training: preset.training })
          .success,
      ).toBe(true);
    }
  });

  it('estimate the time from a speed scaled by p²', () => {
    // docs/ARCHITECTURE.md §9: ~120 ms per p = 113 epoch, ~50 min per 25,000 epochs.
    expect(estimateTrainingSeconds(113, 25_000, ROUGH_SPEED)).toBe(3000);
    expect(estimateTrainingSeconds(43, 2400, { msPerEpoch: 54, prime: 43, measured: true })).toBeCloseTo(129.6);
    expect(estimateTrainingSeconds(86, 1000, { msPerEpoch: 10, prime: 43, measured: true })).toBeCloseTo(40);
  });

  it("take the newest training job's measured speed, else none", () => {
    expect(lastMeasuredSpeed([trainJob(47), trainJob(43, 54), trainJob(113, 120)], [family])).toEqual({
      msPerEpoch: 54,
      prime: 43,
      measured: true,
    });
    expect(lastMeasuredSpeed([trainJob(47)], [family])).toBe(undefined);
    expect(lastMeasuredSpeed([], [family])).toBe(undefined);
    // The modulus is the parameter the job's family declares, whatever its name.
    const renamed = { name: family.name, task: { ...family.task, modulus_parameter: 'seed' } };
    expect(lastMeasuredSpeed([trainJob(43, 54)], [renamed])).toEqual({ msPerEpoch: 54, prime: 1, measured: true });
    expect(lastMeasuredSpeed([trainJob(43, 54)], [])).toBe(undefined);
  });
});

describe('analyzer descriptions', () => {
  it('describe every analyzer the shipped family declares, with its share of the analysis time', () => {
    expect(Object.keys(ANALYZER_INFO).sort()).toEqual([...family.analyzers, ...family.cross_epoch_analyzers].sort());
    const total = Object.values(ANALYZER_INFO).reduce((sum, info) => sum + info.costPercent, 0);
    expect(total).toBeGreaterThan(90);
    expect(total).toBeLessThanOrEqual(100);
    expect(ANALYZER_INFO.landscape_flatness!.costPercent).toBeGreaterThanOrEqual(85);
  });
});
