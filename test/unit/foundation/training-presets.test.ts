import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZER_INFO } from '../../../shared/analyzer-info.ts';
import { familySchema } from '../../../shared/family-schema.ts';
import { trainJobSchema, type JobRecord } from '../../../shared/jobs.ts';
import { estimateTrainingSeconds, measuredSpeeds, ROUGH_SPEED, speedFor, TRAINING_PRESETS } from '../../../shared/training-presets.ts';
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

  it("take each modulus's newest finished run (wall time over epochs), else its last reported speed", () => {
    const finished = (prime: number, wallTimeSeconds: number, numEpochs: number, reported?: number): JobRecord => {
      const job = trainJob(prime, reported);
      return {
        ...job,
        progress: { ...job.progress, numEpochs },
        result: {
          kind: 'train',
          variant: job.variant,
          checkpointCount: 2,
          finalTrainLoss: 1,
          finalTestLoss: 1,
          wallTimeSeconds,
          backend: 'native',
        },
      } as JobRecord;
    };
    const running = { ...trainJob(113, 300), state: 'running' } as JobRecord;
    // Newest first: the running p = 113 job's 300 ms (a busy moment) loses to p = 113's finished run.
    expect(measuredSpeeds([running, finished(43, 130, 2400, 80), finished(113, 3000, 25_000), finished(43, 999, 10)], [family])).toEqual([
      { msPerEpoch: (1000 * 130) / 2400, prime: 43, measured: true },
      { msPerEpoch: 120, prime: 113, measured: true },
    ]);
    expect(measuredSpeeds([trainJob(47, 54)], [family])).toEqual([{ msPerEpoch: 54, prime: 47, measured: true }]);
    // A continuation's wall time covers its own epochs only: its last reported speed stands instead.
    const continued = finished(47, 10, 4000, 54);
    const continuation = { ...continued, request: { ...continued.request, continue_to: 4000 } } as JobRecord;
    expect(measuredSpeeds([continuation], [family])).toEqual([{ msPerEpoch: 54, prime: 47, measured: true }]);
    expect(measuredSpeeds([trainJob(47)], [family])).toEqual([]);
    // The modulus is the parameter the job's family declares, whatever its name.
    const renamed = { name: family.name, task: { ...family.task, modulus_parameter: 'seed' } };
    expect(measuredSpeeds([trainJob(43, 54)], [renamed])).toEqual([{ msPerEpoch: 54, prime: 1, measured: true }]);
    expect(measuredSpeeds([trainJob(43, 54)], [])).toEqual([]);
  });

  it('estimate each run from the speed timed at the nearest modulus, else the rough figure', () => {
    const speeds = [
      { msPerEpoch: 54, prime: 43, measured: true },
      { msPerEpoch: 120, prime: 113, measured: true },
    ];
    expect(speedFor(47, speeds).prime).toBe(43);
    expect(speedFor(97, speeds).prime).toBe(113);
    expect(speedFor(113, [])).toBe(ROUGH_SPEED);
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
