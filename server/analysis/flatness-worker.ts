/**
 * A landscape_flatness helper process (started by FlatnessPool): holds its share of the
 * perturbation steps and answers each checkpoint's weights with the grid losses along them.
 */
import { selectGemm } from '../engine/gemm/gemm.ts';
import { childData, onParentMessage, toParent } from '../workers/child-process.ts';
import { perturbationSteps, perturbedLosses } from './flatness-passes.ts';
import type { FlatnessReply, FlatnessRequest, FlatnessWorkerData } from './flatness-pool.ts';
import { gridLoss } from './grid-loss.ts';

const { backend, dims, operation, settings, first, count } = childData<FlatnessWorkerData>();
const steps = perturbationSteps(dims, settings, first, count);
const loss = gridLoss(dims, operation, selectGemm(backend));

onParentMessage(({ id, weights, withBaseline }: FlatnessRequest) => {
  try {
    toParent({ id, losses: perturbedLosses(weights, steps, loss, withBaseline) } satisfies FlatnessReply);
  } catch (error) {
    toParent({ id, error: (error as Error).message } satisfies FlatnessReply);
  }
});
