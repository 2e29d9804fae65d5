/**
 * What the Training page offers when the chosen variant exists, pure: a variant a job holds is
 * busy (the server refuses another job on it); a finished one can be overwritten or continued to
 * more epochs (`continue_to`); an interrupted one overwritten or resumed (`resume`).
 */
import type { VariantState, VariantSummary } from '../../shared/api.ts';
import { countOf } from '../../shared/format.ts';
import { MAX_EPOCHS } from '../../shared/training-params.ts';

const BUSY_STATES: readonly VariantState[] = ['training', 'analyzing'];
const FINISHED_STATES: readonly VariantState[] = ['trained', 'analyzed'];

export function isBusy(variant: Pick<VariantSummary, 'state'>): boolean {
  return BUSY_STATES.includes(variant.state);
}

/** A completed run, which `continue_to` can extend. */
export function isFinished(variant: Pick<VariantSummary, 'state'>): boolean {
  return FINISHED_STATES.includes(variant.state);
}

/** "A job is training this variant: …" */
export function busyText(variant: Pick<VariantSummary, 'state'>): string {
  return `A job is ${variant.state} this variant now: the server refuses another job on it until that one ends (see Jobs).`;
}

/** "This variant already exists (trained, 4 checkpoints)." */
export function existsText(variant: Pick<VariantSummary, 'state' | 'checkpointEpochs'>): string {
  return `This variant already exists (${variant.state}, ${countOf(variant.checkpointEpochs.length, 'checkpoint')}).`;
}

/** Epochs a completed run has trained: its final checkpoint is always saved, at epoch `epochs − 1`. */
export function trainedEpochs(variant: Pick<VariantSummary, 'checkpointEpochs'>): number {
  return (variant.checkpointEpochs.at(-1) ?? -1) + 1;
}

/** Where to continue to unless the researcher says otherwise: the form's total epochs when beyond the run, else twice the run. */
export function suggestedContinueTo(trained: number, formEpochs: string): number {
  const epochs = Number(formEpochs);
  return Number.isInteger(epochs) && epochs > trained && epochs <= MAX_EPOCHS ? epochs : Math.min(trained * 2, MAX_EPOCHS);
}

/** The total epochs typed for a continuation, or why it cannot be one. */
export function checkContinueTo(text: string, trained: number): { epochs: number } | { error: string } {
  const epochs = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(epochs) || epochs <= trained || epochs > MAX_EPOCHS) {
    return {
      error: `${text.trim() || 'nothing'} does not extend the run; allowed: a whole number of epochs above ${trained.toLocaleString('en-US')} and at most ${MAX_EPOCHS.toLocaleString('en-US')}`,
    };
  }
  return { epochs };
}

/** "Continue to 600 epochs" */
export function continueLabel(epochs: number): string {
  return `Continue to ${epochs.toLocaleString('en-US')} epochs`;
}

/** "Or continue this run of 300 epochs to (epochs in all)" */
export function continuePrompt(trained: number): string {
  return `Or continue this run of ${trained.toLocaleString('en-US')} epochs to (epochs in all)`;
}

/** "Resume from epoch 1,234" */
export function resumeLabel(fromEpoch: number): string {
  return `Resume from epoch ${fromEpoch.toLocaleString('en-US')}`;
}

/** What resuming an interrupted run does, and that it keeps the run's own settings. */
export function resumePrompt(fromEpoch: number): string {
  return (
    `Or resume it: it stopped after saving epoch ${(fromEpoch - 1).toLocaleString('en-US')}, and resuming trains on from there ` +
    'to the end it was started for, with its own total epochs and checkpoints.'
  );
}
