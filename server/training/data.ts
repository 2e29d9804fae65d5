/** The modular-arithmetic dataset and its seeded train/test split (docs/ARCHITECTURE.md §5.8). */
import { MODULAR_OPERATIONS, type ModularOperation } from '../../shared/modular-operations.ts';
import type { Batch } from '../engine/model.ts';
import { Mt19937, permutation } from './rng.ts';

export interface Split {
  /** Grid indices i = a·p + b, in permuted order. */
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * One permutation of 0…p²−1 drawn from Mt19937(dataSeed); the first floor(p²·fraction) entries
 * (the product in double precision, as the original) are the training set.
 */
export function trainTestSplit(p: number, fraction: number, dataSeed: number): Split {
  const total = p * p;
  const perm = permutation(total, new Mt19937(dataSeed));
  const cutoff = Math.floor(total * fraction);
  return { trainIndices: perm.slice(0, cutoff), testIndices: perm.slice(cutoff) };
}

/** The examples [a, b, "="] at the given grid indices, labelled (a ∘ b) mod p for the family's operation ∘. */
export function batchFromIndices(p: number, operation: ModularOperation, indices: ArrayLike<number>): Batch {
  const label = MODULAR_OPERATIONS[operation];
  const n = indices.length;
  const batch: Batch = { n, a: new Int32Array(n), b: new Int32Array(n), labels: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const index = indices[i]!;
    const a = Math.floor(index / p);
    const b = index % p;
    batch.a[i] = a;
    batch.b[i] = b;
    batch.labels[i] = label(a, b, p);
  }
  return batch;
}

/** Every pair in grid order: row i = a·p + b. */
export function fullGrid(p: number, operation: ModularOperation): Batch {
  return batchFromIndices(
    p,
    operation,
    Int32Array.from({ length: p * p }, (_, i) => i),
  );
}
