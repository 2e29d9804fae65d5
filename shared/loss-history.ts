/**
 * A training job's live loss curve (`TrainJobRecord.lossHistory`), kept by the server and by the page
 * that follows the job. A resumed attempt trains again from its latest checkpoint, so its first points
 * repeat epochs the interrupted attempt already reported: they replace those, and the curve stays
 * one point per epoch, in order.
 */
import type { VariantDetail } from './artifacts.ts';
import { downsampleIndices } from './downsample.ts';
import type { LossPoint } from './jobs.ts';

/** About as many points as a job keeps of its own curve (server/jobs/job-runner.ts). */
const MAX_EARLIER_POINTS = 2000;

/** `history` with `point` appended, after dropping the points at or beyond its epoch. */
export function withLossPoint(history: readonly LossPoint[], point: LossPoint): LossPoint[] {
  const kept =
    history.at(-1) !== undefined && history.at(-1)!.epoch >= point.epoch ? history.filter((p) => p.epoch < point.epoch) : history;
  return [...kept, point];
}

/**
 * A run's stored curve (metadata.json, as GET /api/variants/:family/:variant serves it) before epoch
 * `before`, thinned to about `maxPoints` points without losing its shape; epochs whose losses are
 * not finite numbers are left out.
 */
export function storedLossPoints(
  detail: Pick<VariantDetail, 'trainLosses' | 'testLosses' | 'trainAccuracies' | 'testAccuracies'>,
  before: number,
  maxPoints = MAX_EARLIER_POINTS,
): LossPoint[] {
  const count = Math.max(0, Math.min(before, detail.trainLosses.length, detail.testLosses.length));
  const points: LossPoint[] = [];
  for (const epoch of downsampleIndices(detail.testLosses.slice(0, count), maxPoints)) {
    const trainLoss = detail.trainLosses[epoch];
    const testLoss = detail.testLosses[epoch];
    if (typeof trainLoss !== 'number' || typeof testLoss !== 'number') continue;
    const trainAccuracy = detail.trainAccuracies?.[epoch];
    const testAccuracy = detail.testAccuracies?.[epoch];
    points.push({
      epoch,
      trainLoss,
      testLoss,
      ...(typeof trainAccuracy === 'number' && typeof testAccuracy === 'number' && { trainAccuracy, testAccuracy }),
    });
  }
  return points;
}

/**
 * The whole run's curve for a job that trains on from an earlier run (a continuation, a resume):
 * the earlier run's points before the job's first epoch, then the job's own.
 */
export function wholeRunLosses(earlier: readonly LossPoint[], history: readonly LossPoint[]): LossPoint[] {
  const first = history[0]?.epoch ?? Infinity;
  return [...earlier.filter((p) => p.epoch < first), ...history];
}
