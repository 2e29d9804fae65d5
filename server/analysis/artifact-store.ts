/**
 * The artifacts/ folder of one variant: where each file lives and how it is listed, read and
 * written (docs/ARCHITECTURE.md §4.1, §4.8). Whether a result exists is decided by its
 * file alone; every write goes through a temporary name and a rename.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { padEpoch } from '../../shared/numbers.ts';
import { readSafetensors, writeSafetensors, type TensorMap } from '../storage/safetensors.ts';

export const EPOCH_FILE = /^epoch_(\d+)\.safetensors$/;
export const SUMMARY_FILE = 'summary.safetensors';
export const CROSS_EPOCH_FILE = 'cross_epoch.safetensors';

export interface ArtifactPaths {
  dir: string;
  manifest: string;
  analyzerDir(analyzer: string): string;
  epochFile(analyzer: string, epoch: number): string;
  summaryFile(analyzer: string): string;
  crossEpochFile(analyzer: string): string;
}

export function artifactPaths(artifactsDir: string): ArtifactPaths {
  const analyzerDir = (analyzer: string) => join(artifactsDir, analyzer);
  return {
    dir: artifactsDir,
    manifest: join(artifactsDir, 'manifest.json'),
    analyzerDir,
    epochFile: (analyzer, epoch) => join(analyzerDir(analyzer), `epoch_${padEpoch(epoch)}.safetensors`),
    summaryFile: (analyzer) => join(analyzerDir(analyzer), SUMMARY_FILE),
    crossEpochFile: (analyzer) => join(analyzerDir(analyzer), CROSS_EPOCH_FILE),
  };
}

/** Epochs with a finished per-epoch file for this analyzer, ascending (hidden temporaries never match). */
export async function listArtifactEpochs(paths: ArtifactPaths, analyzer: string): Promise<number[]> {
  try {
    return (await readdir(paths.analyzerDir(analyzer)))
      .map((file) => EPOCH_FILE.exec(file))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** The tensors of an artifact file, or undefined when it does not exist. */
export async function readArtifact(path: string): Promise<TensorMap | undefined> {
  try {
    return (await readSafetensors(path)).tensors;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function writeArtifact(path: string, tensors: TensorMap): Promise<void> {
  return writeSafetensors(path, tensors);
}

/** The `epochs` tensor of a summary or cross-epoch file as numbers. */
export function epochsOf(tensors: TensorMap): number[] {
  return Array.from(tensors.epochs?.data ?? [], Number);
}
