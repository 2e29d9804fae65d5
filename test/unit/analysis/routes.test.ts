import { writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeFloat32Payload,
  variantDetailSchema,
  type AttentionSliceResponse,
  type CrossEpochResponse,
  type EpochArtifactResponse,
  type NeuronGridResponse,
  type SummaryResponse,
  type VariantDetail,
} from '../../../shared/artifacts.ts';
import { createApp } from '../../../server/app.ts';
import { analyzeVariant } from '../../../server/analysis/pipeline.ts';
import { resolvePaths } from '../../../server/config.ts';
import { probeForward } from '../../../server/engine/probe-forward.ts';
import type { ModelWeights } from '../../../server/engine/weights.ts';
import { moduloFamily, tempDir, writeSyntheticVariant } from './fixtures.ts';

const p = 11;
let request: (path: string) => Promise<Response>;
let base: string;
let weights: Map<number, ModelWeights>;
let metadataPath: string;
/** A variant still training (or interrupted): checkpoints and training_progress.json, no metadata.json. */
let inProgressBase: string;
const progress = {
  train_losses: [2.4, 2.2, null],
  test_losses: [2.5, 2.45, 2.41],
  train_accuracies: [0.1, 0.2, 0.3],
  test_accuracies: [0, 0.05, 0.1],
  num_epochs: 100,
  checkpoint_epochs: [0, 2, 50],
  data_seed: 7,
  training_fraction: 0.3,
  backend: 'native',
};
/** A variant trained before accuracies were recorded: metadata.json has none. */
const olderMetadata = {
  train_losses: [2.4, 2.3],
  test_losses: [2.5, 2.45],
  num_epochs: 2,
  checkpoint_epochs: [0, 10],
  data_seed: 598,
  training_fraction: 0.5,
  backend: 'native',
};

beforeAll(async () => {
  const family = await moduloFamily();
  const resultsDir = await tempDir();
  const synthetic = await writeSyntheticVariant(resultsDir, family, p, [0, 10]);
  weights = synthetic.weights;
  metadataPath = synthetic.paths.metadata;
  await writeFile(metadataPath, JSON.stringify(olderMetadata));
  await analyzeVariant({
    resultsDir,
    family,
    variant: synthetic.variant,
    analyzers: ['dominant_frequencies', 'attention_freq', 'parameter_trajectory'],
  });
  const training = await writeSyntheticVariant(resultsDir, family, p, [0, 2], 2);
  await writeFile(training.paths.progress, JSON.stringify(progress));
  inProgressBase = `/api/variants/${family.name}/${training.variant}`;
  const { app } = createApp({ paths: resolvePaths({ resultsDir }) });
  request = (path) => Promise.resolve(app.request(path));
  base = `/api/variants/${family.name}/${synthetic.variant}`;
});

const json = async <T>(path: string, status = 200): Promise<T> => {
  const response = await request(path);
  expect(response.status, path).toBe(status);
  return (await response.json()) as T;
};

describe('GET /api/variants/:family/:variant', () => {
  it("returns losses, checkpoints, config, the run's settings and the analyzed epochs", async () => {
    const detail = await json<VariantDetail>(base);
    expect(detail).toMatchObject({
      params: { prime: p, seed: 1 },
      config: { prime: p, d_mlp: 512, n_heads: 4 },
      numEpochs: 2,
      run: { dataSeed: 598, trainingFraction: 0.5, backend: 'native' },
      trainLosses: [2.4, 2.3],
      checkpointEpochs: [0, 10],
      analyzedEpochs: [0, 10],
    });
    expect(detail.analyzers.find((a) => a.name === 'attention_freq')).toMatchObject({
      epochsDone: [0, 10],
      complete: true,
      hasSummary: true,
    });
    expect(detail.analyzers.find((a) => a.name === 'neuron_freq_norm')).toMatchObject({ epochsDone: [], complete: false });
    // Trained before accuracies were recorded: the detail has none, and still parses.
    expect(detail).not.toHaveProperty('trainAccuracies');
    expect(detail).not.toHaveProperty('testAccuracies');
    expect(variantDetailSchema.safeParse(detail).success).toBe(true);
  });

  it("returns the run's settings a metadata.json without a backend holds (the original system's)", async () => {
    try {
      const { backend: _backend, ...original } = olderMetadata;
      await writeFile(metadataPath, JSON.stringify(original));
      const detail = await json<VariantDetail>(base);
      expect(detail.run).toEqual({ dataSeed: 598, trainingFraction: 0.5, checkpointRequest: null });
      expect(variantDetailSchema.safeParse(detail).success).toBe(true);
    } finally {
      await writeFile(metadataPath, JSON.stringify(olderMetadata));
    }
  });

  it('returns the checkpoints the adaptive rule added, with why', async () => {
    try {
      const reason = 'test loss fell 2× from 2.5 at epoch 0';
      const added = [{ epoch: 10, test_loss: 1.2, peak_epoch: 0, peak_test_loss: 2.5, since_checkpoint: 0, reason }];
      await writeFile(metadataPath, JSON.stringify({ ...olderMetadata, adaptive_checkpoints: added }));
      expect((await json<VariantDetail>(base)).addedCheckpoints).toEqual([{ epoch: 10, reason }]);
    } finally {
      await writeFile(metadataPath, JSON.stringify(olderMetadata));
    }
  });

  it('returns the accuracies metadata.json records', async () => {
    try {
      await writeFile(metadataPath, JSON.stringify({ ...olderMetadata, train_accuracies: [0.5, 1], test_accuracies: [0.1, 0.25] }));
      expect(await json<VariantDetail>(base)).toMatchObject({ trainAccuracies: [0.5, 1], testAccuracies: [0.1, 0.25] });
    } finally {
      await writeFile(metadataPath, JSON.stringify(olderMetadata));
    }
  });

  it('serves a diverged epoch (null in metadata.json, or a value that is no number) as null, and still parses', async () => {
    try {
      const diverged = {
        ...olderMetadata,
        train_losses: [2.4, null],
        test_losses: ['NaN', 2.45],
        train_accuracies: [0.5, null],
        test_accuracies: [0.1, 0.25],
      };
      await writeFile(metadataPath, JSON.stringify(diverged));
      const detail = await json<VariantDetail>(base);
      expect(detail).toMatchObject({ trainLosses: [2.4, null], testLosses: [null, 2.45], trainAccuracies: [0.5, null] });
      expect(variantDetailSchema.safeParse(detail).success).toBe(true);
    } finally {
      await writeFile(metadataPath, JSON.stringify(olderMetadata));
    }
  });
});

describe('GET /api/variants/:family/:variant of a run not completed', () => {
  it('serves the losses, accuracies and settings training_progress.json holds up to the latest checkpoint', async () => {
    const detail = await json<VariantDetail>(inProgressBase);
    expect(detail).toMatchObject({
      numEpochs: 100,
      run: { dataSeed: 7, trainingFraction: 0.3, backend: 'native' },
      checkpointEpochs: [0, 2],
      trainLosses: [2.4, 2.2, null],
      testLosses: [2.5, 2.45, 2.41],
      trainAccuracies: [0.1, 0.2, 0.3],
      testAccuracies: [0, 0.05, 0.1],
      analyzedEpochs: [],
    });
    expect(variantDetailSchema.safeParse(detail).success).toBe(true);
  });
});

describe('artifact reads', () => {
  it('serves one epoch’s arrays with shapes', async () => {
    const body = await json<EpochArtifactResponse>(`${base}/artifacts/dominant_frequencies/epochs/10`);
    expect(body.arrays.coefficients!.shape).toEqual([p]);
    expect(body.arrays.coefficients!.data).toHaveLength(p);
  });
  it('serves summaries and cross-epoch results with their epochs', async () => {
    const summary = await json<SummaryResponse>(`${base}/summaries/attention_freq`);
    expect(summary.epochs).toEqual([0, 10]);
    expect(summary.arrays.max_frac_per_head!.shape).toEqual([2, 4]);
    const trajectory = await json<CrossEpochResponse>(`${base}/cross-epoch/parameter_trajectory`);
    expect(trajectory.epochs).toEqual([0, 10]);
    expect(trajectory.arrays['mlp__velocity']!.shape).toEqual([1]);
  });
  it('recomputes a neuron’s p×p grid and an attention slice from the checkpoint (base64 float32)', async () => {
    const probe = probeForward(weights.get(10)!, { n_heads: 4, d_model: 128, d_head: 32, d_mlp: 512 }, p);
    const neuron = await json<NeuronGridResponse>(`${base}/neurons/7/epochs/10`);
    expect(neuron.activations).toMatchObject({ shape: [p, p], dtype: 'float32' });
    expect(Buffer.from(neuron.activations.base64, 'base64')).toHaveLength(p * p * 4);
    decodeFloat32Payload(neuron.activations).data.forEach((value, row) => expect(value).toBeCloseTo(probe.mlpPost[row * 512 + 7]!, 5));
    const attention = await json<AttentionSliceResponse>(`${base}/attention/10?query=2&key=1`);
    expect(attention.patterns).toMatchObject({ shape: [4, p, p], dtype: 'float32' });
    decodeFloat32Payload(attention.patterns).data.forEach((value, i) => {
      const [h, row] = [Math.floor(i / (p * p)), i % (p * p)];
      expect(value).toBeCloseTo(probe.attnPattern[(row * 4 + h) * 9 + 2 * 3 + 1]!, 5);
    });
  });
});

describe('errors', () => {
  it.each([
    ['/api/variants/no_family/x', 404],
    [`/api/variants/modulo_addition_1layer/modulo_addition_1layer_p13_seed1`, 404],
    [`BASE/artifacts/no_such_analyzer/epochs/0`, 404],
    [`BASE/artifacts/neuron_freq_norm/epochs/0`, 404],
    [`BASE/artifacts/dominant_frequencies/epochs/5`, 404],
    [`BASE/artifacts/dominant_frequencies/epochs/-1`, 400],
    [`BASE/artifacts/dominant_frequencies/epochs/1e3`, 400],
    [`BASE/artifacts/..%2F..%2Fcheckpoints/epochs/0`, 400],
    [`BASE/artifacts/.hidden/epochs/0`, 400],
    [`BASE/summaries/dominant_frequencies`, 404],
    [`BASE/cross-epoch/attention_freq`, 404],
    [`BASE/neurons/512/epochs/0`, 400],
    [`BASE/neurons/3/epochs/7`, 404],
    [`BASE/attention/0?query=3`, 400],
  ])('%s → %i in the API error format', async (path, status) => {
    const body = await json<{ error: { status: number; message: string } }>(path.replace('BASE', base), status);
    expect(body.error.status).toBe(status);
    expect(body.error.message).toBeTruthy();
  });
});
