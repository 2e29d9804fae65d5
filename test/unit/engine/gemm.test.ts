/** Every backend against a plain triple loop, for all transpose combinations, odd sizes and strides. */
import { describe, expect, it } from 'vitest';
import { availableBackends, selectGemm } from '../../../server/engine/gemm/gemm.ts';
import { Mt19937 } from '../../../server/training/rng.ts';

function random(n: number, rng: Mt19937): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform53() - 0.5);
}

describe.each(availableBackends())('%s sgemm', (backend) => {
  const gemm = selectGemm(backend);
  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('transA=%s transB=%s', (transA, transB) => {
    const rng = new Mt19937(7);
    for (const [m, n, k] of [
      [1, 1, 1],
      [5, 9, 3],
      [131, 70, 300],
      [9, 1030, 17],
    ] as const) {
      const lda = (transA ? m : k) + 2;
      const ldb = (transB ? k : n) + 1;
      const ldc = n + 3;
      const A = random((transA ? k : m) * lda, rng);
      const B = random((transB ? n : k) * ldb, rng);
      const C = random(m * ldc, rng);
      const expected = C.slice();
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let l = 0; l < k; l++) sum += (transA ? A[l * lda + i]! : A[i * lda + l]!) * (transB ? B[j * ldb + l]! : B[l * ldb + j]!);
          expected[i * ldc + j] = 0.5 * sum + 0.25 * C[i * ldc + j]!;
        }
      }
      gemm.sgemm(transA, transB, m, n, k, 0.5, A, lda, B, ldb, 0.25, C, ldc);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) expect(C[i * ldc + j]).toBeCloseTo(expected[i * ldc + j]!, 4);
        // Padding columns beyond n stay untouched.
        for (let j = n; j < ldc && i < m - 1; j++) expect(C[i * ldc + j]).toBe(expected[i * ldc + j]);
      }
    }
  });
});

it('names the backend it selects, and honours WORKBENCH_GEMM', () => {
  expect(selectGemm(undefined, { WORKBENCH_GEMM: 'portable' }).name).toBe('portable');
  expect(() => selectGemm(undefined, { WORKBENCH_GEMM: 'gpu' })).toThrow(
    /unknown matrix-multiply backend "gpu"; allowed: native, portable/,
  );
  expect(availableBackends()).toContain(selectGemm(undefined, {}).name);
});
