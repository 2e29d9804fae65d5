/** Training end to end on small models: split, init, files, determinism, continuation, cancellation. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelDims, trainableParameterCount } from '../../../server/engine/weights.ts';
import { selectGemm } from '../../../server/engine/gemm/gemm.ts';
import { readSafetensors } from '../../../server/storage/safetensors.ts';
import { batchFromIndices, trainTestSplit } from '../../../server/training/data.ts';
import { initWeights } from '../../../server/training/init.ts';
import { variantPaths } from '../../../server/registry/variant-paths.ts';
import { writeJsonAtomic } from '../../../server/storage/atomic-write.ts';
import { continueVariant, resumePoint, resumeVariant, segmentsUpTo, trainVariant } from '../../../server/training/train-variant.ts';
import { correctPredictions } from '../../../server/engine/loss.ts';
import { readCheckpoint, writeCheckpoint } from '../../../server/training/variant-files.ts';
import { ADAPTIVE_CHECKPOINT_RULE } from '../../../shared/adaptive-checkpoints.ts';
import { naiveAccuracy } from '../../helpers/naive-forward.ts';
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

/**
 * A run of the tiny family that partly groks within a few hundred epochs: at p = 23, half the pairs
 * for training and a learning rate of 0.01, train accuracy reaches 100 % by ~300 epochs while the
 * test loss, after rising to ~6.4 while the model memorizes (epoch ~120), falls ~16-fold by ~680.
 */
const TRANSITION = { params: { prime: 23, seed: 999 }, training: { training_fraction: 0.5, learning_rate: 0.01, num_epochs: 700 } };
const TRANSITION_VARIANT = 'modulo_addition_1layer_p23_seed999_frac0.5_lr0.01';

describe('accuracy', () => {
  it('counts the argmax against the label, the first index of the largest logit on a tie', () => {
    // 4 examples, p = 3, labels from offset 1: [9, 0, 2, 1, 1] → 0, 2, 1, 1.
    const logits = Float32Array.from([
      ...[2, 1, 2], // tie of 0 and 2: predicts 0, right
      ...[0, 0, 0], // all tied: predicts 0, wrong (label 2)
      ...[-1, -0.5, -3], // predicts 1, right
      ...[5, 5, 1], // tie of 0 and 1: predicts 0, wrong (label 1)
    ]);
    const labels = Int32Array.from([9, 0, 2, 1, 1]);
    expect(correctPredictions(logits, labels, 1, 4, 3)).toBe(2);
    expect(correctPredictions(logits.subarray(6), labels, 3, 2, 3)).toBe(1);
  });

  it('records train and test accuracy per epoch, which a naive forward recomputes from the checkpoints', async () => {
    const family = await tinyFamily();
    const run = await trainVariant({
      resultsDir: results,
      family,
      params: TRANSITION.params,
      training: { ...TRANSITION.training, num_epochs: 300, checkpoint_epochs: [0, 60, 150], adaptive_checkpoints: false },
    });
    const metadata = JSON.parse(await readFile(join(run.dir, 'metadata.json'), 'utf8'));
    expect(metadata.train_accuracies).toHaveLength(300);
    expect(metadata.test_accuracies).toHaveLength(300);
    // Memorized, not yet generalized: grokking's picture.
    expect(metadata.train_accuracies[299]).toBe(1);
    expect(metadata.test_accuracies[299]).toBeLessThan(0.9);
    const d = modelDims(family.architecture, 23);
    for (const epoch of [0, 60, 150, 299]) {
      // Checkpoint e holds the weights after e + 1 updates: those of test accuracy e and of train accuracy e + 1.
      const weights = await readCheckpoint(
        join(run.dir, 'checkpoints', `checkpoint_epoch_${String(epoch).padStart(5, '0')}.safetensors`),
        d,
      );
      expect(metadata.test_accuracies[epoch], `test, epoch ${epoch}`).toBe(naiveAccuracy(weights, d, metadata.test_indices));
      if (epoch < 299)
        expect(metadata.train_accuracies[epoch + 1], `train, epoch ${epoch + 1}`).toBe(naiveAccuracy(weights, d, metadata.train_indices));
    }
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

  it('saves extra checkpoints while the test loss falls fast, by the stated rule, and records why', async () => {
    const family = await tinyFamily();
    const planned = [0, 699];
    const on = await trainVariant({
      resultsDir: results,
      family,
      params: TRANSITION.params,
      training: { ...TRANSITION.training, checkpoint_epochs: [0] },
    });
    const metadata = JSON.parse(await readFile(join(on.dir, 'metadata.json'), 'utf8'));
    const extras: { epoch: number; test_loss: number; reason: string }[] = metadata.adaptive_checkpoints;
    const epochs = extras.map((c) => c.epoch);
    expect(metadata.adaptive_checkpoint_rule).toEqual(ADAPTIVE_CHECKPOINT_RULE);
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(metadata.checkpoint_epochs).toEqual([...planned, ...epochs].sort((a, b) => a - b));
    expect(on.checkpointEpochs).toEqual(metadata.checkpoint_epochs);
    expect(on.addedCheckpointCount).toBe(epochs.length);
    expect((await readdir(join(on.dir, 'checkpoints'))).length).toBe(metadata.checkpoint_epochs.length);
    // The rule written out from the recorded test losses: the extras are exactly the epochs it picks.
    const losses: number[] = metadata.test_losses;
    const saved: number[] = [];
    const picked: number[] = [];
    losses.forEach((loss, epoch) => {
      const since = saved.at(-1) ?? 0;
      if (planned.includes(epoch)) {
        saved.push(epoch);
      } else if (epoch - since >= 50 && loss <= Math.max(...losses.slice(since, epoch + 1)) / 2) {
        saved.push(epoch);
        picked.push(epoch);
      }
    });
    expect(epochs).toEqual(picked);
    for (const extra of extras) {
      expect(extra.test_loss).toBe(losses[extra.epoch]);
      expect(extra.reason).toMatch(/^test loss fell \S+× from \S+ at epoch \d+ \(≥ 2× needed\), \d+ epochs after /);
    }
    // During the transition: after the memorization peak, while test accuracy climbs.
    const peak = losses.indexOf(Math.max(...losses));
    expect(epochs[0]).toBeGreaterThan(peak);
    expect(metadata.test_accuracies[epochs.at(-1)!]).toBeGreaterThan(metadata.test_accuracies[peak]);

    // Off: the planned checkpoints only, and the same training to the bit.
    const other = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      const off = await trainVariant({
        resultsDir: other,
        family,
        params: TRANSITION.params,
        training: { ...TRANSITION.training, checkpoint_epochs: [0], adaptive_checkpoints: false },
      });
      expect(off.variant).toBe(on.variant);
      expect(off.addedCheckpointCount).toBe(0);
      const plain = JSON.parse(await readFile(join(off.dir, 'metadata.json'), 'utf8'));
      expect(plain).toMatchObject({ checkpoint_epochs: planned, adaptive_checkpoint_rule: null, adaptive_checkpoints: [] });
      expect(plain.test_losses).toEqual(metadata.test_losses);
      expect(plain.test_accuracies).toEqual(metadata.test_accuracies);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('names a variant by every setting that changes the result, so such runs never overwrite each other', async () => {
    const family = await tinyFamily();
    const params = { prime: 7, seed: 1 };
    const settings = [{}, { data_seed: 1 }, { training_fraction: 0.5 }, { learning_rate: 0.01 }, { weight_decay: 0 }];
    const runs = [];
    for (const training of settings)
      runs.push(await trainVariant({ resultsDir: results, family, params, training: { ...training, num_epochs: 5 } }));
    expect(runs.map((run) => run.variant.replace('modulo_addition_1layer_p7_seed1', ''))).toEqual([
      '',
      '_dseed1',
      '_frac0.5',
      '_lr0.01',
      '_wd0',
    ]);
    const metadata = await Promise.all(runs.map(async (run) => JSON.parse(await readFile(join(run.dir, 'metadata.json'), 'utf8'))));
    for (const other of metadata.slice(1)) expect(other.train_losses.slice(1)).not.toEqual(metadata[0].train_losses.slice(1));
    expect(metadata[3].optimizer).toEqual({ learning_rate: 0.01, weight_decay: 1, beta1: 0.9, beta2: 0.98, eps: 1e-8 });
    expect(metadata[4].optimizer).toMatchObject({ learning_rate: 0.001, weight_decay: 0 });
  });

  it('continues a variant of non-default settings with its own learning rate and weight decay', async () => {
    const family = await tinyFamily();
    const params = { prime: 7, seed: 1 };
    const identity = { learning_rate: 0.01, weight_decay: 0.2 };
    const single = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      const one = await trainVariant({ resultsDir: single, family, params, training: { ...identity, num_epochs: 8 } });
      await trainVariant({ resultsDir: results, family, params, training: { ...identity, num_epochs: 5 } });
      const two = await continueVariant({ resultsDir: results, family, params, training: identity, numEpochs: 8 });
      expect(two.variant).toBe('modulo_addition_1layer_p7_seed1_lr0.01_wd0.2');
      const [a, b] = await Promise.all([one, two].map(async (run) => JSON.parse(await readFile(join(run.dir, 'metadata.json'), 'utf8'))));
      expect(b.train_losses).toEqual(a.train_losses);
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

  it('stops cleanly when aborted: checkpoints so far and what resuming needs, no metadata', async () => {
    const family = await tinyFamily();
    const controller = new AbortController();
    const result = await trainVariant(
      { resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 1_000_000, checkpoint_epochs: [0] } },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    expect(result.status).toBe('incomplete');
    expect(result.epochsCompleted).toBeLessThan(1_000_000);
    expect((await readdir(variantDir(results, 7, 1))).sort()).toEqual([
      'checkpoints',
      'optimizer_state.safetensors',
      'training_progress.json',
    ]);
    expect(await readdir(join(variantDir(results, 7, 1), 'checkpoints'))).toEqual(['checkpoint_epoch_00000.safetensors']);
    expect(await resumePoint(variantPaths(results, 'modulo_addition_1layer', 'modulo_addition_1layer_p7_seed1'))).toBe(1);
  });

  it('starts from given weights, named by their digest', async () => {
    const family = await tinyFamily();
    await trainVariant({ resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 1, checkpoint_epochs: [] } });
    const start = join(variantDir(results, 7, 1), 'checkpoints', 'checkpoint_epoch_00000.safetensors');
    const initFrom = { path: start, description: 'the seed-1 run at epoch 0' };
    const forked = await trainVariant({
      resultsDir: results,
      family,
      params: { prime: 7, seed: 2 },
      training: { num_epochs: 1 },
      initFrom,
    });
    const original = JSON.parse(await readFile(join(variantDir(results, 7, 1), 'metadata.json'), 'utf8'));
    // The fork's first loss is the loss of the weights it started from: below the seeded start.
    expect(forked.finalTrainLoss).toBeLessThan(original.train_losses[0]);

    // The digest, computed here from the file's bytes: the tensors' data in TransformerLens order.
    const bytes = await readFile(start);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    const hash = createHash('sha256');
    for (const name of [
      'embed.W_E',
      'pos_embed.W_pos',
      'blocks.0.attn.W_Q',
      'blocks.0.attn.W_O',
      'blocks.0.attn.W_K',
      'blocks.0.attn.W_V',
      'blocks.0.mlp.W_in',
      'blocks.0.mlp.W_out',
      'unembed.W_U',
    ]) {
      const [from, to] = header[name].data_offsets;
      hash.update(bytes.subarray(8 + headerLength + from, 8 + headerLength + to));
    }
    const digest = hash.digest('hex').slice(0, 8);
    expect(forked.variant).toBe(`modulo_addition_1layer_p7_seed2_init${digest}`);
    const metadata = JSON.parse(await readFile(join(forked.dir, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({ init_from: 'the seed-1 run at epoch 0', init_digest: digest });
    // The seeded run with the same settings keeps its own name and folder.
    const seeded = await trainVariant({ resultsDir: results, family, params: { prime: 7, seed: 2 }, training: { num_epochs: 1 } });
    expect(seeded.variant).toBe('modulo_addition_1layer_p7_seed2');

    await expect(
      trainVariant({ resultsDir: results, family, params: { prime: 11, seed: 2 }, training: { num_epochs: 1 }, initFrom }),
    ).rejects.toThrow(/cannot start from the seed-1 run at epoch 0: .*expected \[12,/);
    // A source whose weights are no longer those the job was named by is refused before anything is written.
    await expect(
      trainVariant({
        resultsDir: results,
        family,
        params: { prime: 7, seed: 3 },
        training: { num_epochs: 1 },
        initFrom: { ...initFrom, digest: '00000000' },
      }),
    ).rejects.toThrow(/weights changed since the job was named by them/);
    expect(existsSync(variantDir(results, 7, 3))).toBe(false);
  });

  it('stops a run whose loss is no longer a number and says where, before writing anything', async () => {
    const family = await tinyFamily();
    await trainVariant({ resultsDir: results, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 1, checkpoint_epochs: [] } });
    const dims = modelDims(family.architecture, 7);
    const seeded = await readCheckpoint(join(variantDir(results, 7, 1), 'checkpoints', 'checkpoint_epoch_00000.safetensors'), dims);
    // Weights of 1e20: the attention scores (W_E·W_Q)·(W_E·W_K) overflow float32 in the first forward pass.
    const huge = Object.fromEntries(Object.entries(seeded).map(([name, w]) => [name, (w as Float32Array).map((v) => v * 1e20)]));
    const path = join(results, 'huge.safetensors');
    await writeCheckpoint(path, huge as unknown as typeof seeded, dims);
    const run = trainVariant({
      resultsDir: results,
      family,
      params: { prime: 7, seed: 2 },
      training: { num_epochs: 5, checkpoint_epochs: [0, 3] },
      initFrom: { path, description: 'weights scaled by 1e20' },
    });
    await expect(run).rejects.toThrow(/^training diverged at epoch 0: the train loss is NaN.*smaller learning rate/);
    // It diverged before its first checkpoint: the family folder holds the seeded run alone.
    expect(await readdir(join(results, 'modulo_addition_1layer'))).toEqual(['modulo_addition_1layer_p7_seed1']);
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

describe('resumeVariant', () => {
  const params = { prime: 11, seed: 5 };
  const training = { num_epochs: 60, checkpoint_epochs: [0, 10, 20, 30, 45] };
  const name = 'modulo_addition_1layer_p11_seed5';
  const pathsIn = (root: string, variant = name) => variantPaths(root, 'modulo_addition_1layer', variant);
  /**
   * Hooks that stop the run before epoch `epoch`: a signal that reads as aborted from its (epoch + 1)-th
   * look on, since the loop looks once before each epoch. Deterministic, unlike an abort from onProgress,
   * which is called at most every 250 ms.
   */
  const stopBefore = (epoch: number) => {
    let looks = 0;
    return {
      signal: {
        get aborted() {
          return looks++ >= epoch;
        },
      } as AbortSignal,
    };
  };

  /** Every file the two runs must share, byte for byte, and the losses, accuracies and checkpoints of their metadata. */
  async function expectSameRun(one: string, two: string, variant = name) {
    const [first, second] = [pathsIn(one, variant), pathsIn(two, variant)];
    const a = JSON.parse(await readFile(first.metadata, 'utf8'));
    const b = JSON.parse(await readFile(second.metadata, 'utf8'));
    for (const key of ['train_losses', 'test_losses', 'train_accuracies', 'test_accuracies', 'checkpoint_epochs', 'adaptive_checkpoints']) {
      expect(a[key], key).toBeDefined();
      expect(b[key], key).toEqual(a[key]);
    }
    const files = (await readdir(first.checkpointsDir)).sort();
    expect((await readdir(second.checkpointsDir)).sort()).toEqual(files);
    for (const file of [...files.map((f) => join('checkpoints', f)), 'optimizer_state.safetensors', 'config.json']) {
      const bytesA = await readFile(join(first.dir, file));
      const bytesB = await readFile(join(second.dir, file));
      expect(bytesB.equals(bytesA), file).toBe(true);
    }
    expect(await readdir(second.dir)).not.toContain('training_progress.json');
  }

  it('finishes an aborted run bit for bit as the uninterrupted one, and records both segments', async () => {
    const family = await tinyFamily();
    const clean = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      await trainVariant({ resultsDir: clean, family, params, training });
      const stopped = await trainVariant({ resultsDir: results, family, params, training }, stopBefore(26));
      expect(stopped).toMatchObject({ status: 'incomplete', epochsCompleted: 26 });
      // The latest commit point is the checkpoint of epoch 20: the run resumes with epoch 21.
      const from = 21;
      expect(await resumePoint(pathsIn(results))).toBe(from);
      const resumed = await resumeVariant({ resultsDir: results, family, params, training: {} });
      expect(resumed).toMatchObject({ status: 'completed', epochsCompleted: 60 });
      await expectSameRun(clean, results);
      const metadata = JSON.parse(await readFile(pathsIn(results).metadata, 'utf8'));
      expect(metadata.segments.map((s: { from_epoch: number; to_epoch: number }) => [s.from_epoch, s.to_epoch])).toEqual([
        [0, from],
        [from, 60],
      ]);
      expect(await resumePoint(pathsIn(results))).toBeNull();
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
  });

  it('resumes from the optimizer state when the progress file and a checkpoint ran ahead of it', async () => {
    const family = await tinyFamily();
    const clean = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      await trainVariant({ resultsDir: clean, family, params, training });
      await trainVariant({ resultsDir: results, family, params, training }, stopBefore(13));
      const paths = pathsIn(results);
      expect(await resumePoint(paths)).toBe(11);
      // A kill between the writes of epoch 20: its checkpoint and progress are there, the optimizer state is not.
      // (Its losses past the commit point are made wrong, to show they are not used.)
      const progress = JSON.parse(await readFile(paths.progress, 'utf8'));
      const ahead = JSON.parse(await readFile(pathsIn(clean).metadata, 'utf8'));
      await writeJsonAtomic(paths.progress, {
        ...progress,
        train_losses: [...progress.train_losses.slice(0, 11), ...ahead.train_losses.slice(11, 21).map((x: number) => x + 1)],
        test_losses: [...progress.test_losses.slice(0, 11), ...ahead.test_losses.slice(11, 21).map((x: number) => x + 1)],
      });
      await writeFile(paths.checkpoint(20), await readFile(pathsIn(clean).checkpoint(20)));
      expect(await resumePoint(paths)).toBe(11);
      await resumeVariant({ resultsDir: results, family, params, training });
      await expectSameRun(clean, results);
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
  });

  it('resumes a run with adaptive checkpoints bit for bit, deciding again those past its commit point', async () => {
    const family = await tinyFamily();
    const request = { family, params: TRANSITION.params, training: { ...TRANSITION.training, checkpoint_epochs: [0] } };
    const clean = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      await trainVariant({ ...request, resultsDir: clean });
      const cleanPaths = pathsIn(clean, TRANSITION_VARIANT);
      const done = JSON.parse(await readFile(cleanPaths.metadata, 'utf8'));
      const [first, second] = done.adaptive_checkpoints.map((c: { epoch: number }) => c.epoch);
      // Stopped 10 epochs after the first extra checkpoint: that one is the commit point.
      await trainVariant({ ...request, resultsDir: results }, stopBefore(first + 10));
      const paths = pathsIn(results, TRANSITION_VARIANT);
      expect(await resumePoint(paths)).toBe(first + 1);
      // Then as if killed between the writes of the second: its checkpoint and progress are there, not its optimizer state.
      const progress = JSON.parse(await readFile(paths.progress, 'utf8'));
      await writeJsonAtomic(paths.progress, {
        ...progress,
        train_losses: done.train_losses.slice(0, second + 1),
        test_losses: done.test_losses.slice(0, second + 1),
        train_accuracies: done.train_accuracies.slice(0, second + 1),
        test_accuracies: done.test_accuracies.slice(0, second + 1),
        checkpoint_epochs: [...progress.checkpoint_epochs, second].sort((a: number, b: number) => a - b),
        adaptive_checkpoints: done.adaptive_checkpoints.slice(0, 2),
      });
      await writeFile(paths.checkpoint(second), await readFile(cleanPaths.checkpoint(second)));
      expect(await resumePoint(paths)).toBe(first + 1);
      await resumeVariant({ ...request, resultsDir: results });
      await expectSameRun(clean, results, TRANSITION_VARIANT);
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
  });

  it('finishes a run killed after its final optimizer state but before metadata.json', async () => {
    const family = await tinyFamily();
    const clean = await mkdtemp(join(tmpdir(), 'engine-test-'));
    try {
      await trainVariant({ resultsDir: clean, family, params, training });
      await trainVariant({ resultsDir: results, family, params, training });
      const paths = pathsIn(results);
      const metadata = JSON.parse(await readFile(paths.metadata, 'utf8'));
      const { train_indices: _train, test_indices: _test, ...progress } = metadata;
      await writeJsonAtomic(paths.progress, progress);
      await rm(paths.metadata);
      await rm(paths.config);
      expect(await resumePoint(paths)).toBe(60);
      const resumed = await resumeVariant({ resultsDir: results, family, params });
      expect(resumed).toMatchObject({ status: 'completed', epochsCompleted: 60, finalTrainLoss: metadata.train_losses[59] });
      await expectSameRun(clean, results);
    } finally {
      await rm(clean, { recursive: true, force: true });
    }
  });

  it('resumes a variant named by non-default settings, with its learning rate and weight decay', async () => {
    const family = await tinyFamily();
    const settings = { data_seed: 3, training_fraction: 0.5, learning_rate: 0.003, weight_decay: 0.3 };
    const named = 'modulo_addition_1layer_p11_seed5_dseed3_frac0.5_lr0.003_wd0.3';
    const stopped = await trainVariant({ resultsDir: results, family, params, training: { ...settings, ...training } }, stopBefore(13));
    expect(stopped.variant).toBe(named);
    await expect(resumeVariant({ resultsDir: results, family, params, training: {} })).rejects.toThrow(
      /cannot resume variant modulo_addition_1layer_p11_seed5: it saved no resumable checkpoint/,
    );
    await resumeVariant({ resultsDir: results, family, params, training: settings });
    const metadata = JSON.parse(await readFile(join(results, 'modulo_addition_1layer', named, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({
      data_seed: 3,
      training_fraction: 0.5,
      optimizer: { learning_rate: 0.003, weight_decay: 0.3, beta1: 0.9, beta2: 0.98 },
    });
    expect(metadata.train_losses).toHaveLength(60);
  });

  it('refuses clearly what it cannot resume', async () => {
    const family = await tinyFamily();
    const request = { resultsDir: results, family, params, training };
    await expect(resumeVariant(request)).rejects.toThrow(/cannot resume variant .*: it saved no resumable checkpoint/);
    await trainVariant(request, stopBefore(13));
    await expect(trainVariant(request)).rejects.toThrow(
      /pass overwrite to replace it, or resume to finish its interrupted run from epoch 11/,
    );
    await expect(resumeVariant({ ...request, training: { num_epochs: 80 } })).rejects.toThrow(
      /num_epochs: 80 is not the interrupted run's; allowed: its own 60/,
    );
    await expect(resumeVariant({ ...request, training: { num_epochs: 60, checkpoint_epochs: [0] } })).rejects.toThrow(
      /checkpoint_epochs: not the interrupted run's/,
    );
    await rm(pathsIn(results).checkpoint(10));
    expect(await resumePoint(pathsIn(results))).toBeNull();
    await expect(resumeVariant(request)).rejects.toThrow(
      /optimizer state is at step 11 but .*checkpoint_epoch_00010.safetensors is missing/,
    );
    await trainVariant({ ...request, overwrite: true });
    await expect(resumeVariant(request)).rejects.toThrow(/it completed \(metadata.json exists\); continue it/);
  });

  it('keeps only the segments up to the commit point', () => {
    const segment = (from_epoch: number, to_epoch: number) => ({
      from_epoch,
      to_epoch,
      backend: 'portable' as const,
      backend_detail: '',
      wall_time_seconds: 1,
      app_version: '',
    });
    expect(segmentsUpTo([segment(0, 21), segment(21, 46)], 31)).toEqual([segment(0, 21), segment(21, 31)]);
    expect(segmentsUpTo([segment(0, 21), segment(21, 46)], 21)).toEqual([segment(0, 21)]);
  });
});
