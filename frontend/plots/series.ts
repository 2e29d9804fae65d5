/** Shared pieces of the epoch time-series plots (the 'marker' views). */
import type { Layout, LayoutAxis, PlotData } from 'plotly.js';
import { epochMarkerLayout } from './epoch-marker.ts';
import { axis, baseLayout, TOP_LEGEND } from './style.ts';
import type { ViewId } from './views.ts';

/** A summary artifact with no epochs is as good as missing. */
export function hasEpochs<T extends { epochs: ArrayLike<number> }>(summary: T | null): summary is T {
  return summary !== null && summary.epochs.length > 0;
}

/** One named line against epochs, with hover "Epoch: x / name: y". */
export function epochLine(
  epochs: ArrayLike<number>,
  values: ArrayLike<number>,
  name: string,
  color: string,
  options: { width?: number; yFormat?: string } = {},
): Partial<PlotData> {
  return {
    type: 'scatter',
    mode: 'lines',
    name,
    x: Array.from(epochs),
    y: Array.from(values),
    line: { color, width: options.width ?? 2 },
    hovertemplate: `Epoch: %{x}<br>${name}: %{y${options.yFormat ?? ''}}<extra></extra>`,
  };
}

/** Layout of a marker view: title, "Epoch" x axis, top legend, and the epoch marker. */
export function timeSeriesLayout(id: ViewId, title: string, yaxis: Partial<LayoutAxis>, epoch: number | null): Partial<Layout> {
  return {
    ...baseLayout(id, title),
    xaxis: axis('Epoch'),
    yaxis,
    legend: TOP_LEGEND,
    ...epochMarkerLayout(epoch),
  };
}
