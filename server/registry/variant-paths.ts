/** The on-disk layout of one variant (docs/ARCHITECTURE.md §4.1), in one place. */
import { join } from 'node:path';
import { padEpoch } from '../../shared/numbers.ts';

export interface VariantPaths {
  dir: string;
  checkpointsDir: string;
  artifactsDir: string;
  /** Written last by training: its presence means the run completed. */
  metadata: string;
  config: string;
  /** AdamW moments and step count after the final epoch, for continuing a run. */
  optimizerState: string;
  checkpoint(epoch: number): string;
}

export const CHECKPOINT_FILE = /^checkpoint_epoch_(\d+)\.safetensors$/;

export function variantPaths(resultsDir: string, familyName: string, variantName: string): VariantPaths {
  const dir = join(resultsDir, familyName, variantName);
  const checkpointsDir = join(dir, 'checkpoints');
  return {
    dir,
    checkpointsDir,
    artifactsDir: join(dir, 'artifacts'),
    metadata: join(dir, 'metadata.json'),
    config: join(dir, 'config.json'),
    optimizerState: join(dir, 'optimizer_state.safetensors'),
    checkpoint: (epoch) => join(checkpointsDir, `checkpoint_epoch_${padEpoch(epoch)}.safetensors`),
  };
}
