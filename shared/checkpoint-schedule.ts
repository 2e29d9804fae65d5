/**
 * Checkpoint schedules (docs/ARCHITECTURE.md §5.9). Pure: used by the training engine, the CLI and the Training page.
 *
 * Unlike the original, a user list is never silently trimmed: an epoch outside the run is an error.
 */

/** The family default, stretch by stretch: every `step` epochs from `from` to `to` inclusive. */
const DEFAULT_SCHEDULE: readonly { from: number; to: number; step: number; note?: string }[] = [
  { from: 0, to: 1400, step: 100 },
  { from: 1500, to: 8500, step: 500 },
  { from: 9000, to: 12900, step: 100, note: 'the grokking region of p = 113' },
  { from: 13000, to: 24500, step: 500 },
];

function range(start: number, stopInclusive: number, step: number): number[] {
  const out: number[] = [];
  for (let e = start; e <= stopInclusive; e += step) out.push(e);
  return out;
}

/** The family default: 94 epochs below 25,000, filtered to the run, plus the final epoch (95 for 25,000). */
export function defaultCheckpointEpochs(numEpochs: number): number[] {
  const schedule = DEFAULT_SCHEDULE.flatMap(({ from, to, step }) => range(from, to, step));
  return withFinalEpoch(
    schedule.filter((e) => e < numEpochs),
    numEpochs,
  );
}

/**
 * The default schedule in words, for a run of `numEpochs` (all of it when not given): only the
 * stretches the run reaches, the last cut at its last scheduled epoch.
 * "every 100 epochs from 0 to 1,400; every 500 from 1,500 to 2,000; plus the final epoch".
 */
export function defaultScheduleDescription(numEpochs?: number): string {
  const stretches = DEFAULT_SCHEDULE.filter(({ from }) => numEpochs === undefined || from < numEpochs).map(
    ({ from, to, step, note }, i) => {
      const last = numEpochs === undefined || to < numEpochs ? to : from + Math.floor((numEpochs - 1 - from) / step) * step;
      const span =
        last === from ? `at ${from.toLocaleString('en-US')}` : `from ${from.toLocaleString('en-US')} to ${last.toLocaleString('en-US')}`;
      return `every ${step}${i === 0 ? ' epochs' : ''} ${span}${note ? ` (${note})` : ''}`;
    },
  );
  return [...stretches, 'plus the final epoch'].join('; ');
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
    if (/^-\d+$/.test(piece)) return { ok: false, error: `"${piece}" is negative; allowed: epochs from 0` };
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
