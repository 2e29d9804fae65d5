/** Plot 1: train/test loss per epoch, with the analyzed checkpoints marked. */
import type { PlotMarker } from 'plotly.js';
import { downsampleIndices } from '../../shared/downsample.ts';
import { formatNumber, formatPercent } from '../../shared/format.ts';
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
 * has a loss). When the variant recorded accuracies, train and test accuracy in the same colours,
 * dotted, on a second axis (0–100 %, right): grokking as it is usually shown, train accuracy at
 * 100 % early and test accuracy jumping late.
 */
export function lossSpec(losses: TrainingLosses | null, analyzedEpochs: readonly number[], epoch: number | null): PlotSpec {
  const train = losses?.trainLosses;
  const test = losses?.testLosses;
  if (!train || !test || train.length === 0) return placeholderSpec(PLACEHOLDER.noTrainingData);

  const checkpoints = analyzedEpochs.filter((e) => Number.isInteger(e) && e >= 0 && e < train.length);
  // A stored value that is not a number (null: a diverged epoch) is drawn as a gap (NaN).
  const lineTrace = (values: ArrayLike<number | null>, name: string, color: string) => {
    const epochs = downsampleIndices(values, MAX_LINE_POINTS, checkpoints);
    const drawn = epochs.map((e) => values[e] ?? NaN);
    return epochLine(epochs, drawn, name, color, 1.5);
  };
  const data: PlotSpec['data'] = [lineTrace(train, 'Train Loss', COLORS.blue), lineTrace(test, 'Test Loss', COLORS.orange)];
  const accuracies = recordedAccuracies(losses, train.length);
  // The checkpoints the adaptive rule added (where the test loss fell fast) are open diamonds, their reason in the hover.
  const reasons = new Map((losses.addedCheckpoints ?? []).map((added) => [added.epoch, added.reason]));
  const planned = checkpoints.filter((e) => !reasons.has(e));
  const added = checkpoints.filter((e) => reasons.has(e));
  const checkpointMarkers = (epochs: number[], name: string, marker: Partial<PlotMarker>, hover: string, why?: string[]) => {
    if (epochs.length === 0) return;
    const y = epochs.map((e) => train[e] ?? NaN);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name,
      x: epochs,
      y,
      text: y.map(formatNumber),
      ...(why && { customdata: why }),
      marker: { color: COLORS.green, ...marker },
      hovertemplate: `${hover}<br>Epoch: %{x}<br>Loss: %{text}${why ? '<br>%{customdata}' : ''}<extra></extra>`,
    });
  };
  checkpointMarkers(planned, 'Checkpoints', { symbol: 'diamond', size: 8 }, 'Checkpoint');
  checkpointMarkers(
    added,
    'Added checkpoints',
    { symbol: 'diamond-open', size: 9, line: { width: 2 } },
    'Added checkpoint',
    added.map((e) => reasons.get(e)!),
  );

  if (accuracies) {
    const accuracyTrace = (values: ArrayLike<number | null>, name: string, color: string): PlotSpec['data'][number] => {
      const epochs = downsampleIndices(values, MAX_LINE_POINTS, checkpoints);
      const drawn = epochs.map((e) => values[e] ?? NaN);
      return {
        ...epochLine(epochs, drawn, name, color, 1.5),
        text: drawn.map(formatPercent),
        line: { color, width: 1.5, dash: 'dot' },
        yaxis: 'y2',
      };
    };
    data.push(
      accuracyTrace(accuracies.train, 'Train Accuracy', COLORS.blue),
      accuracyTrace(accuracies.test, 'Test Accuracy', COLORS.orange),
    );
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
          ...(accuracies
            ? [
                { name: 'train_accuracy', values: accuracies.train },
                { name: 'test_accuracy', values: accuracies.test },
              ]
            : []),
          { name: 'analyzed', values: epochs.map((e) => analyzed.has(e)) },
          ...(reasons.size > 0 ? [{ name: 'added_checkpoint_reason', values: epochs.map((e) => reasons.get(e) ?? '') }] : []),
        ];
      },
    },
    layout: {
      // Powers of ten: SI prefixes would read a loss of 0.0001 as "100μ".
      ...timeSeriesLayout('loss', 'Training Progress', axis('Loss', { type: 'log', exponentformat: 'power' }), markerEpoch, [
        0,
        train.length - 1,
      ]),
      ...(accuracies && {
        // On the right, over the loss axis; a share, drawn as 0–100 %.
        // Ticks of its own (Plotly aligns an overlaying axis's ticks to the loss grid by default: 21 %, 42 %, …).
        yaxis2: axis('Accuracy', {
          overlaying: 'y',
          side: 'right',
          range: [0, 1.02],
          tickmode: 'auto',
          tickformat: '.0%',
          showgrid: false,
        }),
      }),
      hovermode: 'x unified',
    },
  };
}

/** The variant's accuracies, one per epoch like its losses, or null when it has none (trained before they were recorded). */
function recordedAccuracies(
  losses: TrainingLosses,
  epochs: number,
): { train: ArrayLike<number | null>; test: ArrayLike<number | null> } | null {
  const { trainAccuracies: train, testAccuracies: test } = losses;
  return train && test && train.length === epochs && test.length === epochs ? { train, test } : null;
}
