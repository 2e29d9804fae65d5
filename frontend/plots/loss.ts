/** Plot 1: train/test loss per epoch, with the analyzed checkpoints marked. */
import { downsampleIndices } from '../../shared/downsample.ts';
import { formatNumber } from '../../shared/format.ts';
import { range } from './arrays.ts';
import { epochLine, timeSeriesLayout } from './series.ts';
import { axis, COLORS, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { PlotSpec, TrainingLosses } from './types.ts';

/** W&B draws about 1,500 points per line; a few thousand keep Plotly fast at any run length. */
export const MAX_LINE_POINTS = 2000;

/** Min/max-bucket thinning, shared with the server's curve downsampling (shared/downsample.ts). */
export { downsampleIndices };

/**
 * "Training Progress": train (blue) and test (orange) loss on a log axis, green diamonds at
 * the analyzed epochs at their train loss, and the epoch marker (shown only for an epoch that
 * has a loss).
 */
export function lossSpec(losses: TrainingLosses | null, analyzedEpochs: readonly number[], epoch: number | null): PlotSpec {
  const train = losses?.trainLosses;
  const test = losses?.testLosses;
  if (!train || !test || train.length === 0) return placeholderSpec(PLACEHOLDER.noTrainingData);

  const checkpoints = analyzedEpochs.filter((e) => Number.isInteger(e) && e >= 0 && e < train.length);
  const lineTrace = (values: ArrayLike<number>, name: string, color: string) => {
    const epochs = downsampleIndices(values, MAX_LINE_POINTS, checkpoints);
    const drawn = epochs.map((e) => values[e]!);
    return epochLine(epochs, drawn, name, color, 1.5);
  };
  const data: PlotSpec['data'] = [lineTrace(train, 'Train Loss', COLORS.blue), lineTrace(test, 'Test Loss', COLORS.orange)];
  if (checkpoints.length > 0) {
    const y = checkpoints.map((e) => train[e]!);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'Checkpoints',
      x: checkpoints,
      y,
      text: y.map(formatNumber),
      marker: { color: COLORS.green, symbol: 'diamond', size: 8 },
      hovertemplate: 'Checkpoint<br>Epoch: %{x}<br>Loss: %{text}<extra></extra>',
    });
  }

  const markerEpoch = epoch !== null && epoch >= 0 && epoch < train.length ? epoch : null;
  return {
    data,
    export: {
      selection: [],
      // Every epoch: the lines above are thinned to MAX_LINE_POINTS.
      table: () => {
        const analyzed = new Set(checkpoints);
        const epochs = range(train.length);
        return [
          { name: 'epoch', values: epochs },
          { name: 'train_loss', values: train },
          { name: 'test_loss', values: test },
          { name: 'analyzed', values: epochs.map((e) => analyzed.has(e)) },
        ];
      },
    },
    layout: {
      // Powers of ten: SI prefixes would read a loss of 0.0001 as "100μ".
      ...timeSeriesLayout('loss', 'Training Progress', axis('Loss', { type: 'log', exponentformat: 'power' }), markerEpoch, [
        0,
        train.length - 1,
      ]),
      hovermode: 'x unified',
    },
  };
}
