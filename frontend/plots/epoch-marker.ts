/**
 * The linked-epoch marker of every time-series plot: a red vertical line that is always
 * `layout.shapes[0]` with its "Epoch N" label as `layout.annotations[0]`, so the page moves it on
 * every plot by swapping just those two (withEpochMarker) and letting `Plotly.react` redraw them.
 */
import type { Annotations, Shape } from 'plotly.js';
import type { PlotSpec } from './types.ts';

export const EPOCH_MARKER_COLOR = 'red';

/**
 * The marker's shape and label for a layout. With no epoch to show they are still present but
 * hidden, so index 0 stays the marker and a later move can reveal it. Given the figure's first and
 * last epoch, the label sits on the side of the line with room for it: right of the line in the
 * first half, left of it in the second, so "Epoch 2399" at the end of a run is not cut off.
 */
export function epochMarkerLayout(
  epoch: number | null,
  span?: readonly [number, number],
): { shapes: Partial<Shape>[]; annotations: Partial<Annotations>[] } {
  const visible = epoch !== null;
  const x = epoch ?? 0;
  const labelLeftOfLine = span !== undefined && x > (span[0] + span[1]) / 2;
  return {
    shapes: [
      {
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: x,
        x1: x,
        y0: 0,
        y1: 1,
        line: { color: EPOCH_MARKER_COLOR, width: 2, dash: 'solid' },
        visible,
      },
    ],
    annotations: [
      {
        text: epochLabel(x),
        xref: 'x',
        yref: 'paper',
        x,
        y: 1,
        xanchor: labelLeftOfLine ? 'right' : 'left',
        yanchor: 'top',
        showarrow: false,
        font: { color: EPOCH_MARKER_COLOR },
        visible,
      },
    ],
  };
}

/**
 * The figure with its marker moved to `epoch` (and shown), everything else shared with `spec`.
 * Plotly.react sees the same trace objects and redraws only the marker: a few ms, where a
 * `Plotly.relayout` of the shape recomputes the whole figure (measured 15–45 ms per plot).
 */
export function withEpochMarker(spec: PlotSpec, epoch: number): PlotSpec {
  const { shapes = [], annotations = [] } = spec.layout;
  const marker = epochMarkerLayout(epoch, epochSpan(spec.data));
  return {
    ...spec,
    layout: {
      ...spec.layout,
      shapes: [...marker.shapes, ...shapes.slice(1)],
      annotations: [...marker.annotations, ...annotations.slice(1)],
    },
  };
}

/** The first and last epoch a figure's traces plot (each trace's x ascending), or undefined without any. */
export function epochSpan(data: PlotSpec['data']): [number, number] | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const trace of data) {
    const x = (trace as { x?: ArrayLike<unknown> }).x;
    if (!x || x.length === 0 || typeof x[0] !== 'number') continue;
    first = Math.min(first, x[0]);
    last = Math.max(last, x[x.length - 1] as number);
  }
  return first <= last ? [first, last] : undefined;
}

/**
 * The analyzed epoch nearest to a clicked x value: the smallest absolute difference, ties to
 * the first in `epochs` order (the original's click-to-navigate rule). Undefined if none.
 */
export function nearestEpoch(epochs: ArrayLike<number>, x: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (let i = 0; i < epochs.length; i++) {
    const epoch = epochs[i]!;
    const distance = Math.abs(epoch - x);
    if (distance < bestDistance) {
      best = epoch;
      bestDistance = distance;
    }
  }
  return best;
}

function epochLabel(epoch: number): string {
  return `Epoch ${epoch}`;
}
