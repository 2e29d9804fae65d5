/**
 * Checkpoint schedules (docs/ARCHITECTURE.md §5.9). Pure: used by the training engine, the CLI and the Training page.
 *
 * Unlike the original, a user list is never silently trimmed: an epoch outside the run is an error.
 */

export const DEFAULT_SCHEDULE_DESCRIPTION =
  'every 100 epochs to 1,400; every 500 to 8,500; every 100 from 9,000 to 12,900 (the grokking region); ' +
  'every 500 from 13,000 to 24,500; plus the final epoch';

function range(start: number, stopInclusive: number, step: number): number[] {
  const out: number[] = [];
  for (let e = start; e <= stopInclusive; e += step) out.push(e);
  return out;
}

/** The family default: 94 epochs below 25,000, filtered to the run, plus the final epoch (95 for 25,000). */
export function defaultCheckpointEpochs(numEpochs: number): number[] {
  const schedule = [...range(0, 1400, 100), ...range(1500, 8500, 500), ...range(9000, 12900, 100), ...range(13000, 24500, 500)];
  return withFinalEpoch(
    schedule.filter((e) => e < numEpochs),
    numEpochs,
  );
}

/** Sorted, de-duplicated, and always ending with the run's final epoch `numEpochs − 1`. */
export function withFinalEpoch(epochs: readonly number[], numEpochs: number): number[] {
  return [...new Set([...epochs, numEpochs - 1])].sort((a, b) => a - b);
}

export type ParseResult = { ok: true; epochs: number[] | null } | { ok: false; error: string };

/**
 * Parses the comma-separated text field. Empty or blank means "use the default schedule" (null).
 * Every piece must be a non-negative whole number below `numEpochs` when that is given, except
 * `numEpochs` itself: a run of 2,400 epochs ends at epoch 2,399, but its length is the natural way
 * to write its end, so it stands for the final epoch.
 */
export function parseCheckpointList(text: string, numEpochs?: number): ParseResult {
  const pieces = text
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
  if (pieces.length === 0) return { ok: true, epochs: null };
  const epochs: number[] = [];
  for (const piece of pieces) {
    if (!/^\d+$/.test(piece)) {
      return { ok: false, error: `"${piece}" is not a whole number; allowed: whole epochs separated by commas` };
    }
    const epoch = Number(piece) === numEpochs ? numEpochs - 1 : Number(piece);
    const problem = checkpointEpochProblem(epoch, numEpochs);
    if (problem) return { ok: false, error: problem };
    epochs.push(epoch);
  }
  return { ok: true, epochs: [...new Set(epochs)].sort((a, b) => a - b) };
}

/** Why one checkpoint epoch is not allowed in a run of `numEpochs`, or null when it is fine. */
export function checkpointEpochProblem(epoch: number, numEpochs?: number): string | null {
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    return `${epoch} is not a whole non-negative epoch`;
  }
  if (numEpochs !== undefined && epoch >= numEpochs) {
    return `${epoch} is beyond the run; allowed: epochs 0 to ${numEpochs - 1}`;
  }
  return null;
}
