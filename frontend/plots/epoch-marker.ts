/**
 * The linked-epoch marker of every time-series plot: a red vertical line that is always
 * `layout.shapes[0]` with its "Epoch N" label as `layout.annotations[0]`, so the page moves it
 * on every plot with one `Plotly.relayout(gd, epochMarkerRelayout(epoch))` instead of a redraw.
 */
import type { Annotations, Layout, Shape } from 'plotly.js';

export const EPOCH_MARKER_COLOR = 'red';

/**
 * The marker's shape and label for a layout. With no epoch to show they are still present but
 * hidden, so index 0 stays the marker and a later relayout can reveal it.
 */
export function epochMarkerLayout(epoch: number | null): { shapes: Partial<Shape>[]; annotations: Partial<Annotations>[] } {
  const visible = epoch !== null;
  const x = epoch ?? 0;
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
        xanchor: 'left',
        yanchor: 'top',
        showarrow: false,
        font: { color: EPOCH_MARKER_COLOR },
        visible,
      },
    ],
  };
}

/** The `Plotly.relayout` update that moves (and reveals) the marker of any marker plot. */
export function epochMarkerRelayout(epoch: number): Partial<Layout> & Record<string, unknown> {
  return {
    'shapes[0].x0': epoch,
    'shapes[0].x1': epoch,
    'shapes[0].visible': true,
    'annotations[0].x': epoch,
    'annotations[0].text': epochLabel(epoch),
    'annotations[0].visible': true,
  };
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
