/**
 * A landscape_flatness helper process (started by FlatnessPool): holds its share of the
 * perturbation steps and answers each checkpoint's weights with the grid losses along them.
 */
import { selectGemm } from '../engine/gemm/gemm.ts';
import { childData } from '../workers/child-process.ts';
import { serveRpc } from '../workers/child-rpc.ts';
import { perturbationSteps, perturbedLosses, type PerturbedLosses } from './flatness-passes.ts';
import type { FlatnessRequest, FlatnessWorkerData } from './flatness-pool.ts';
import { gridLoss } from './grid-loss.ts';

const { backend, dims, operation, settings, first, count } = childData<FlatnessWorkerData>();
const steps = perturbationSteps(dims, settings, first, count);
const loss = gridLoss(dims, operation, selectGemm(backend));

serveRpc<FlatnessRequest, PerturbedLosses>(({ weights, withBaseline }) => perturbedLosses(weights, steps, loss, withBaseline));
