/**
 * Portable sgemm in plain TypeScript, in the usual GotoBLAS shape: C is visited in blocks; for each
 * block, op(B) is packed into column panels of NR = 8 and op(A) into row panels of MR = 4 (zero
 * padded), and a 4×8 register-blocked micro-kernel accumulates each panel pair over KC values of k.
 * Deterministic: the summation order depends only on the shapes.
 */
import type { Gemm } from './gemm.ts';

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128;
const NC = 1024;

const packedA = new Float32Array(MC * KC);
const packedB = new Float32Array(KC * NC);

/** packedB[panel][kk][j] = op(B)[k0 + kk][n0 + panel·NR + j], zero beyond n. */
function packB(transB: boolean, B: Float32Array, ldb: number, k0: number, kc: number, n0: number, nc: number) {
  const panels = Math.ceil(nc / NR);
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * kc * NR;
    for (let kk = 0; kk < kc; kk++) {
      for (let j = 0; j < NR; j++) {
        const col = panel * NR + j;
        packedB[base + kk * NR + j] =
          col < nc ? (transB ? B[(n0 + col) * ldb + k0 + kk]! : B[(k0 + kk) * ldb + n0 + col]!) : 0;
      }
    }
  }
}

/** packedA[panel][kk][i] = op(A)[m0 + panel·MR + i][k0 + kk], zero beyond m. */
function packA(transA: boolean, A: Float32Array, lda: number, m0: number, mc: number, k0: number, kc: number) {
  const panels = Math.ceil(mc / MR);
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * kc * MR;
    for (let kk = 0; kk < kc; kk++) {
      for (let i = 0; i < MR; i++) {
        const row = panel * MR + i;
        packedA[base + kk * MR + i] =
          row < mc ? (transA ? A[(k0 + kk) * lda + m0 + row]! : A[(m0 + row) * lda + k0 + kk]!) : 0;
      }
    }
  }
}

/** C[rows, cols] += alpha · (packed A panel)·(packed B panel), for the valid rows × cols of the tile. */
function microKernel(kc: number, aBase: number, bBase: number, alpha: number, C: Float32Array, c0: number, ldc: number, rows: number, cols: number) {
  const a = packedA;
  const b = packedB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  for (let kk = 0, ai = aBase, bi = bBase; kk < kc; kk++, ai += MR, bi += NR) {
    const x0 = a[ai]!, x1 = a[ai + 1]!, x2 = a[ai + 2]!, x3 = a[ai + 3]!;
    const y0 = b[bi]!, y1 = b[bi + 1]!, y2 = b[bi + 2]!, y3 = b[bi + 3]!;
    const y4 = b[bi + 4]!, y5 = b[bi + 5]!, y6 = b[bi + 6]!, y7 = b[bi + 7]!;
    c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3; c04 += x0 * y4; c05 += x0 * y5; c06 += x0 * y6; c07 += x0 * y7;
    c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3; c14 += x1 * y4; c15 += x1 * y5; c16 += x1 * y6; c17 += x1 * y7;
    c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3; c24 += x2 * y4; c25 += x2 * y5; c26 += x2 * y6; c27 += x2 * y7;
    c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3; c34 += x3 * y4; c35 += x3 * y5; c36 += x3 * y6; c37 += x3 * y7;
  }
  const tile = [
    c00, c01, c02, c03, c04, c05, c06, c07,
    c10, c11, c12, c13, c14, c15, c16, c17,
    c20, c21, c22, c23, c24, c25, c26, c27,
    c30, c31, c32, c33, c34, c35, c36, c37,
  ];
  for (let i = 0; i < rows; i++) {
    const row = c0 + i * ldc;
    for (let j = 0; j < cols; j++) C[row + j] += alpha * tile[i * NR + j]!;
  }
}

function sgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: Float32Array,
  lda: number,
  B: Float32Array,
  ldb: number,
  beta: number,
  C: Float32Array,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const row = C.subarray(i * ldc, i * ldc + n);
    if (beta === 0) row.fill(0);
    else if (beta !== 1) for (let j = 0; j < n; j++) row[j]! *= beta;
  }
  if (alpha === 0) return;
  for (let n0 = 0; n0 < n; n0 += NC) {
    const nc = Math.min(NC, n - n0);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      packB(transB, B, ldb, k0, kc, n0, nc);
      for (let m0 = 0; m0 < m; m0 += MC) {
        const mc = Math.min(MC, m - m0);
        packA(transA, A, lda, m0, mc, k0, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, ir * kc, jr * kc, alpha, C, (m0 + ir) * ldc + n0 + jr, ldc, Math.min(MR, mc - ir), Math.min(NR, nc - jr));
          }
        }
      }
    }
  }
}

export const portableGemm: Gemm = { name: 'portable', sgemm };
