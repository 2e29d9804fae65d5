/**
 * landscape_flatness's perturbed forward passes spread over helper processes (flatness-worker.ts),
 * each with a one-thread OpenBLAS and its own share of the directions: process k draws and keeps
 * steps [first_k, first_k + count_k) once, then answers every checkpoint with their losses.
 * Process 0 also computes the baseline L(θ), which keeps the shares even (26 and 25 passes of 51).
 */
import type { ModularOperation } from '../../shared/modular-operations.ts';
import type { BackendName } from '../engine/gemm/gemm.ts';
import type { ModelDims, ModelWeights } from '../engine/weights.ts';
import { RpcChild } from '../workers/child-rpc.ts';
import type { FlatnessSettings, PerturbedLosses } from './flatness-passes.ts';

export interface FlatnessWorkerData {
  /** The parent's matrix-multiply backend; helpers run it with one thread. */
  backend: BackendName;
  dims: ModelDims;
  /** Labels the grid loss. */
  operation: ModularOperation;
  settings: FlatnessSettings;
  first: number;
  count: number;
}

export interface FlatnessRequest {
  weights: ModelWeights;
  withBaseline: boolean;
}

interface Helper {
  child: RpcChild<FlatnessRequest, PerturbedLosses>;
  first: number;
}

export class FlatnessPool {
  private readonly helpers: Helper[];

  constructor(
    dims: ModelDims,
    operation: ModularOperation,
    private readonly settings: FlatnessSettings,
    processes: number,
    backend: BackendName,
  ) {
    const shares = Math.min(processes, settings.directions);
    this.helpers = Array.from({ length: shares }, (_, k) => {
      // Process 0 has the baseline too, so it takes the smaller share when they cannot be equal.
      const first = Math.floor((k * settings.directions) / shares);
      const count = Math.floor(((k + 1) * settings.directions) / shares) - first;
      const data: FlatnessWorkerData = { backend, dims, operation, settings, first, count };
      const child = new RpcChild<FlatnessRequest, PerturbedLosses>(new URL('./flatness-worker.ts', import.meta.url), {
        label: 'a landscape_flatness helper process',
        data,
        env: { OPENBLAS_NUM_THREADS: '1' },
      });
      return { child, first };
    });
  }

  /** L(θ) and L(θ + step_t) for every direction t, the shares computed at the same time. */
  async losses(weights: ModelWeights): Promise<PerturbedLosses> {
    const parts = await Promise.all(this.helpers.map((helper, k) => helper.child.request({ weights, withBaseline: k === 0 })));
    const perturbed = new Float64Array(this.settings.directions);
    parts.forEach((part, k) => perturbed.set(part.perturbed, this.helpers[k]!.first));
    return { baseline: parts[0]!.baseline, perturbed };
  }

  close(): void {
    for (const helper of this.helpers) helper.child.kill();
  }
}
