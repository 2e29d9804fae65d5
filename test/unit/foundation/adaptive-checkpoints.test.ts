/** The adaptive checkpoint rule (shared/adaptive-checkpoints.ts) on made-up test-loss curves. */
import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_CHECKPOINT_RULE,
  adaptiveCheckpoint,
  adaptiveCheckpointDescription,
  fallWatchAt,
  observed,
  savedAt,
  type AdaptiveCheckpoint,
  type AdaptiveCheckpointRule,
} from '../../../shared/adaptive-checkpoints.ts';

/** The training loop's use of the rule: the extra checkpoints a run with these test losses and planned checkpoints saves. */
function extraCheckpoints(testLosses: readonly number[], planned: readonly number[], rule: AdaptiveCheckpointRule): AdaptiveCheckpoint[] {
  const extras: AdaptiveCheckpoint[] = [];
  let watch = fallWatchAt(testLosses, planned, 0);
  testLosses.forEach((loss, epoch) => {
    watch = observed(watch, epoch, loss);
    const extra = planned.includes(epoch) ? null : adaptiveCheckpoint(watch, epoch, loss, extras.length, rule);
    if (extra) extras.push(extra);
    if (extra || planned.includes(epoch)) watch = savedAt(epoch, loss);
  });
  return extras;
}

/** The rule written out directly: the latest checkpoint before e, the highest loss since it, three conditions. */
function bruteForce(testLosses: readonly number[], planned: readonly number[], rule: AdaptiveCheckpointRule): number[] {
  const saved: number[] = [];
  const extras: number[] = [];
  testLosses.forEach((loss, epoch) => {
    if (planned.includes(epoch)) return saved.push(epoch);
    const since = saved.length > 0 ? saved.at(-1)! : 0;
    const peak = Math.max(...testLosses.slice(since, epoch + 1));
    if (extras.length < rule.max_added && epoch - since >= rule.min_spacing && loss <= peak / rule.loss_factor) {
      extras.push(epoch);
      saved.push(epoch);
    }
  });
  return extras;
}

/** A grokking-like curve: test loss rises from ln 23 to 20 by epoch 300, holds, then falls 1e7-fold from 1,000 to 1,600. */
const grokking = Array.from({ length: 3000 }, (_, e) => {
  if (e < 300) return 3.1 + (e / 300) * 17;
  if (e < 1000) return 20;
  if (e < 1600) return 20 * 10 ** ((-7 * (e - 1000)) / 600);
  return 2e-6;
});

describe('adaptive checkpoints', () => {
  const rule = ADAPTIVE_CHECKPOINT_RULE;

  it('saves one every halving of a fast fall, min_spacing apart, none while the loss rises or holds', () => {
    const extras = extraCheckpoints(grokking, [0, 500, 2999], rule);
    const epochs = extras.map((c) => c.epoch);
    expect(epochs.length).toBeGreaterThan(10);
    // All inside the fall, the first where the loss has halved from the plateau: 1,000 + 600·log10(2)/7 ≈ 1,025.8.
    expect(epochs[0]).toBe(1026);
    expect(Math.max(...epochs)).toBeLessThan(1600);
    // The loss halves every ~26 epochs, faster than the spacing allows: one every min_spacing epochs.
    epochs.slice(1).forEach((e, i) => expect(e - epochs[i]!).toBe(rule.min_spacing));
    expect(epochs).toEqual(bruteForce(grokking, [0, 500, 2999], rule));
    expect(extras[0]).toMatchObject({ epoch: 1026, peak_epoch: 500, peak_test_loss: 20, since_checkpoint: 500 });
    expect(extras[0]!.reason).toBe(
      'test loss fell 2.011× from 20 at epoch 500 (≥ 2× needed), 526 epochs after the checkpoint at epoch 500',
    );
    expect(extras[1]).toMatchObject({ epoch: 1076, peak_epoch: 1026, since_checkpoint: 1026 });
  });

  it('counts a fall from a peak since the latest checkpoint, not only from the checkpoint itself', () => {
    // Checkpoint at 0 (loss 3.1), peak 20 at 300, back to 9 at 400: 20/9 > 2 though 9 > 3.1.
    const losses = Array.from({ length: 500 }, (_, e) => (e <= 300 ? 3.1 + (e / 300) * 16.9 : Math.max(9, 20 - (e - 300) * 0.11)));
    const extras = extraCheckpoints(losses, [0], rule);
    expect(extras.map((c) => c.epoch)).toEqual(bruteForce(losses, [0], rule));
    expect(extras[0]).toMatchObject({ peak_epoch: 300, peak_test_loss: 20, since_checkpoint: 0 });
  });

  it('stops at max_added, and waits min_spacing epochs after any checkpoint, planned or extra', () => {
    const halving = Array.from({ length: 2000 }, (_, e) => 2 ** (-e / 10));
    const bounded = { loss_factor: 2, min_spacing: 25, max_added: 7 };
    const extras = extraCheckpoints(halving, [0, 100, 1999], bounded);
    expect(extras.map((c) => c.epoch)).toEqual([25, 50, 75, 125, 150, 175, 200]);
    expect(extras.map((c) => c.epoch)).toEqual(bruteForce(halving, [0, 100, 1999], bounded));
  });

  it('saves nothing for a slow fall, a flat curve or NaN losses; without a checkpoint yet the window starts at epoch 0', () => {
    const slow = Array.from({ length: 1000 }, (_, e) => 4 * 0.9995 ** e); // 1.65× over the run
    expect(extraCheckpoints(slow, [999], rule)).toEqual([]);
    expect(extraCheckpoints(new Array(500).fill(1), [499], rule)).toEqual([]);
    expect(extraCheckpoints(new Array(500).fill(NaN), [499], rule)).toEqual([]);
    const unplanned = extraCheckpoints(
      Array.from({ length: 200 }, (_, e) => 4 / (1 + e)),
      [199],
      rule,
    );
    expect(unplanned[0]).toMatchObject({ epoch: 50, since_checkpoint: null, peak_epoch: 0 });
    expect(unplanned[0]!.reason).toContain('50 epochs after the start, no checkpoint saved yet');
  });

  it('rebuilds the same window from the recorded losses and checkpoints at any epoch (a resumed run decides the same)', () => {
    const planned = [0, 500, 2999];
    const uninterrupted = extraCheckpoints(grokking, planned, rule);
    for (const from of [1, 1040, 1051, 1075, 1300, 2000]) {
      const savedBefore = [...planned, ...uninterrupted.map((c) => c.epoch)].filter((e) => e < from);
      const extras = uninterrupted.filter((c) => c.epoch < from);
      let watch = fallWatchAt(grokking.slice(0, from), savedBefore, from);
      for (let epoch = from; epoch < grokking.length; epoch++) {
        watch = observed(watch, epoch, grokking[epoch]!);
        const extra = planned.includes(epoch) ? null : adaptiveCheckpoint(watch, epoch, grokking[epoch]!, extras.length, rule);
        if (extra) extras.push(extra);
        if (extra || planned.includes(epoch)) watch = savedAt(epoch, grokking[epoch]!);
      }
      expect(extras, `resumed at ${from}`).toEqual(uninterrupted);
    }
  });

  it('says the rule with its constants', () => {
    expect(adaptiveCheckpointDescription()).toBe(
      'Besides these, training saves an extra checkpoint whenever the test loss has fallen to 1/2 of its highest value since the latest ' +
        'checkpoint, at least 50 epochs after it, up to 60 extra per run, so the grokking transition is resolved at any prime; ' +
        'the variant records each one and why.',
    );
  });
});
