import { describe, expect, it } from 'vitest';
import { dominantFrequencies } from '../../../server/analysis/analyzers/dominant-frequencies.ts';
import { fourier2d, fourierBasis, frequencyCount, frequencyVarianceFractions } from '../../../server/analysis/fourier.ts';
import { portableGemm } from '../../../server/engine/gemm/portable.ts';
import { modelDims, zeroWeights } from '../../../server/engine/weights.ts';
import type { EpochContext } from '../../../server/analysis/analyzer.ts';
import { Mt19937, NormalStream } from '../../../server/training/rng.ts';

const randomGrids = (count: number, seed: number) => {
  const normal = new NormalStream(new Mt19937(seed));
  return Float32Array.from({ length: count }, () => normal.next());
};

describe('Fourier basis', () => {
  it.each([3, 5, 7, 11, 13, 113])('is p×p and orthonormal for p = %i (float32 tolerance 1e-5)', (p) => {
    const { matrix, names } = fourierBasis(p);
    expect(matrix.length).toBe(p * p);
    expect(names.length).toBe(p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let dot = 0;
        for (let x = 0; x < p; x++) dot += matrix[i * p + x]! * matrix[j * p + x]!;
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
  });

  it('orders rows constant, sin k, cos k with the spec names', () => {
    const p = 7;
    const { matrix, names } = fourierBasis(p);
    expect(names).toEqual(['Constant', 'sin k=1', 'cos k=1', 'sin k=2', 'cos k=2', 'sin k=3', 'cos k=3']);
    for (let x = 0; x < p; x++) {
      expect(matrix[x]).toBeCloseTo(1 / Math.sqrt(p), 6);
      for (let k = 1; k <= 3; k++) {
        expect(matrix[(2 * k - 1) * p + x]).toBeCloseTo(Math.sin((2 * Math.PI * k * x) / p) / Math.sqrt(p / 2), 6);
        expect(matrix[2 * k * p + x]).toBeCloseTo(Math.cos((2 * Math.PI * k * x) / p) / Math.sqrt(p / 2), 6);
      }
    }
  });

  it('refuses even p', () => expect(() => fourierBasis(8)).toThrow(/odd/));
});

describe('2-D Fourier transform and variance fractions', () => {
  it('equals the direct double sum Σ_a Σ_b B[i][a] B[j][b] G[a][b] (p = 7, 3 channels, 1e-5)', () => {
    const p = 7;
    const n = 3;
    const basis = fourierBasis(p);
    const grids = randomGrids(p * p * n, 5);
    const F = fourier2d(grids, n, basis, portableGemm);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        for (let c = 0; c < n; c++) {
          let direct = 0;
          for (let a = 0; a < p; a++)
            for (let b = 0; b < p; b++) direct += basis.matrix[i * p + a]! * basis.matrix[j * p + b]! * grids[(a * p + b) * n + c]!;
          expect(Math.abs(F[(i * p + j) * n + c]! - direct)).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('recovers a planted frequency and columns sum to at most 1', () => {
    const p = 11;
    const k = 3;
    const noise = randomGrids(p * p * 2, 9);
    // channel 0: cos(2πk(a+b)/p) plus 1 % noise; channel 1: pure noise.
    const grids = new Float32Array(p * p * 2);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        grids[(a * p + b) * 2] = Math.cos((2 * Math.PI * k * (a + b)) / p) + 0.01 * noise[(a * p + b) * 2]!;
        grids[(a * p + b) * 2 + 1] = noise[(a * p + b) * 2 + 1]!;
      }
    }
    const fractions = frequencyVarianceFractions(fourier2d(grids, 2, fourierBasis(p), portableGemm), 2, p);
    expect(fractions.length).toBe(frequencyCount(p) * 2);
    expect(fractions[(k - 1) * 2]!).toBeGreaterThan(0.99);
    for (let c = 0; c < 2; c++) {
      let sum = 0;
      for (let f = 0; f < frequencyCount(p); f++) sum += fractions[f * 2 + c]!;
      expect(sum).toBeLessThanOrEqual(1 + 1e-6);
      expect(sum).toBeGreaterThan(0);
    }
  });

  it('matches the definition: energy over {0, 2k−1, 2k}² without (0,0), over the total without (0,0)', () => {
    const p = 5;
    const n = 2;
    const F = randomGrids(p * p * n, 3);
    const fractions = frequencyVarianceFractions(F, n, p);
    for (let c = 0; c < n; c++) {
      let total = 0;
      for (let cell = 1; cell < p * p; cell++) total += F[cell * n + c]! ** 2;
      for (let f = 0; f < 2; f++) {
        const rows = [0, 2 * f + 1, 2 * f + 2];
        let energy = -(F[c]! ** 2);
        for (const x of rows) for (const y of rows) energy += F[(x * p + y) * n + c]! ** 2;
        expect(fractions[f * n + c]).toBeCloseTo(energy / total, 6);
      }
    }
  });
});

describe('dominant_frequencies', () => {
  it('a synthetic embedding built from known components yields exactly those coefficients', async () => {
    const p = 13;
    const dims = modelDims({ n_heads: 4, d_model: 128, d_head: 32, d_mlp: 512 }, p);
    const weights = zeroWeights(dims);
    const basis = fourierBasis(p);
    // W_E[x] = 3·cos(2π·2x/p)·e_0 + 2·sin(2π·5x/p)·e_1 + 0.5·e_2 (constant); the "=" row is noise to be ignored.
    for (let x = 0; x < p; x++) {
      weights.W_E[x * 128] = 3 * Math.cos((2 * Math.PI * 2 * x) / p);
      weights.W_E[x * 128 + 1] = 2 * Math.sin((2 * Math.PI * 5 * x) / p);
      weights.W_E[x * 128 + 2] = 0.5;
    }
    weights.W_E.fill(7, p * 128);
    const { coefficients } = await dominantFrequencies.compute({ dims, weights, basis } as EpochContext);
    const expected = new Float64Array(p);
    expected[basis.names.indexOf('cos k=2')] = 3 * Math.sqrt(p / 2);
    expected[basis.names.indexOf('sin k=5')] = 2 * Math.sqrt(p / 2);
    expected[0] = 0.5 * Math.sqrt(p);
    expect(coefficients!.shape).toEqual([p]);
    Array.from(coefficients!.data as Float32Array).forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThan(1e-5));
  });
});
