/**
 * Starting a run from other weights than its seeded init: a checkpoint of another variant (the
 * Training page, the job API) or any safetensors file with TransformerLens names (the CLI). The
 * weights' digest is part of the new variant's name (`_init<digest>`, shared/variant-name.ts), so the
 * run never takes the seeded run's name, and a queued job notices when its source changed since it
 * was named.
 */
import { createHash } from 'node:crypto';
import { WEIGHT_NAMES, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import { readCheckpoint } from './variant-files.ts';

/** Weights to start from instead of the seeded init. */
export interface InitSource {
  /** A safetensors file with TransformerLens names. */
  path: string;
  /** What metadata.json records as the source: the file's path, or "<variant> epoch <E>". */
  description: string;
  /** The digest the weights must have: the job was named by it, and the file may have changed since. */
  digest?: string;
}

/** A checkpoint of a variant of the same family as the source. */
export function checkpointSource(resultsDir: string, family: string, variant: string, epoch: number): InitSource {
  return { path: variantPaths(resultsDir, family, variant).checkpoint(epoch), description: `${variant} epoch ${epoch}` };
}

/**
 * The first 8 hex digits of the SHA-256 of the weights' float32 values, tensor after tensor in
 * `WEIGHT_NAMES` order (little-endian, as safetensors stores them). Only the values count, so the
 * same weights give the same digest whatever file or header they come from.
 */
export function weightsDigest(weights: ModelWeights): string {
  const hash = createHash('sha256');
  for (const name of WEIGHT_NAMES) hash.update(new Uint8Array(weights[name].buffer, weights[name].byteOffset, weights[name].byteLength));
  return hash.digest('hex').slice(0, 8);
}

/** Why a source cannot be used: its file is missing or unreadable, or its shapes are not this model's. */
export class InitSourceError extends Error {
  override name = 'InitSourceError';
}

/** The source's weights, checked against the model's sizes (and its expected digest), with their digest. */
export async function readInitWeights(source: InitSource, dims: ModelDims): Promise<{ weights: ModelWeights; digest: string }> {
  let weights: ModelWeights;
  try {
    weights = await readCheckpoint(source.path, dims);
  } catch (error) {
    throw new InitSourceError(`cannot start from ${source.description}: ${(error as Error).message}`);
  }
  const digest = weightsDigest(weights);
  if (source.digest !== undefined && digest !== source.digest) {
    throw new InitSourceError(
      `cannot start from ${source.description}: its weights changed since the job was named by them (digest ${digest}, was ${source.digest})`,
    );
  }
  return { weights, digest };
}
