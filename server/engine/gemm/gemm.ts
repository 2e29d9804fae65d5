/**
 * One matrix-multiply interface for the engine, two backends:
 * `native` (OpenBLAS cblas_sgemm through the optional `nblas` addon) and `portable`
 * (TypeScript packing around a WebAssembly SIMD micro-kernel). Native is used when it loads; WORKBENCH_GEMM=portable
 * or an explicit request overrides that.
 */
import { loadNativeGemm } from './native.ts';
import { portableGemm } from './portable.ts';

export type BackendName = 'native' | 'portable';

export interface Gemm {
  readonly name: BackendName;
  /**
   * What exactly runs, e.g. "OpenBLAS cblas_sgemm, OPENBLAS_NUM_THREADS=2". Results are bitwise
   * reproducible for the same description on the same CPU: OpenBLAS sums differently with a
   * different thread count, and picks its kernels by CPU (AVX2, AVX-512).
   */
  readonly description: string;
  /** Threads one product may use; 1 means the sums of a one-thread run, whichever process runs them. */
  readonly threads: number;
  /**
   * Row-major single precision C = alpha·op(A)·op(B) + beta·C, as cblas_sgemm(CblasRowMajor, …):
   * op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are row strides of the stored matrices.
   * Arrays may be subarrays (views with an offset).
   */
  sgemm(
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
  ): void;
}

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'portable'];

/** The backends that load on this machine, native first. */
export function availableBackends(): BackendName[] {
  return loadNativeGemm() ? ['native', 'portable'] : ['portable'];
}

/**
 * The backend to use: `requested` if given, else env WORKBENCH_GEMM, else native when it loads.
 * Asking for native explicitly when the addon is missing is an error rather than a silent fallback.
 */
export function selectGemm(requested?: BackendName, env: NodeJS.ProcessEnv = process.env): Gemm {
  const wanted = requested ?? env.WORKBENCH_GEMM;
  if (wanted !== undefined && !BACKEND_NAMES.includes(wanted as BackendName)) {
    throw new Error(`unknown matrix-multiply backend "${wanted}"; allowed: ${BACKEND_NAMES.join(', ')}`);
  }
  if (wanted === 'portable') return portableGemm;
  const native = loadNativeGemm();
  if (native) return native;
  if (wanted === 'native') throw new Error('the native backend is not available: the optional nblas addon did not load');
  return portableGemm;
}
