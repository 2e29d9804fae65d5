/**
 * OpenBLAS sgemm through the optional `nblas` addon (built against Debian's libopenblas-dev).
 * nblas.sgemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) calls
 * cblas_sgemm(CblasRowMajor, …) directly and honours each typed array's byteOffset.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Gemm } from './types.ts';

const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

type NblasSgemm = (
  transA: number,
  transB: number,
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
) => void;

let cached: Gemm | null | undefined;

/** The native backend, or null when the addon is not installed or does not load. */
export function loadNativeGemm(): Gemm | null {
  if (cached !== undefined) return cached;
  // OpenBLAS reads the variable once, when the library loads; job processes get theirs from
  // jobs/cores.ts, anything else may use every core.
  process.env.OPENBLAS_NUM_THREADS ??= String(availableParallelism());
  const threads = Number.parseInt(process.env.OPENBLAS_NUM_THREADS, 10) || availableParallelism();
  try {
    const nblas = createRequire(import.meta.url)('nblas') as { sgemm: NblasSgemm };
    const sgemm = nblas.sgemm;
    cached = {
      name: 'native',
      description: `OpenBLAS cblas_sgemm, OPENBLAS_NUM_THREADS=${threads}`,
      threads,
      sgemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
        if (m === 0 || n === 0) return;
        sgemm(transA ? CBLAS_TRANS : CBLAS_NO_TRANS, transB ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}
