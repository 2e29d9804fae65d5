/** The live loss curve of a training job: a resumed attempt's points replace those it trains again. */
import { describe, expect, it } from 'vitest';
import type { LossPoint } from '../../../shared/jobs.ts';
import { storedLossPoints, wholeRunLosses, withLossPoint } from '../../../shared/loss-history.ts';

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

describe('storedLossPoints and wholeRunLosses', () => {
  const detail = {
    trainLosses: [3, 2, null, 1, 0.5],
    testLosses: [4, 3, 2, 1.5, 1],
    trainAccuracies: [0.1, 0.2, 0.3, 0.4, 0.5],
    testAccuracies: [0, 0.1, 0.2, 0.3, 0.4],
  };

  it("reads a run's stored epochs before the given one, leaving out epochs without finite losses", () => {
    expect(storedLossPoints(detail, 4)).toEqual([
      { epoch: 0, trainLoss: 3, testLoss: 4, trainAccuracy: 0.1, testAccuracy: 0 },
      { epoch: 1, trainLoss: 2, testLoss: 3, trainAccuracy: 0.2, testAccuracy: 0.1 },
      { epoch: 3, trainLoss: 1, testLoss: 1.5, trainAccuracy: 0.4, testAccuracy: 0.3 },
    ]);
    expect(storedLossPoints({ trainLosses: [1, 2], testLosses: [1, 2] }, Infinity)).toEqual([
      { epoch: 0, trainLoss: 1, testLoss: 1 },
      { epoch: 1, trainLoss: 2, testLoss: 2 },
    ]);
  });

  it('thins a long stored run, keeping its first and last epoch', () => {
    const losses = Array.from({ length: 10_000 }, (_, i) => 1 / (i + 1));
    const points = storedLossPoints({ trainLosses: losses, testLosses: losses }, 10_000, 200);
    expect(points.length).toBeLessThanOrEqual(202);
    expect([points[0]!.epoch, points.at(-1)!.epoch]).toEqual([0, 9999]);
  });

  it("draws a continuation's whole run: the earlier epochs, then the job's own from its first", () => {
    const earlier = [0, 1, 2, 3, 4].map((e) => point(e));
    expect(epochs(wholeRunLosses(earlier, [point(3), point(9)]))).toEqual([0, 1, 2, 3, 9]);
    expect(epochs(wholeRunLosses(earlier, []))).toEqual([0, 1, 2, 3, 4]);
    expect(epochs(wholeRunLosses([], [point(5)]))).toEqual([5]);
  });
});
