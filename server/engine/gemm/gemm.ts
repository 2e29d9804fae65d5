/**
 * One matrix-multiply interface for the engine, two backends:
 * `native` (OpenBLAS cblas_sgemm through the optional `nblas` addon) and `portable`
 * (TypeScript packing around a WebAssembly SIMD micro-kernel). Native is used when it loads; WORKBENCH_GEMM=portable
 * or an explicit request overrides that.
 */
import { loadNativeGemm } from './native.ts';
import { portableGemm } from './portable.ts';
import type { BackendName, Gemm } from './types.ts';

export type { BackendName, Gemm };

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
