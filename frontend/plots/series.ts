/** Shared pieces of the epoch time-series plots (the 'marker' views). */
import type { Layout, LayoutAxis, PlotData } from 'plotly.js';
import { formatNumber } from '../../shared/format.ts';
import { epochMarkerLayout } from './epoch-marker.ts';
import { axis, baseLayout, TOP_LEGEND } from './style.ts';
import type { ViewId } from './views.ts';

/** A summary artifact with no epochs is as good as missing. */
export function hasEpochs<T extends { epochs: ArrayLike<number> }>(summary: T | null): summary is T {
  return summary !== null && summary.epochs.length > 0;
}

/** One named line against epochs, with hover "Epoch: x / name: y" (y as `formatNumber` writes it). */
export function epochLine(epochs: ArrayLike<number>, values: ArrayLike<number>, name: string, color: string, width = 2): Partial<PlotData> {
  const y = Array.from(values);
  return {
    type: 'scatter',
    mode: 'lines',
    name,
    x: Array.from(epochs),
    y,
    text: y.map(formatNumber),
    line: { color, width },
    hovertemplate: `Epoch: %{x}<br>${name}: %{text}<extra></extra>`,
  };
}

/**
 * Layout of a marker view: title, "Epoch" x axis, top legend, and the epoch marker placed for the
 * plotted epochs (ascending).
 */
export function timeSeriesLayout(
  id: ViewId,
  title: string,
  yaxis: Partial<LayoutAxis>,
  epoch: number | null,
  epochs: ArrayLike<number>,
): Partial<Layout> {
  return {
    ...baseLayout(id, title),
    // Epochs read best with SI prefixes ("25k"); `axis` writes small values in e-notation instead.
    xaxis: axis('Epoch', { exponentformat: 'B' }),
    yaxis,
    legend: TOP_LEGEND,
    ...epochMarkerLayout(epoch, [epochs[0] ?? 0, epochs[epochs.length - 1] ?? 0]),
  };
}
