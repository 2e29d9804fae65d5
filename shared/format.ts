/** Human-readable figures shared by the CLI, the job messages and the pages. */

/** "2 h 05 min", "3 min 07 s", "42 s"; "…" while unknown (not finite). */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '…';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

const SIGNIFICANT_DIGITS = 4;
/** Below this magnitude a fixed number of decimals reads as 0 (a loss of 2.3e-7 as "0.000000"). */
const SMALL = 1e-3;
/** From here on whole numbers, grouped: 4 significant digits would round away units. */
const LARGE = 1e4;

/**
 * Any measured value as text (losses, Δ losses, speeds): 4 significant digits without trailing
 * zeros ("3.77", "0.01235", "58.25"), scientific notation below 0.001 with the digits it needs
 * ("2.3e-7", "-1.2e-9"), grouped whole numbers from 10,000 ("12,346"), and "0" only for zero.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(SIGNIFICANT_DIGITS));
  const magnitude = Math.abs(rounded);
  if (magnitude < SMALL) return rounded.toExponential(SIGNIFICANT_DIGITS - 1).replace(/\.?0+e/, 'e');
  if (magnitude >= LARGE) return Math.round(value).toLocaleString('en-US');
  return String(rounded);
}

/**
 * A share 0…1 (an accuracy) as a percentage to one decimal, rounded down so that "100 %" means every
 * example: "100 %", "99.9 %", "12.5 %", "0 %".
 */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return String(share);
  // The nudge keeps a share like 57/100, whose product with 1000 lands just below 570, at 57 %.
  return `${Math.floor(share * 1000 + 1e-9) / 10} %`;
}

/** A queued job's place: "next in line", "2nd in line", "11th in line". */
export function queuePlace(position: number): string {
  if (position === 1) return 'next in line';
  const suffix = position % 100 >= 11 && position % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][position % 10] ?? 'th');
  return `${position}${suffix} in line`;
}

/** "12,400": epochs run into the tens of thousands. */
export function formatEpoch(epoch: number): string {
  return epoch.toLocaleString('en-US');
}

/** The epochs of a run numbered 0 … n − 1, as the Training page says them: "0 … 2,399"; "0" for a run of one. */
export function epochRange(numEpochs: number): string {
  return numEpochs > 1 ? `0 … ${formatEpoch(numEpochs - 1)}` : '0';
}

/**
 * How far a run of `numEpochs` epochs has trained, plainly: "1,200 of 2,400 epochs (0 … 2,399)" once
 * epochs 0 … 1,199 are done, "2,400 of 2,400 epochs (0 … 2,399)" at the end.
 */
export function epochsDone(done: number, numEpochs: number): string {
  return `${formatEpoch(done)} of ${countOf(numEpochs, 'epoch')} (${epochRange(numEpochs)})`;
}

/** "1 checkpoint", "12 checkpoints", "1,200 epochs": a count with its noun, plural unless one. */
export function countOf(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : `${noun}s`}`;
}
