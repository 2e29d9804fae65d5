import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { parameterTrajectory, TRAJECTORY_GROUPS } from '../../../server/analysis/analyzers/parameter-trajectory.ts';
import { centredGram, participationRatio, pcaFromGram, singularValues, squaredSteps, velocity } from '../../../server/analysis/linalg.ts';
import type { TensorMap } from '../../../server/storage/safetensors.ts';
import { Mt19937, NormalStream } from '../../../server/training/rng.ts';

const normal = (seed: number) => {
  const stream = new NormalStream(new Mt19937(seed));
  return () => stream.next();
};

/** Reference PCA: SVD of the centred data X = U S Vᵀ; projections U·S, signs by the stated convention. */
function referencePca(rows: number[][], k: number) {
  const X = new Matrix(rows);
  const mean = X.mean('column');
  X.subRowVector(mean);
  const svd = new SVD(X, { autoTranspose: true });
  const n = rows.length;
  const s = svd.diagonal;
  const U = svd.leftSingularVectors;
  const projections = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, c) => U.get(i, c) * s[c]!));
  for (let c = 0; c < k; c++) {
    let pivot = 0;
    for (let i = 1; i < n; i++) if (Math.abs(projections[i]![c]!) > Math.abs(projections[pivot]![c]!)) pivot = i;
    if (projections[pivot]![c]! < 0) for (let i = 0; i < n; i++) projections[i]![c] = -projections[i]![c]!;
  }
  const total = s.reduce((sum, v) => sum + v * v, 0);
  return { projections, variance: s.slice(0, k).map((v) => (v * v) / (n - 1)), ratio: s.slice(0, k).map((v) => (v * v) / total) };
}

describe('participation ratio (Σs)²/Σs²', () => {
  it.each([
    [[5], 1],
    [[1, 1, 1, 1], 4],
    [[3, 0, 0], 1],
    [[2, 1], 9 / 5],
    [[0, 0], 0],
  ])('of %j is %f', (spectrum, expected) => expect(participationRatio(spectrum)).toBeCloseTo(expected, 12));
});

describe('singular values', () => {
  it('of a known matrix, descending', () => {
    // [[0, 3], [4, 0], [0, 0]] has singular values 4 and 3.
    expect(Array.from(singularValues([0, 3, 4, 0, 0, 0], 3, 2))).toEqual([expect.closeTo(4, 12), expect.closeTo(3, 12)]);
  });
  it('of a wide random matrix match the eigenvalues of A·Aᵀ (1e-9)', () => {
    const draw = normal(2);
    const values = Array.from({ length: 6 * 15 }, draw);
    const A = new Matrix(Array.from({ length: 6 }, (_, r) => values.slice(r * 15, (r + 1) * 15)));
    const eig = new SVD(A.mmul(A.transpose())).diagonal.map(Math.sqrt);
    const s = singularValues(values, 6, 15);
    s.forEach((v, i) => expect(Math.abs(v - eig[i]!)).toBeLessThan(1e-9));
  });
});

describe('PCA from the centred Gram matrix', () => {
  it.each([
    [8, 30, 10],
    [12, 5, 10],
    [15, 40, 10],
  ])('equals a direct SVD of the centred data (n = %i, features = %i, up to 10 components)', (n, features, maxComponents) => {
    const draw = normal(n * features);
    // Low-rank structure plus noise, so the leading components are well separated.
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: features }, (_, f) => 3 * Math.sin(i + f) + i * 0.5 * Math.cos(f) + 0.1 * draw()),
    );
    const k = Math.min(maxComponents, n, features);
    const result = pcaFromGram(centredGram(rows), n, Math.min(maxComponents, features));
    expect(result.k).toBe(k);
    const reference = referencePca(rows, k);
    // Components with (numerically) zero variance have no defined direction: compare the others.
    for (let c = 0; c < k; c++) {
      expect(result.explainedVariance[c]).toBeCloseTo(reference.variance[c]!, 8);
      expect(result.explainedVarianceRatio[c]).toBeCloseTo(reference.ratio[c]!, 10);
      if (reference.variance[c]! < 1e-8) continue;
      for (let i = 0; i < n; i++) expect(Math.abs(result.projections[i * k + c]! - reference.projections[i]![c]!)).toBeLessThan(1e-8);
    }
  });

  it('orients each component so its largest-magnitude projection is positive', () => {
    const draw = normal(4);
    const rows = Array.from({ length: 9 }, () => Array.from({ length: 12 }, draw));
    const { projections, k } = pcaFromGram(centredGram(rows), 9, 10);
    for (let c = 0; c < k - 1; c++) {
      const column = Array.from({ length: 9 }, (_, i) => projections[i * k + c]!);
      const largest = column.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });
});

describe('velocity', () => {
  it('by hand on three snapshots', () => {
    // θ0 = (0, 0), θ1 = (3, 4), θ2 = (3, 14); epochs 0, 10, 30 → 5/10 and 10/20.
    const rows = [
      [0, 0],
      [3, 4],
      [3, 14],
    ];
    expect(Array.from(velocity(squaredSteps(rows), [0, 10, 30]))).toEqual([0.5, 0.5]);
    expect(Array.from(velocity(squaredSteps(rows), [0, 10, 10]))).toEqual([0.5, 0]);
  });
});

describe('parameter_trajectory', () => {
  const shapes: Record<string, number[]> = {
    W_E: [4, 3],
    W_pos: [3, 3],
    W_Q: [2, 3, 2],
    W_K: [2, 3, 2],
    W_V: [2, 3, 2],
    W_O: [2, 2, 3],
    W_in: [3, 5],
    W_out: [5, 3],
    W_U: [3, 3],
  };
  const epochs = [0, 5, 20, 50, 100, 200];
  const draw = normal(11);
  const snapshots: TensorMap[] = epochs.map(() =>
    Object.fromEntries(
      Object.entries(shapes).map(([name, shape]) => [
        name,
        { dtype: 'F32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, draw) },
      ]),
    ),
  );
  const result = parameterTrajectory.compute(epochs, snapshots);

  it('per group: PCA of the concatenated matrices and velocity of the group vector', () => {
    expect(Array.from(result.epochs!.data as Int32Array)).toEqual(epochs);
    for (const [group, names] of Object.entries(TRAJECTORY_GROUPS)) {
      const rows = snapshots.map((snapshot) => names.flatMap((name) => Array.from(snapshot[name]!.data as Float32Array)));
      const k = Math.min(10, epochs.length, rows[0]!.length);
      expect(result[`${group}__projections`]!.shape).toEqual([epochs.length, k]);
      const reference = referencePca(rows, k);
      const projections = result[`${group}__projections`]!.data as Float32Array;
      for (let c = 0; c < k; c++) {
        expect((result[`${group}__explained_variance`]!.data as Float32Array)[c]).toBeCloseTo(reference.variance[c]!, 5);
        expect((result[`${group}__explained_variance_ratio`]!.data as Float32Array)[c]).toBeCloseTo(reference.ratio[c]!, 6);
        if (reference.variance[c]! < 1e-6) continue;
        for (let i = 0; i < epochs.length; i++) expect(projections[i * k + c]).toBeCloseTo(reference.projections[i]![c]!, 4);
      }
      const speeds = result[`${group}__velocity`]!.data as Float32Array;
      for (let i = 0; i + 1 < epochs.length; i++) {
        const distance = Math.hypot(...rows[i + 1]!.map((v, f) => v - rows[i]![f]!));
        expect(speeds[i]).toBeCloseTo(distance / (epochs[i + 1]! - epochs[i]!), 6);
      }
    }
  });
});
