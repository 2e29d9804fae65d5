/**
 * A tiny variant trained by the engine (p = 13), analyzed by the pipeline, and every stored result
 * recomputed here independently: a direct per-example transformer forward (all three positions,
 * causal softmax attention, no per-token tables), direct O(p⁴) Fourier sums, spectra from
 * eigenvalues of A·Aᵀ, and PCA from an SVD of the centred weights.
 */
import { EigenvalueDecomposition, Matrix, SVD } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactPaths, readArtifact } from '../../../server/analysis/artifact-store.ts';
import { MATRIX_NAMES } from '../../../server/analysis/analyzers/parameter-snapshot.ts';
import { FLATNESS_DEFAULTS, perturbationSteps } from '../../../server/analysis/flatness-passes.ts';
import { ANALYZERS } from '../../../server/analysis/analyzers/index.ts';
import { fourierBasis } from '../../../server/analysis/fourier.ts';
import { analyzeVariant } from '../../../server/analysis/pipeline.ts';
import { modelDims, WEIGHT_NAMES, type ModelDims, type ModelWeights } from '../../../server/engine/weights.ts';
import { trainVariant } from '../../../server/training/train-variant.ts';
import { readCheckpoint } from '../../../server/training/variant-files.ts';
import type { TensorMap } from '../../../server/storage/safetensors.ts';
import { naiveForward } from '../../helpers/naive-forward.ts';
import { moduloFamily, tempDir } from './fixtures.ts';

const p = 13;
const EPOCHS = [0, 40, 80, 119];

function naiveGrid(w: ModelWeights, d: ModelDims) {
  const examples = [];
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) examples.push(naiveForward(w, d, a, b));
  return examples;
}

function naiveLoss(grid: { logits: number[] }[]): number {
  return (
    grid.reduce((total, { logits }, row) => {
      const top = Math.max(...logits);
      const logSum = Math.log(logits.reduce((s, l) => s + Math.exp(l - top), 0)) + top;
      return total + logSum - logits[(Math.floor(row / p) + (row % p)) % p]!;
    }, 0) / grid.length
  );
}

/** Fractions of each channel's non-constant energy per frequency, straight from the definition. */
function naiveFractions(channel: (row: number) => number): number[] {
  const B = fourierBasis(p).matrix;
  const F = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => {
      let sum = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) sum += B[i * p + a]! * B[j * p + b]! * channel(a * p + b);
      return sum;
    }),
  );
  const total = F.flat().reduce((s, v) => s + v * v, 0) - F[0]![0]! ** 2;
  return Array.from({ length: (p - 1) / 2 }, (_, f) => {
    const rows = [0, 2 * f + 1, 2 * f + 2];
    let energy = -(F[0]![0]! ** 2);
    for (const x of rows) for (const y of rows) energy += F[x]![y]! ** 2;
    return energy / Math.max(total, 1e-10);
  });
}

const data = (tensors: TensorMap, key: string) => Array.from(tensors[key]!.data as Float32Array);

describe('end to end on a trained variant (p = 13) against an independent recomputation', () => {
  let dims: ModelDims;
  let artifacts: ReturnType<typeof artifactPaths>;
  const weights = new Map<number, ModelWeights>();
  const grids = new Map<number, ReturnType<typeof naiveGrid>>();

  beforeAll(async () => {
    const family = await moduloFamily();
    const resultsDir = await tempDir();
    const trained = await trainVariant({
      resultsDir,
      family,
      params: { prime: p, seed: 7 },
      training: { num_epochs: 120, checkpoint_epochs: EPOCHS.slice(0, -1) },
    });
    expect(trained.checkpointEpochs).toEqual(EPOCHS);
    await analyzeVariant({ resultsDir, family, variant: trained.variant });
    dims = modelDims(family.architecture, p);
    artifacts = artifactPaths(`${trained.dir}/artifacts`);
    for (const epoch of [0, 119]) {
      weights.set(
        epoch,
        await readCheckpoint(`${trained.dir}/checkpoints/checkpoint_epoch_${String(epoch).padStart(5, '0')}.safetensors`, dims),
      );
      grids.set(epoch, naiveGrid(weights.get(epoch)!, dims));
    }
  }, 120_000);

  const stored = async (analyzer: string, epoch: number) => (await readArtifact(artifacts.epochFile(analyzer, epoch)))!;

  it.each([0, 119])('dominant_frequencies at epoch %i: ‖B·W_E[:p]‖ per component (1e-5)', async (epoch) => {
    const B = fourierBasis(p).matrix;
    const W_E = weights.get(epoch)!.W_E;
    const expected = Array.from({ length: p }, (_, i) =>
      Math.hypot(
        ...Array.from({ length: 128 }, (_, d) =>
          Array.from({ length: p }, (_, x) => B[i * p + x]! * W_E[x * 128 + d]!).reduce((s, v) => s + v, 0),
        ),
      ),
    );
    data(await stored('dominant_frequencies', epoch), 'coefficients').forEach((v, i) =>
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5),
    );
  });

  it.each([0, 119])('neuron activations, frequency fractions and coarseness at epoch %i (1e-4)', async (epoch) => {
    const grid = grids.get(epoch)!;
    const mean = data(await stored('neuron_activations', epoch), 'mean_activation');
    const max = data(await stored('neuron_activations', epoch), 'max_activation');
    const norm = data(await stored('neuron_freq_norm', epoch), 'norm_matrix');
    const coarse = data(await stored('coarseness', epoch), 'coarseness');
    for (const neuron of [0, 1, 100, 257, 511]) {
      const values = grid.map((example) => example.post[neuron]!);
      expect(mean[neuron]).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 4);
      expect(max[neuron]).toBeCloseTo(Math.max(...values), 4);
      const fractions = naiveFractions((row) => values[row]!);
      fractions.forEach((fraction, f) => expect(Math.abs(norm[f * 512 + neuron]! - fraction)).toBeLessThan(1e-4));
      expect(coarse[neuron]).toBeCloseTo(
        fractions.slice(0, 3).reduce((s, v) => s + v, 0),
        4,
      );
    }
  });

  it.each([0, 119])('attention patterns and attention frequencies at epoch %i (1e-4)', async (epoch) => {
    const grid = grids.get(epoch)!;
    const meanPattern = data(await stored('attention_patterns', epoch), 'mean_pattern');
    const freq = data(await stored('attention_freq', epoch), 'freq_matrix');
    for (let h = 0; h < 4; h++) {
      for (let q = 0; q < 3; q++) {
        for (let k = 0; k < 3; k++) {
          expect(meanPattern[(h * 3 + q) * 3 + k]).toBeCloseTo(grid.reduce((s, e) => s + e.pattern[h]![q]![k]!, 0) / grid.length, 5);
        }
      }
      naiveFractions((row) => grid[row]!.pattern[h]![2]![0]!).forEach((fraction, f) =>
        expect(Math.abs(freq[f * 4 + h]! - fraction)).toBeLessThan(1e-4),
      );
    }
  });

  it('parameter_snapshot copies the checkpoint; effective_dimensionality matches √eig(A·Aᵀ) per matrix and head', async () => {
    const w = weights.get(119)!;
    const snapshot = await stored('parameter_snapshot', 119);
    for (const name of MATRIX_NAMES) expect(Array.from(snapshot[name]!.data as Float32Array)).toEqual(Array.from(w[name]));
    const spectra = await stored('effective_dimensionality', 119);
    const reference = (values: ArrayLike<number>, rows: number, cols: number) => {
      const A = new Matrix(Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => values[r * cols + c]!)));
      const gram = rows <= cols ? A.mmul(A.transpose()) : A.transpose().mmul(A);
      return new EigenvalueDecomposition(gram, { assumeSymmetric: true }).realEigenvalues
        .map((l) => Math.sqrt(Math.max(l, 0)))
        .sort((x, y) => y - x);
    };
    const check = (actual: number[], expected: number[]) =>
      expected.forEach((s, i) => expect(Math.abs(actual[i]! - s)).toBeLessThan(1e-4 * Math.max(1, expected[0]!)));
    check(data(spectra, 'sv_W_in'), reference(w.W_in, 128, 512));
    check(data(spectra, 'sv_W_E'), reference(w.W_E, p + 1, 128));
    check(data(spectra, 'sv_W_O').slice(64, 96), reference(w.W_O.subarray(2 * 32 * 128, 3 * 32 * 128), 32, 128));
    check(data(spectra, 'sv_W_K').slice(0, 32), reference(w.W_K.subarray(0, 128 * 32), 128, 32));
  });

  it.each([0, 119])('landscape_flatness at epoch %i: baseline and Δ along the seeded directions (first 3 of 50, 1e-4)', async (epoch) => {
    const result = await stored('landscape_flatness', epoch);
    const w = weights.get(epoch)!;
    const baseline = naiveLoss(grids.get(epoch)!);
    expect(data(result, 'baseline_loss')[0]).toBeCloseTo(baseline, 4);
    expect(data(result, 'epsilon')[0]).toBeCloseTo(0.1, 7);
    expect(Array.from(result.seed!.data as Int32Array)).toEqual([FLATNESS_DEFAULTS.seed]);
    const deltas = data(result, 'delta_losses');
    expect(deltas).toHaveLength(50);
    const steps = perturbationSteps(dims, FLATNESS_DEFAULTS, 0, 3);
    steps.forEach((step, t) => {
      const length = Math.sqrt(WEIGHT_NAMES.reduce((s, name) => s + step[name].reduce((a, v) => a + v * v, 0), 0));
      expect(length).toBeCloseTo(0.1, 6);
      const perturbed = Object.fromEntries(
        WEIGHT_NAMES.map((name) => [name, w[name].map((v, j) => v + step[name][j]!)]),
      ) as unknown as ModelWeights;
      expect(Math.abs(deltas[t]! - (naiveLoss(naiveGrid(perturbed, dims)) - baseline))).toBeLessThan(1e-4);
    });
  });

  it('summaries hold each epoch’s summarize() of its stored file', async () => {
    for (const name of ['neuron_freq_norm', 'attention_freq', 'effective_dimensionality', 'landscape_flatness', 'coarseness']) {
      const summary = (await readArtifact(artifacts.summaryFile(name)))!;
      expect(Array.from(summary.epochs!.data as Int32Array)).toEqual(EPOCHS);
      const row = ANALYZERS.get(name)!().summarize!(await stored(name, 80));
      for (const [key, value] of Object.entries(row)) {
        const width = typeof value === 'number' ? 1 : value.length;
        expect(summary[key]!.shape).toEqual(width === 1 && typeof value === 'number' ? [4] : [4, width]);
        const stacked = Array.from(summary[key]!.data as Float64Array).slice(2 * width, 3 * width);
        expect(stacked).toEqual(typeof value === 'number' ? [value] : Array.from(value));
      }
    }
  });

  it('parameter_trajectory equals an SVD of the centred checkpoint weights (all and mlp groups)', async () => {
    const trajectory = (await readArtifact(artifacts.crossEpochFile('parameter_trajectory')))!;
    const all = await Promise.all(EPOCHS.map((epoch) => stored('parameter_snapshot', epoch)));
    for (const [group, names] of [
      ['all', MATRIX_NAMES],
      ['mlp', ['W_in', 'W_out']],
    ] as const) {
      const X = new Matrix(all.map((snapshot) => names.flatMap((name) => Array.from(snapshot[name]!.data as Float32Array))));
      X.subRowVector(X.mean('column'));
      const svd = new SVD(X, { autoTranspose: true });
      const k = 4;
      const projections = data(trajectory, `${group}__projections`);
      const total = svd.diagonal.reduce((s, v) => s + v * v, 0);
      for (let c = 0; c < 3; c++) {
        const s = svd.diagonal[c]!;
        expect(data(trajectory, `${group}__explained_variance`)[c]).toBeCloseTo((s * s) / 3, 3);
        expect(data(trajectory, `${group}__explained_variance_ratio`)[c]).toBeCloseTo((s * s) / total, 5);
        const column = EPOCHS.map((_, i) => svd.leftSingularVectors.get(i, c) * s);
        const sign = Math.sign(column.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0));
        column.forEach((v, i) => expect(Math.abs(projections[i * k + c]! - sign * v)).toBeLessThan(1e-3 * s));
      }
      const velocity = data(trajectory, `${group}__velocity`);
      for (let i = 0; i < 3; i++) {
        const step = Math.sqrt(X.getRow(i + 1).reduce((sum, v, f) => sum + (v - X.get(i, f)) ** 2, 0));
        expect(velocity[i]).toBeCloseTo(step / (EPOCHS[i + 1]! - EPOCHS[i]!), 5);
      }
    }
  });
});
