/** Training end to end on small models: split, init, files, determinism, continuation, cancellation. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelDims, trainableParameterCount } from '../../../server/engine/weights.ts';
import { selectGemm } from '../../../server/engine/gemm/gemm.ts';
import { readSafetensors } from '../../../server/storage/safetensors.ts';
import { batchFromIndices, trainTestSplit } from '../../../server/training/data.ts';
import { initWeights } from '../../../server/training/init.ts';
import { continueVariant, trainVariant, TrainingInputError } from '../../../server/training/train-variant.ts';
import { lossAndGradients, realFamily, tinyFamily } from './helpers.ts';

let results: string;
beforeEach(async () => {
  results = await mkdtemp(join(tmpdir(), 'engine-test-'));
});
afterEach(async () => {
  await rm(results, { recursive: true, force: true });
});

const variantDir = (root: string, p: number, seed: number) =>
  join(root, 'modulo_addition_1layer', `modulo_addition_1layer_p${p}_seed${seed}`);

describe('data split', () => {
  it.each([
    [113, 3830, 8939],
    [97, 2822, 6587],
    [101, 3060, 7141],
    [103, 3182, 7427],
    [109, 3564, 8317],
    [127, 4838, 11291],
  ])('p = %i at fraction 0.3 gives %i train and %i test pairs', (p, train, test) => {
    const split = trainTestSplit(p, 0.3, 598);
    expect([split.trainIndices.length, split.testIndices.length]).toEqual([train, test]);
    const all = [...split.trainIndices, ...split.testIndices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: p * p }, (_, i) => i));
  });

  it('depends on the data seed only', () => {
    expect(trainTestSplit(23, 0.3, 1).trainIndices).toEqual(trainTestSplit(23, 0.3, 1).trainIndices);
    expect(trainTestSplit(23, 0.3, 1).trainIndices).not.toEqual(trainTestSplit(23, 0.3, 2).trainIndices);
  });
});

describe('seeded init', () => {
  it('has 226,048 trainable values for p = 113 with std 0.8/√128, and a loss near ln p', async () => {
    const d = modelDims((await realFamily()).architecture, 113);
    expect(trainableParameterCount(d)).toBe(226_048);
    const weights = initWeights(d, 999);
    const values = Array.from(weights.W_in);
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std).toBeCloseTo(0.8 / Math.sqrt(128), 3);
    const split = trainTestSplit(113, 0.3, 598);
    const loss = lossAndGradients(weights, d, batchFromIndices(113, 'add', split.trainIndices), selectGemm());
    expect(Math.abs(loss - Math.log(113))).toBeLessThan(0.05);
  });
});

describe('trainVariant', () => {
  it('writes TransformerLens checkpoints, config.json and metadata.json', async () => {
    const family = await realFamily();
    const result = await trainVariant({
      resultsDir: results,
      family,
      params: { prime: 5, seed: 1 },
      training: { num_epochs: 3, checkpoint_epochs: [1] },
    });
    expect(result.status).toBe('completed');
    const dir = variantDir(results, 5, 1);
    expect((await readdir(join(dir, 'checkpoints'))).sort()).toEqual([
      'checkpoint_epoch_00001.safetensors',
      'checkpoint_epoch_00002.safetensors',
    ]);
    const { tensors } = await readSafetensors(join(dir, 'checkpoints', 'checkpoint_epoch_00002.safetensors'));
    const shapes = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.shape]));
    expect(shapes).toEqual({
      'embed.W_E': [6, 128],
      'pos_embed.W_pos': [3, 128],
      'blocks.0.attn.W_Q': [4, 128, 32],
      'blocks.0.attn.W_O': [4, 32, 128],
      'blocks.0.attn.b_Q': [4, 32],
      'blocks.0.attn.b_O': [128],
      'blocks.0.attn.W_K': [4, 128, 32],
      'blocks.0.attn.W_V': [4, 128, 32],
      'blocks.0.attn.b_K': [4, 32],
      'blocks.0.attn.b_V': [4, 32],
      'blocks.0.attn.mask': [3, 3],
      'blocks.0.attn.IGNORE': [],
      'blocks.0.mlp.W_in': [128, 512],
      'blocks.0.mlp.b_in': [512],
      'blocks.0.mlp.W_out': [512, 128],
      'blocks.0.mlp.b_out': [128],
      'unembed.W_U': [128, 5],
      'unembed.b_U': [5],
    });
    expect(Array.from(tensors['unembed.b_U']!.data as Float32Array)).toEqual([0, 0, 0, 0, 0]);

    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(Object.keys(config)).toEqual([
      'n_layers',
      'n_heads',
      'd_model',
      'd_head',
      'd_mlp',
      'act_fn',
      'normalization_type',
      'd_vocab',
      'd_vocab_out',
      'n_ctx',
      'seed',
      'prime',
      'model_seed',
      'data_seed',
      'training_fraction',
    ]);
    expect(config).toMatchObject({ d_vocab: 6, d_vocab_out: 5, seed: 1, prime: 5, data_seed: 598, training_fraction: 0.3 });

    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    expect(Object.keys(metadata).slice(0, 6)).toEqual([
      'train_losses',
      'test_losses',
      'train_indices',
      'test_indices',
      'checkpoint_epochs',
      'num_epochs',
    ]);
    expect(metadata).toMatchObject({ num_epochs: 3, checkpoint_epochs: [1, 2], backend: result.backend });
    expect(metadata.train_losses).toHaveLength(3);
    expect(metadata.train_indices).toHaveLength(7); // floor(25 · 0.3)
    expect(await readdir(dir)).not.toContain(expect.stringMatching(/\.tmp$/));
  });

  it('is deterministic: two runs give identical checkpoint bytes', async () => {
    const family = await tinyFamily();
    const run = (root: string) =>
      trainVariant({ resultsDir: root, family, params: { prime: 11, seed: 3 }, training: { num_epochs: 20, checkpoint_epochs: [0, 7] } });
    const other = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      await run(results);
      await run(other);
      for (const file of ['checkpoint_epoch_00007.safetensors', 'checkpoint_epoch_00019.safetensors']) {
        const a = await readFile(join(variantDir(results, 11, 3), 'checkpoints', file));
        const b = await readFile(join(variantDir(other, 11, 3), 'checkpoints', file));
        expect(a.equals(b), file).toBe(true);
      }
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('continuing a run equals one uninterrupted longer run, bit for bit', async () => {
    const family = await tinyFamily();
    const params = { prime: 11, seed: 5 };
    const single = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      await trainVariant({ resultsDir: single, family, params, training: { num_epochs: 50, checkpoint_epochs: [0, 10, 35] } });
      await trainVariant({
        resultsDir: results,
        family,
        params,
        training: { num_epochs: 30, checkpoint_epochs: [0, 10, 35].filter((e) => e < 30) },
      });
      const continued = await continueVariant({ resultsDir: results, family, params, numEpochs: 50, checkpointEpochs: [35] });
      expect(continued.status).toBe('completed');

      const one = JSON.parse(await readFile(join(variantDir(single, 11, 5), 'metadata.json'), 'utf8'));
      const two = JSON.parse(await readFile(join(variantDir(results, 11, 5), 'metadata.json'), 'utf8'));
      expect(two.train_losses).toEqual(one.train_losses);
      expect(two.test_losses).toEqual(one.test_losses);
      expect(two.checkpoint_epochs).toEqual([0, 10, 29, 35, 49]);
      expect(two.segments.map((s: { from_epoch: number; to_epoch: number }) => [s.from_epoch, s.to_epoch])).toEqual([
        [0, 30],
        [30, 50],
      ]);
      for (const epoch of [0, 10, 35, 49]) {
        const file = `checkpoint_epoch_${String(epoch).padStart(5, '0')}.safetensors`;
        const a = await readFile(join(variantDir(single, 11, 5), 'checkpoints', file));
        const b = await readFile(join(variantDir(results, 11, 5), 'checkpoints', file));
        expect(a.equals(b), file).toBe(true);
      }
      const optimizerOne = await readFile(join(variantDir(single, 11, 5), 'optimizer_state.safetensors'));
      const optimizerTwo = await readFile(join(variantDir(results, 11, 5), 'optimizer_state.safetensors'));
      expect(optimizerTwo.equals(optimizerOne)).toBe(true);
    } finally {
      await rm(single, { recursive: true, force: true });
    }
  });

  it('refuses an existing variant unless overwrite is set', async () => {
    const family = await tinyFamily();
    const request = { resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 2 } };
    await trainVariant(request);
    await expect(trainVariant(request)).rejects.toThrow(/already has files.*overwrite/);
    await expect(trainVariant({ ...request, overwrite: true })).resolves.toMatchObject({ status: 'completed' });
  });

  it('trains over a folder left by a run killed in its first write (empty folders, a stale temporary) without overwrite', async () => {
    const family = await tinyFamily();
    const checkpoints = join(variantDir(results, 7, 1), 'checkpoints');
    await mkdir(checkpoints, { recursive: true });
    // pid 2^22 + 1 is above Linux's pid_max: no process writes that temporary any more.
    await writeFile(join(checkpoints, `.checkpoint_epoch_00000.safetensors.${2 ** 22 + 1}.0badf00d.tmp`), 'half a checkpoint');
    await expect(
      trainVariant({ resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 2 } }),
    ).resolves.toMatchObject({ status: 'completed' });
    expect(await readdir(checkpoints)).toEqual(['checkpoint_epoch_00000.safetensors', 'checkpoint_epoch_00001.safetensors']);
  });

  it('stops cleanly when aborted: checkpoints so far, no metadata', async () => {
    const family = await tinyFamily();
    const controller = new AbortController();
    const result = await trainVariant(
      { resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 1_000_000, checkpoint_epochs: [0] } },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    expect(result.status).toBe('incomplete');
    expect(result.epochsCompleted).toBeLessThan(1_000_000);
    expect(await readdir(variantDir(results, 7, 1))).toEqual(['checkpoints']);
    expect(await readdir(join(variantDir(results, 7, 1), 'checkpoints'))).toEqual(['checkpoint_epoch_00000.safetensors']);
  });

  it('starts from given weights with --init-from', async () => {
    const family = await tinyFamily();
    await trainVariant({ resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 1, checkpoint_epochs: [] } });
    const start = join(variantDir(results, 7, 1), 'checkpoints', 'checkpoint_epoch_00000.safetensors');
    const forked = await trainVariant({
      resultsDir: results,
      family,
      params: { prime: 7, seed: 2 },
      training: { num_epochs: 1 },
      initFrom: start,
    });
    const original = JSON.parse(await readFile(join(variantDir(results, 7, 1), 'metadata.json'), 'utf8'));
    // The fork's first loss is the loss of the weights it started from: below the seeded start.
    expect(forked.finalTrainLoss).toBeLessThan(original.train_losses[0]);
    await expect(
      trainVariant({ resultsDir: results, family, params: { prime: 11, seed: 2 }, training: { num_epochs: 1 }, initFrom: start }),
    ).rejects.toThrow(TrainingInputError);
  });

  it('rejects bad input before writing anything', async () => {
    const family = await tinyFamily();
    const bad = [
      { params: { prime: 100, seed: 1 }, message: /100 is not a prime; allowed: a prime from 3 to 257/ },
      {
        params: { prime: 7, seed: 1 },
        training: { training_fraction: 1 },
        message: /1 is not allowed; allowed: a fraction strictly between 0 and 1/,
      },
      { params: { prime: 7, seed: 1 }, training: { num_epochs: 0 }, message: /0 is too small/ },
      {
        params: { prime: 7, seed: 1 },
        training: { num_epochs: 10, checkpoint_epochs: [10] },
        message: /10 is beyond the run; allowed: epochs 0 to 9/,
      },
      { params: { prime: 7, seed: 1 }, training: { training_fraction: 0.01 }, message: /leaves no training pairs/ },
    ];
    for (const { params, training, message } of bad) {
      await expect(trainVariant({ resultsDir: results, family, params, training })).rejects.toThrow(message);
    }
    expect(await readdir(results)).toEqual([]);
  });
});
