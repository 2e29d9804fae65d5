/**
 * Spectra and exact PCA, on top of ml-matrix's SVD and symmetric eigendecomposition.
 */
import { EigenvalueDecomposition, Matrix, SVD } from 'ml-matrix';

/** Singular values of a row-major (rows × cols) matrix, descending. */
export function singularValues(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const matrix = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) matrix.set(r, c, values[r * cols + c]!);
  const svd = new SVD(matrix, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true });
  return Float64Array.from(svd.diagonal).sort().reverse();
}

/**
 * Participation ratio of singular values s: (Σ s)² / Σ s², or 0 when Σ s² = 0 (docs/ARCHITECTURE.md §6.4).
 * It is taken on s, not s²: 1 for rank one, the count of values for a flat spectrum.
 */
export function participationRatio(s: ArrayLike<number>): number {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < s.length; i++) {
    sum += s[i]!;
    sumSquares += s[i]! ** 2;
  }
  return sumSquares === 0 ? 0 : (sum * sum) / sumSquares;
}

export interface PcaResult {
  /** projections[i·k + c]: checkpoint i's coordinate on component c, shape (n, k). */
  projections: Float64Array;
  /** Eigenvalues of the sample covariance (ddof = 1), descending, shape (k,). */
  explainedVariance: Float64Array;
  /** explainedVariance / total variance over all features, shape (k,). */
  explainedVarianceRatio: Float64Array;
  k: number;
}

/**
 * G = X·Xᵀ (n × n, row-major) of the column-centred samples X. Gram matrices of disjoint
 * feature blocks add up to the Gram matrix of their concatenation, so a parameter group's
 * matrix is the sum of its weight matrices' ones.
 */
export function centredGram(rows: readonly ArrayLike<number>[]): Float64Array {
  const n = rows.length;
  const features = rows[0]?.length ?? 0;
  const columnMean = new Float64Array(features);
  for (const row of rows) for (let f = 0; f < features; f++) columnMean[f]! += row[f]!;
  for (let f = 0; f < features; f++) columnMean[f]! /= n;
  const centred = rows.map((row) => Float64Array.from({ length: features }, (_, f) => row[f]! - columnMean[f]!));
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const rowI = centred[i]!;
      const rowJ = centred[j]!;
      let dot = 0;
      for (let f = 0; f < features; f++) dot += rowI[f]! * rowJ[f]!;
      gram[i * n + j] = dot;
      gram[j * n + i] = dot;
    }
  }
  return gram;
}

/**
 * PCA from the centred Gram matrix, k = min(maxComponents, n). G's eigenpairs are (sᵢ², uᵢ) with sᵢ
 * the singular values of the centred data X, so the projections X·vᵢ = sᵢ·uᵢ come without ever
 * forming the features-long loadings; exact and deterministic (no randomized solver).
 * Explained variance sᵢ²/(n − 1) (ddof = 1); ratio sᵢ²/trace(G), the share of the total variance.
 *
 * Sign convention: each component is oriented so that its projection with the largest absolute
 * value is positive (the first such checkpoint on ties), i.e. scikit-learn's classic U-based svd_flip.
 */
export function pcaFromGram(gram: Float64Array, n: number, maxComponents = 10): PcaResult {
  const k = Math.min(maxComponents, n);
  const eigen = new EigenvalueDecomposition(
    new Matrix(Array.from({ length: n }, (_, i) => Array.from(gram.subarray(i * n, (i + 1) * n)))),
    {
      assumeSymmetric: true,
    },
  );
  const eigenvalues = eigen.realEigenvalues;
  const order = eigenvalues.map((_, index) => index).sort((a, b) => eigenvalues[b]! - eigenvalues[a]!);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i]!;
  const dof = Math.max(n - 1, 1);

  const projections = new Float64Array(n * k);
  const explainedVariance = new Float64Array(k);
  const explainedVarianceRatio = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const index = order[c]!;
    const squaredSingular = Math.max(eigenvalues[index]!, 0);
    const u = eigen.eigenvectorMatrix.getColumn(index);
    let pivot = 0;
    for (let i = 1; i < n; i++) if (Math.abs(u[i]!) > Math.abs(u[pivot]!)) pivot = i;
    const scale = (u[pivot]! < 0 ? -1 : 1) * Math.sqrt(squaredSingular);
    for (let i = 0; i < n; i++) projections[i * k + c] = scale * u[i]!;
    explainedVariance[c] = squaredSingular / dof;
    explainedVarianceRatio[c] = trace > 0 ? squaredSingular / trace : 0;
  }
  return { projections, explainedVariance, explainedVarianceRatio, k };
}

/** ‖θᵢ₊₁ − θᵢ‖₂² for consecutive samples, length n − 1; squared step lengths of disjoint blocks add up. */
export function squaredSteps(rows: readonly ArrayLike<number>[]): Float64Array {
  const steps = new Float64Array(Math.max(rows.length - 1, 0));
  for (let i = 0; i + 1 < rows.length; i++) {
    const before = rows[i]!;
    const after = rows[i + 1]!;
    let squares = 0;
    for (let f = 0; f < before.length; f++) squares += (after[f]! - before[f]!) ** 2;
    steps[i] = squares;
  }
  return steps;
}

/** velocity[i] = ‖θᵢ₊₁ − θᵢ‖₂ / (epochᵢ₊₁ − epochᵢ), or 0 when the gap is ≤ 0. */
export function velocity(squaredStepLengths: ArrayLike<number>, epochs: readonly number[]): Float64Array {
  return Float64Array.from({ length: squaredStepLengths.length }, (_, i) => {
    const gap = epochs[i + 1]! - epochs[i]!;
    return gap > 0 ? Math.sqrt(squaredStepLengths[i]!) / gap : 0;
  });
}
