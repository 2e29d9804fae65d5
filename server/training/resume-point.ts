/**
 * Whether an interrupted training run can resume, and from which epoch (docs/ARCHITECTURE.md §4.12).
 * Reads the optimizer state's header and training_progress.json only, so the registry can ask it for
 * every incomplete variant it lists without loading the training engine.
 */
import type { VariantPaths } from '../registry/variant-paths.ts';
import { pathExists } from '../storage/path-exists.ts';
import { readOptimizerStep, readProgress, type TrainingProgress } from './variant-files.ts';

/** A resumable run: training goes on with epoch `epoch` (= its optimizer step) from the checkpoint of epoch − 1. */
export interface ResumableRun {
  epoch: number;
  progress: TrainingProgress;
}

/** Where an interrupted run can resume, or why it cannot (a sentence: "it …"). */
export async function checkResume(paths: VariantPaths): Promise<ResumableRun | { problem: string }> {
  if (await pathExists(paths.metadata)) return { problem: 'it completed (metadata.json exists); continue it to more epochs instead' };
  let step: number;
  let progress: TrainingProgress;
  try {
    step = await readOptimizerStep(paths.optimizerState);
    progress = await readProgress(paths.progress);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { problem: `it saved no resumable checkpoint (no ${(error as NodeJS.ErrnoException).path})` };
    }
    return { problem: (error as Error).message };
  }
  if (step < 1 || step > progress.num_epochs) {
    return { problem: `its optimizer state holds step ${step}; allowed: 1 to the run's ${progress.num_epochs} epochs` };
  }
  if (progress.train_losses.length < step || progress.test_losses.length < step) {
    return { problem: `${paths.progress} holds ${progress.train_losses.length} losses but the optimizer state is at step ${step}` };
  }
  // Absent in runs recorded before accuracies were; present, they cover every epoch like the losses.
  const accuracies = [progress.train_accuracies, progress.test_accuracies].filter((values) => values !== undefined);
  if (accuracies.some((values) => values.length < step)) {
    return { problem: `${paths.progress} holds fewer accuracies than the optimizer state's step ${step}` };
  }
  if (!(await pathExists(paths.checkpoint(step - 1)))) {
    return { problem: `its optimizer state is at step ${step} but ${paths.checkpoint(step - 1)} is missing` };
  }
  return { epoch: step, progress };
}

/** The epoch an interrupted run would resume with, or null when it cannot resume (completed, never checkpointed, inconsistent). */
export async function resumePoint(paths: VariantPaths): Promise<number | null> {
  const found = await checkResume(paths);
  return 'epoch' in found ? found.epoch : null;
}
