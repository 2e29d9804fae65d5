/** Shared pieces of the engine tests: one full-batch loss/gradient evaluation on any batch. */
import { readFile } from 'node:fs/promises';
import { familySchema, type Family } from '../../../shared/family-schema.ts';
import type { Gemm } from '../../../server/engine/gemm/gemm.ts';
import { crossEntropy } from '../../../server/engine/loss.ts';
import {
  backward,
  computeTables,
  createActivations,
  createGradientScratch,
  createTables,
  forward,
  type Batch,
} from '../../../server/engine/model.ts';
import { zeroWeights, type ModelDims, type ModelWeights } from '../../../server/engine/weights.ts';

export const FAMILY_FILE = new URL('../../../server/families/modulo_addition_1layer/family.json', import.meta.url);

export async function realFamily(): Promise<Family> {
  return familySchema.parse(JSON.parse(await readFile(FAMILY_FILE, 'utf8')));
}

/** The family with a smaller architecture, for fast end-to-end runs in tests. */
export async function tinyFamily(): Promise<Family> {
  const family = await realFamily();
  return { ...family, architecture: { ...family.architecture, n_heads: 2, d_model: 16, d_head: 8, d_mlp: 32 } };
}

/** Loss (and, when `grads` is given, every gradient) of `weights` on `batch`. */
export function lossAndGradients(weights: ModelWeights, d: ModelDims, batch: Batch, gemm: Gemm, grads?: ModelWeights): number {
  const tables = createTables(d);
  const act = createActivations(d, batch.n);
  computeTables(weights, d, gemm, tables);
  forward(batch, d, tables, gemm, act);
  if (!grads) return crossEntropy(act.logits, batch.labels, batch.n, d.p);
  const scratch = createGradientScratch(d, batch.n);
  const loss = crossEntropy(act.logits, batch.labels, batch.n, d.p, scratch.dLogits);
  backward(batch, d, weights, tables, act, gemm, scratch, grads);
  return loss;
}

export function newGradients(d: ModelDims): ModelWeights {
  return zeroWeights(d);
}

/** ‖a − b‖ / ‖b‖ */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}
