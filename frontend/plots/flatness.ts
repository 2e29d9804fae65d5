/** Plots 17–18: loss-landscape flatness over training and one epoch's perturbation distribution. */
import type { Annotations, PlotData, Shape } from 'plotly.js';
import { formatNumber } from '../../shared/format.ts';
import { range } from './arrays.ts';
import { epochLine, hasEpochs, timeSeriesLayout } from './series.ts';
import { axis, baseLayout, COLORS, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { LandscapeFlatnessEpoch, LandscapeFlatnessSummary, PlotSpec } from './types.ts';

/** The "Flatness Metric" choices in the original's order; the first is the default. */
export const FLATNESS_METRICS = [
  { key: 'mean_delta_loss', label: 'Mean Delta Loss' },
  { key: 'median_delta_loss', label: 'Median Delta Loss' },
  { key: 'max_delta_loss', label: 'Max Delta Loss' },
  { key: 'flatness_ratio', label: 'Flatness Ratio' },
  { key: 'p90_delta_loss', label: 'P90 Delta Loss' },
  { key: 'std_delta_loss', label: 'Std Delta Loss' },
] as const;

export type FlatnessMetric = (typeof FLATNESS_METRICS)[number]['key'];

/** Histogram bins never exceed this many (fewer with fewer directions). */
const MAX_BINS = 30;

/** The selected metric (blue, left axis) and the baseline loss (grey dashed, right axis). */
export function flatnessTrajectorySpec(summary: LandscapeFlatnessSummary | null, metric: FlatnessMetric, epoch: number | null): PlotSpec {
  if (!hasEpochs(summary)) return placeholderSpec(PLACEHOLDER.noSummaryData);
  const label = FLATNESS_METRICS.find((m) => m.key === metric)!.label;
  const baseline = epochLine(summary.epochs, summary.baseline_loss.data, 'Baseline Loss', COLORS.grey);
  return {
    export: {
      selection: [metric],
      table: () => [
        { name: 'epoch', values: summary.epochs },
        { name: metric, values: summary[metric].data },
        { name: 'baseline_loss', values: summary.baseline_loss.data },
      ],
    },
    data: [
      epochLine(summary.epochs, summary[metric].data, label, COLORS.blue),
      { ...baseline, yaxis: 'y2', line: { ...baseline.line, dash: 'dash' } },
    ],
    layout: {
      ...timeSeriesLayout('flatness-trajectory', `Landscape Flatness — ${label}`, axis(label), epoch, summary.epochs),
      // Ticks of its own, not aligned to the left axis's grid (which put negative losses on it).
      yaxis2: axis('Baseline Loss', { overlaying: 'y', side: 'right', tickmode: 'auto', showgrid: false }),
    },
  };
}

/**
 * The fraction of directions whose loss rose by less than 0.1 × baseline (or 0.1 when the
 * baseline is not positive), as the analyzer's `flatness_ratio` (§4.6).
 */
export function flatnessRatio(deltas: ArrayLike<number>, baselineLoss: number): number {
  if (deltas.length === 0) return 0;
  const threshold = baselineLoss > 0 ? 0.1 * baselineLoss : 0.1;
  let flat = 0;
  for (let i = 0; i < deltas.length; i++) if (deltas[i]! < threshold) flat++;
  return flat / deltas.length;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How far below the first line's label the second one sits (px): a line of the default 12 px font and more. */
const LABEL_ROW_PX = 20;

/**
 * A vertical line at x with its label at the top, on the side away from the nearer edge of the
 * deltas' range (so it stays inside the plot), `row` label heights down: the mean's and median's
 * labels sit in rows of their own, so they never overlap however close the two values are.
 */
function labelledLine(
  x: number,
  text: string,
  color: string,
  dash: 'solid' | 'dash',
  row: number,
  extent: { min: number; max: number },
): { shape: Partial<Shape>; annotation: Partial<Annotations> } {
  const labelRight = x <= (extent.min + extent.max) / 2;
  return {
    shape: { type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 2, dash } },
    annotation: {
      text,
      xref: 'x',
      yref: 'paper',
      x,
      y: 1,
      xanchor: labelRight ? 'left' : 'right',
      yanchor: 'top',
      yshift: -row * LABEL_ROW_PX,
      showarrow: false,
      bgcolor: 'rgba(255, 255, 255, 0.8)',
      font: { color },
    },
  };
}

/** Histogram of the loss changes along random directions, with mean and median lines. */
export function perturbationSpec(artifact: LandscapeFlatnessEpoch | null, epoch: number): PlotSpec {
  const deltas = artifact ? Array.from(artifact.delta_losses.data) : [];
  if (!artifact || deltas.length === 0) return placeholderSpec(PLACEHOLDER.noEpochData);
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
  const sorted = [...deltas].sort((a, b) => a - b);
  const mid = median(sorted);
  const extent = { min: sorted[0]!, max: sorted[sorted.length - 1]! };
  const meanLine = labelledLine(mean, `Mean: ${formatNumber(mean)}`, COLORS.red, 'solid', 0, extent);
  const medianLine = labelledLine(mid, `Median: ${formatNumber(mid)}`, COLORS.green, 'dash', 1, extent);
  const ratio = flatnessRatio(deltas, artifact.baseline_loss.data[0] ?? 0);
  // `nbinsx` is a real histogram attribute that @types/plotly.js lacks.
  const histogram: Partial<PlotData> & { nbinsx: number } = {
    type: 'histogram',
    name: 'Δ Loss',
    x: deltas,
    nbinsx: Math.min(MAX_BINS, deltas.length),
    marker: { color: COLORS.blue },
    hovertemplate: 'Δ Loss: %{x}<br>Count: %{y}<extra></extra>',
  };
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'direction', values: range(deltas.length) },
        { name: 'delta_loss', values: deltas },
      ],
    },
    data: [histogram],
    layout: {
      ...baseLayout('perturbation', `Perturbation Distribution — Epoch ${epoch} (Flatness Ratio: ${ratio.toFixed(2)})`),
      xaxis: axis('Δ Loss'),
      yaxis: axis('Count'),
      showlegend: false,
      shapes: [meanLine.shape, medianLine.shape],
      annotations: [meanLine.annotation, medianLine.annotation],
    },
  };
}
