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
  /**
   * AdamW moments and step count: after the final epoch of a completed run (for continuing it), or
   * after the latest checkpoint of a run still training or interrupted, where it is the commit point
   * that says how far the run got (docs/ARCHITECTURE.md §4.7, §4.12).
   */
  optimizerState: string;
  /** training_progress.json: the losses and settings of a run not yet completed, for resuming it (§4.12). */
  progress: string;
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
    progress: join(dir, 'training_progress.json'),
    checkpoint: (epoch) => join(checkpointsDir, `checkpoint_epoch_${padEpoch(epoch)}.safetensors`),
  };
}
