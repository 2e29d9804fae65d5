/**
 * Adaptive checkpoints (docs/ARCHITECTURE.md §5.9): besides the planned schedule, a run saves an
 * extra checkpoint whenever its test loss falls fast, so the grokking transition is resolved at any
 * prime, not only where the default schedule is dense (9,000–12,900, tuned for p = 113). Pure: the
 * training loop, the Training page and the docs use it.
 *
 * The rule, with ℓ_e the test loss after epoch e, s the latest saved checkpoint before e (planned or
 * extra; epoch 0 when none is yet) and ℓ̂ = max_{s ≤ j ≤ e} ℓ_j the highest test loss since it:
 *
 *   save an extra checkpoint at e  ⇔  ℓ_e ≤ ℓ̂ / loss_factor  and  e − s ≥ min_spacing  and  fewer than max_added so far.
 *
 * So no fall of the test loss by loss_factor or more goes unsampled, except within min_spacing epochs
 * of a checkpoint or once the budget is spent. A fall from a peak counts (test loss rises while the
 * model memorizes, then falls in the transition). The decision depends only on the test losses and
 * the checkpoints saved so far, both recorded in the progress file, so a resumed run makes the same
 * decisions (`fallWatchAt` rebuilds the state).
 */
import { formatNumber } from './format.ts';

/** The rule's constants, recorded in metadata.json (`adaptive_checkpoint_rule`) so a resumed or continued run applies the same. */
export interface AdaptiveCheckpointRule {
  /** Save when the test loss is at most 1/loss_factor of its highest value since the latest checkpoint … */
  loss_factor: number;
  /** … at least this many epochs after that checkpoint … */
  min_spacing: number;
  /** … while the run has added fewer extra checkpoints than this. */
  max_added: number;
}

/**
 * The default rule. A factor 2 is one checkpoint per halving of the test loss: a transition from ~10
 * to ~1e-7 gets up to ~27 of them, enough to draw the specialization curves smoothly. 50 epochs apart
 * at least: at p = 43 the transition (1,500–2,400) then gets up to 18, and no run saves one every
 * epoch. At most 60 per run: two full falls (a transition and a later spike's recovery) at ~0.9 MB
 * each at p = 113, against 95 planned.
 */
export const ADAPTIVE_CHECKPOINT_RULE: AdaptiveCheckpointRule = { loss_factor: 2, min_spacing: 50, max_added: 60 };

/** An extra checkpoint and why it was saved: metadata.json `adaptive_checkpoints`. */
export interface AdaptiveCheckpoint {
  epoch: number;
  test_loss: number;
  /** The highest test loss since the latest checkpoint before `epoch`, and its epoch. */
  peak_epoch: number;
  peak_test_loss: number;
  /** The latest checkpoint before `epoch`, or null when none was saved yet (the window starts at epoch 0). */
  since_checkpoint: number | null;
  /** The same in words. */
  reason: string;
}

/** What the rule remembers between epochs: the window since the latest checkpoint and its highest test loss. */
export interface FallWatch {
  /** The latest saved checkpoint, or null before the first (the window then starts at epoch 0). */
  sinceCheckpoint: number | null;
  /** The highest test loss in the window (−∞ while it is empty; NaN losses are skipped) and its first epoch. */
  peak: number;
  peakEpoch: number;
}

/** The watch before `epoch` of a run whose test losses and saved checkpoints up to there are given (a resumed run rebuilds it so). */
export function fallWatchAt(testLosses: readonly number[], checkpointEpochs: readonly number[], epoch: number): FallWatch {
  const saved = checkpointEpochs.filter((e) => e < epoch);
  let watch = windowFrom(saved.length > 0 ? Math.max(...saved) : null);
  for (let e = watch.sinceCheckpoint ?? 0; e < epoch; e++) watch = observed(watch, e, testLosses[e]!);
  return watch;
}

/** An empty window starting at checkpoint `sinceCheckpoint` (null: at epoch 0, none saved yet). */
function windowFrom(sinceCheckpoint: number | null): FallWatch {
  return { sinceCheckpoint, peak: -Infinity, peakEpoch: sinceCheckpoint ?? 0 };
}

/** The watch after test loss `testLoss` of epoch `epoch`, before any decision. */
export function observed(watch: FallWatch, epoch: number, testLoss: number): FallWatch {
  return testLoss > watch.peak ? { ...watch, peak: testLoss, peakEpoch: epoch } : watch;
}

/** The watch after a checkpoint was saved at `epoch` with test loss `testLoss`: the window restarts there. */
export function savedAt(epoch: number, testLoss: number): FallWatch {
  return observed(windowFrom(epoch), epoch, testLoss);
}

/**
 * The extra checkpoint the rule saves at `epoch` (not a planned one), or null. `watch` has observed
 * `testLoss`; `added` counts the extra checkpoints saved so far.
 */
export function adaptiveCheckpoint(
  watch: FallWatch,
  epoch: number,
  testLoss: number,
  added: number,
  rule: AdaptiveCheckpointRule,
): AdaptiveCheckpoint | null {
  const since = watch.sinceCheckpoint ?? 0;
  if (added >= rule.max_added || epoch - since < rule.min_spacing || !(testLoss <= watch.peak / rule.loss_factor)) return null;
  const fall = watch.peak / testLoss;
  return {
    epoch,
    test_loss: testLoss,
    peak_epoch: watch.peakEpoch,
    peak_test_loss: watch.peak,
    since_checkpoint: watch.sinceCheckpoint,
    reason:
      `test loss fell ${Number.isFinite(fall) ? `${formatNumber(fall)}×` : 'to 0'} from ${formatNumber(watch.peak)} at epoch ${watch.peakEpoch} ` +
      `(≥ ${rule.loss_factor}× needed), ${epoch - since} epochs after ` +
      (watch.sinceCheckpoint === null ? 'the start, no checkpoint saved yet' : `the checkpoint at epoch ${watch.sinceCheckpoint}`),
  };
}

/** The rule in a sentence, for the Training page and help texts. */
export function adaptiveCheckpointDescription(rule: AdaptiveCheckpointRule = ADAPTIVE_CHECKPOINT_RULE): string {
  return (
    `Besides these, training saves an extra checkpoint whenever the test loss has fallen to 1/${rule.loss_factor} of its highest value ` +
    `since the latest checkpoint, at least ${rule.min_spacing} epochs after it, up to ${rule.max_added} extra per run, ` +
    'so the grokking transition is resolved at any prime; the variant records each one and why.'
  );
}
