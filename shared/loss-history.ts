/**
 * A training job's live loss curve (`TrainJobRecord.lossHistory`), kept by the server and by the page
 * that follows the job. A resumed attempt trains again from its latest checkpoint, so its first points
 * repeat epochs the interrupted attempt already reported: they replace those, and the curve stays
 * one point per epoch, in order.
 */
import type { LossPoint } from './jobs.ts';

/** `history` with `point` appended, after dropping the points at or beyond its epoch. */
export function withLossPoint(history: readonly LossPoint[], point: LossPoint): LossPoint[] {
  const kept =
    history.at(-1) !== undefined && history.at(-1)!.epoch >= point.epoch ? history.filter((p) => p.epoch < point.epoch) : history;
  return [...kept, point];
}
