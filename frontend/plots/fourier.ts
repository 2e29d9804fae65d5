/** Fourier component labels and plot 2: the embedding's Fourier coefficients. */
import { axis, baseLayout, HOVER_NUMBER, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { DominantFrequenciesEpoch, PlotSpec } from './types.ts';

/** Coefficients above this norm count as dominant (the original viewer's rule). */
export const DOMINANT_THRESHOLD = 1.0;

const DOMINANT_BAR = 'rgba(31,119,180,1)';
const FAINT_BAR = 'rgba(31,119,180,0.4)';

/**
 * The label of Fourier basis row `row`, by the basis's true order (§4.3): row 0 is the constant,
 * row 2k−1 is sin k and row 2k is cos k. (The original swapped each sin/cos pair.)
 */
export function fourierComponentLabel(row: number): string {
  if (row === 0) return 'Const';
  const k = Math.ceil(row / 2);
  return row % 2 === 1 ? `sin ${k}` : `cos ${k}`;
}

/** Labels for all `count` basis rows (count = p for odd p). */
export function fourierComponentLabels(count: number): string[] {
  return Array.from({ length: count }, (_, row) => fourierComponentLabel(row));
}

/** Bars of each basis component's norm, dominant ones (> 1.0) solid, with the threshold line. */
export function dominantFrequenciesSpec(artifact: DominantFrequenciesEpoch | null, epoch: number): PlotSpec {
  const coefficients = artifact ? Array.from(artifact.coefficients.data) : [];
  if (coefficients.length === 0) return placeholderSpec(PLACEHOLDER.noEpochData);
  const components = fourierComponentLabels(coefficients.length);
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'component', values: components },
        { name: 'norm', values: coefficients },
      ],
    },
    data: [
      {
        type: 'bar',
        name: 'Norm',
        x: components,
        y: coefficients,
        marker: { color: coefficients.map((c) => (c > DOMINANT_THRESHOLD ? DOMINANT_BAR : FAINT_BAR)) },
        hovertemplate: `%{x}<br>Norm: %{y:${HOVER_NUMBER}}<extra></extra>`,
      },
    ],
    layout: {
      ...baseLayout('freq', `Embedding Fourier Coefficients - Epoch ${epoch}`),
      xaxis: axis('Fourier Component', { tickangle: -45, type: 'category' }),
      yaxis: axis('Norm'),
      showlegend: false,
      shapes: [
        {
          type: 'line',
          xref: 'paper',
          yref: 'y',
          x0: 0,
          x1: 1,
          y0: DOMINANT_THRESHOLD,
          y1: DOMINANT_THRESHOLD,
          line: { color: 'red', dash: 'dash', width: 1.5 },
        },
      ],
      annotations: [
        {
          text: `Threshold: ${DOMINANT_THRESHOLD.toFixed(1)}`,
          xref: 'paper',
          yref: 'y',
          x: 1,
          y: DOMINANT_THRESHOLD,
          xanchor: 'right',
          yanchor: 'bottom',
          showarrow: false,
          font: { color: 'red' },
        },
      ],
    },
  };
}
