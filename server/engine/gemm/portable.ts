/**
 * Portable sgemm: TypeScript packing and blocking around a WebAssembly SIMD micro-kernel
 * (simd-kernel.ts), in the usual GotoBLAS shape. For each block of C, op(B) is packed into column
 * panels of NR = 8 and op(A) into row panels of MR = 6 (zero padded) inside the kernel's memory; the
 * kernel computes every 6×8 tile of the block product over KC values of k into a scratch area, and
 * C += alpha·scratch. Deterministic: the summation order depends only on the shapes.
 */
import type { Gemm } from './types.ts';
import { KERNEL_COLUMNS, KERNEL_ROWS, loadSimdKernel, SIMD_MEMORY_BYTES } from './simd-kernel.ts';

const MR = KERNEL_ROWS;
const NR = KERNEL_COLUMNS;
const KC = 256;
const MC = 120; // a multiple of MR
const NC = 1024;

// Kernel memory: packed A [MC·KC], packed B [KC·NC], tile scratch [MC·NC], float32.
const A_BASE = 0;
const B_BASE = A_BASE + MC * KC * 4;
const C_BASE = B_BASE + KC * NC * 4;
if (C_BASE + MC * NC * 4 > SIMD_MEMORY_BYTES) throw new Error('portable sgemm blocks do not fit the kernel memory');

const simd = loadSimdKernel();
const memory = simd.memory.buffer;
const packedA = new Float32Array(memory, A_BASE, MC * KC);
const packedB = new Float32Array(memory, B_BASE, KC * NC);
const scratch = new Float32Array(memory, C_BASE, MC * NC);

/** packedB[panel][kk][j] = op(B)[k0 + kk][n0 + panel·NR + j], zero beyond n. */
function packB(transB: boolean, B: Float32Array, ldb: number, k0: number, kc: number, n0: number, nc: number) {
  const panels = Math.ceil(nc / NR);
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * kc * NR;
    for (let kk = 0; kk < kc; kk++) {
      for (let j = 0; j < NR; j++) {
        const col = panel * NR + j;
        packedB[base + kk * NR + j] = col < nc ? (transB ? B[(n0 + col) * ldb + k0 + kk]! : B[(k0 + kk) * ldb + n0 + col]!) : 0;
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
        packedA[base + kk * MR + i] = row < mc ? (transA ? A[(k0 + kk) * lda + m0 + row]! : A[(m0 + row) * lda + k0 + kk]!) : 0;
      }
    }
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
        const mPanels = Math.ceil(mc / MR);
        const nPanels = Math.ceil(nc / NR);
        const ldScratch = nPanels * NR;
        simd.kernel(kc, mPanels, nPanels, A_BASE, B_BASE, C_BASE, ldScratch * 4);
        for (let i = 0; i < mc; i++) {
          const row = (m0 + i) * ldc + n0;
          const tile = i * ldScratch;
          for (let j = 0; j < nc; j++) C[row + j] += alpha * scratch[tile + j]!;
        }
      }
    }
  }
}

export const portableGemm: Gemm = { name: 'portable', description: 'WebAssembly SIMD 6×8 kernel, TypeScript packing', threads: 1, sgemm };
