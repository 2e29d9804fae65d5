/** The live loss curve of a training job: a resumed attempt's points replace those it trains again. */
import { describe, expect, it } from 'vitest';
import type { LossPoint } from '../../../shared/jobs.ts';
import { withLossPoint } from '../../../shared/loss-history.ts';

const point = (epoch: number, trainLoss = 1): LossPoint => ({ epoch, trainLoss, testLoss: 2, trainAccuracy: 0.5, testAccuracy: 0.1 });
const epochs = (history: readonly LossPoint[]) => history.map((p) => p.epoch);

describe('withLossPoint', () => {
  it('appends a point past the last one', () => {
    expect(epochs(withLossPoint([point(0), point(4)], point(9)))).toEqual([0, 4, 9]);
    expect(withLossPoint([], point(0))).toEqual([point(0)]);
  });

  it("replaces the points a resumed attempt reaches again: it trains on from its checkpoint's epoch", () => {
    // The interrupted attempt reported up to epoch 12; its latest checkpoint was at epoch 5, so the resumed one starts at 6.
    const interrupted = [0, 3, 6, 9, 12].map((e) => point(e));
    const resumed = withLossPoint(interrupted, point(6, 0.7));
    expect(epochs(resumed)).toEqual([0, 3, 6]);
    expect(resumed.at(-1)!.trainLoss).toBe(0.7);
    expect(epochs(withLossPoint(resumed, point(7)))).toEqual([0, 3, 6, 7]);
  });

  it('leaves the history it was given as it was', () => {
    const history = [point(0), point(5)];
    withLossPoint(history, point(2));
    expect(epochs(history)).toEqual([0, 5]);
  });
});
