/** Shared test fixtures: the shipped family, and synthetic variants of random weights on disk. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { familySchema, type Family } from '../../../shared/family-schema.ts';
import { REPO_ROOT } from '../../../server/config.ts';
import { modelDims, type ModelDims, type ModelWeights } from '../../../server/engine/weights.ts';
import { variantPaths } from '../../../server/registry/variant-paths.ts';
import { initWeights } from '../../../server/training/init.ts';
import { writeCheckpoint } from '../../../server/training/variant-files.ts';

export async function moduloFamily(): Promise<Family> {
  return familySchema.parse(JSON.parse(await readFile(join(REPO_ROOT, 'server/families/modulo_addition_1layer/family.json'), 'utf8')));
}

export function tempDir(prefix = 'analysis-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes checkpoints of seeded random weights (a different seed per epoch) for variant p{p}_seed{seed}. */
export async function writeSyntheticVariant(resultsDir: string, family: Family, p: number, epochs: number[], seed = 1) {
  const dims: ModelDims = modelDims(family.architecture, p);
  const variant = `${family.name}_p${p}_seed${seed}`;
  const paths = variantPaths(resultsDir, family.name, variant);
  const weights = new Map<number, ModelWeights>();
  for (const epoch of epochs) {
    const w = initWeights(dims, seed * 100_003 + epoch);
    weights.set(epoch, w);
    await writeCheckpoint(paths.checkpoint(epoch), w, dims);
  }
  return { variant, paths, dims, weights };
}
