/**
 * The analysis loss (docs/ARCHITECTURE.md §6.2): mean cross-entropy at "=" over all p² pairs, train and test
 * mixed, labelled by the family's operation, for any weights. Reuses one set of engine tables and chunk buffers across calls,
 * since landscape_flatness evaluates it 51 times per checkpoint. The engine's cross-entropy is
 * float64 (the original's analysis loss used a float32 log-softmax; float64 only removes rounding).
 */
import type { ModularOperation } from '../../shared/modular-operations.ts';
import type { Gemm } from '../engine/gemm/gemm.ts';
import { computeTables, createLossScratch, createTables, forwardLoss } from '../engine/model.ts';
import type { ModelDims, ModelWeights } from '../engine/weights.ts';
import { fullGrid } from '../training/data.ts';

export function gridLoss(dims: ModelDims, operation: ModularOperation, gemm: Gemm): (weights: ModelWeights) => number {
  const grid = fullGrid(dims.p, operation);
  const tables = createTables(dims);
  const scratch = createLossScratch(dims);
  return (weights) => {
    computeTables(weights, dims, gemm, tables);
    return forwardLoss(grid, dims, tables, gemm, scratch).loss;
  };
}
