/** The engine's matrix-multiply interface, which both backends (native.ts, portable.ts) implement. */
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
