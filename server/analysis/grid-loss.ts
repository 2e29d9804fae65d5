/**
 * The analysis loss (spec §4.2): mean cross-entropy at "=" over all p² pairs, train and test
 * mixed, for any weights. Reuses one set of engine tables and activation buffers across calls,
 * since landscape_flatness evaluates it 51 times per checkpoint. The engine's cross-entropy is
 * float64 (the original's analysis loss used a float32 log-softmax; float64 only removes rounding).
 */
import type { Gemm } from '../engine/gemm/gemm.ts';
import { crossEntropy } from '../engine/loss.ts';
import { computeTables, createActivations, createTables, forward } from '../engine/model.ts';
import type { ModelDims, ModelWeights } from '../engine/weights.ts';
import { fullGrid } from '../training/data.ts';

export function gridLoss(dims: ModelDims, gemm: Gemm): (weights: ModelWeights) => number {
  const grid = fullGrid(dims.p);
  const tables = createTables(dims);
  const activations = createActivations(dims, grid.n);
  return (weights) => {
    computeTables(weights, dims, gemm, tables);
    forward(grid, dims, tables, gemm, activations);
    return crossEntropy(activations.logits, grid.labels, grid.n, dims.p);
  };
}
