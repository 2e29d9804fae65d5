/**
 * The Fourier basis over Z_p and the frequency decompositions built on it (docs/ARCHITECTURE.md §6.3).
 *
 * Basis rows, for x = 0 … p−1: row 0 constant; row 2k−1 = sin(2πkx/p), row 2k = cos(2πkx/p)
 * for k = 1 … ⌊p/2⌋; every row scaled to unit L2 norm. For odd p that is p×p and orthonormal.
 */
import type { Gemm } from '../engine/gemm/gemm.ts';

export interface FourierBasis {
  p: number;
  /** basis[component][x], row-major p×p, float32 as in the original. */
  matrix: Float32Array;
  /** "Constant", "sin k=1", "cos k=1", "sin k=2", … */
  names: string[];
}

/** Number of non-constant frequencies k = 1 … ⌊p/2⌋. */
export function frequencyCount(p: number): number {
  return Math.floor(p / 2);
}

export function fourierBasis(p: number): FourierBasis {
  if (!Number.isInteger(p) || p < 3 || p % 2 === 0) throw new Error(`the Fourier basis needs an odd p ≥ 3, got ${p}`);
  const matrix = new Float32Array(p * p);
  const names = ['Constant'];
  for (let x = 0; x < p; x++) matrix[x] = 1 / Math.sqrt(p);
  const trigNorm = Math.sqrt(p / 2);
  for (let k = 1; k <= frequencyCount(p); k++) {
    for (let x = 0; x < p; x++) {
      const angle = (2 * Math.PI * k * x) / p;
      matrix[(2 * k - 1) * p + x] = Math.sin(angle) / trigNorm;
      matrix[2 * k * p + x] = Math.cos(angle) / trigNorm;
    }
    names.push(`sin k=${k}`, `cos k=${k}`);
  }
  return { p, matrix, names };
}

/**
 * 2-D Fourier transform of n grids over (a, b): F_n = B · G_n · Bᵀ, in float32 like the original.
 *
 * `grids[(a·p + b)·n + c]` holds grid c at (a, b): the probe's row order with the n channels
 * (neurons or heads) last, exactly as the forward pass returns them. The result keeps channels
 * last: `F[(i·p + j)·n + c]`, coefficient of basis row i along a and row j along b.
 * Two passes of matrix products, O(p³n) instead of O(p⁴n).
 */
export function fourier2d(grids: Float32Array, n: number, basis: FourierBasis, gemm: Gemm): Float32Array {
  const { p, matrix: B } = basis;
  if (grids.length !== p * p * n) throw new Error(`fourier2d: expected ${p}·${p}·${n} values, got ${grids.length}`);
  // alongA[i][(b, c)] = Σ_a B[i][a] · grids[a][(b, c)]: one (p × p)·(p × p·n) product.
  const alongA = new Float32Array(p * p * n);
  gemm.sgemm(false, false, p, p * n, p, 1, B, p, grids, p * n, 0, alongA, p * n);
  // F[i][j][c] = Σ_b B[j][b] · alongA[i][b][c]: for each i, a (p × p)·(p × n) product.
  const F = new Float32Array(p * p * n);
  for (let i = 0; i < p; i++) {
    const block = i * p * n;
    gemm.sgemm(false, false, p, n, p, 1, B, p, alongA.subarray(block, block + p * n), n, 0, F.subarray(block, block + p * n), n);
  }
  return F;
}

/**
 * Fraction of each channel's non-constant energy explained by each frequency (§6.3).
 *
 * For frequency index f (k = f + 1) the energy is Σ F[x][y]² over x, y ∈ {0, 2k−1, 2k}
 * (a-only, b-only and product terms), with F[0][0] excluded; divided by the channel's total
 * energy Σ F² without F[0][0], clamped below at 1e-10.
 * Returns `fractions[f·n + c]`, shape (⌊p/2⌋, n); each column sums to at most 1.
 */
export function frequencyVarianceFractions(F: Float32Array, n: number, p: number): Float32Array {
  const nFreq = frequencyCount(p);
  const total = new Float64Array(n);
  for (let cell = 1; cell < p * p; cell++) {
    for (let c = 0; c < n; c++) total[c]! += F[cell * n + c]! ** 2;
  }
  const fractions = new Float32Array(nFreq * n);
  for (let f = 0; f < nFreq; f++) {
    const k = f + 1;
    const rows = [0, 2 * k - 1, 2 * k];
    const energy = new Float64Array(n);
    for (const x of rows) {
      for (const y of rows) {
        if (x === 0 && y === 0) continue;
        const cell = x * p + y;
        for (let c = 0; c < n; c++) energy[c]! += F[cell * n + c]! ** 2;
      }
    }
    for (let c = 0; c < n; c++) fractions[f * n + c] = energy[c]! / Math.max(total[c]!, 1e-10);
  }
  return fractions;
}

/** Column sums of the first min(3, ⌊p/2⌋) frequencies (k = 1, 2, 3): how coarse each channel is. */
export function lowFrequencyShare(fractions: Float32Array, n: number, p: number): Float32Array {
  const share = new Float32Array(n);
  for (let f = 0; f < Math.min(3, frequencyCount(p)); f++) {
    for (let c = 0; c < n; c++) share[c]! += fractions[f * n + c]!;
  }
  return share;
}
