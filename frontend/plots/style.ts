/**
 * Shared look of every plot: colours, colour scales, the light `plotly_white`-like layout
 * (plotly.js has no template names, so it is written out here), and placeholder figures.
 */
import type { ColorBar, ColorScale, Layout, LayoutAxis, Legend } from 'plotly.js';
import type { PlotSpec } from './types.ts';
import { viewInfo, type ViewId } from './views.ts';

/** Plotly's classic qualitative colours, which the original's named colours refer to. */
export const COLORS = {
  blue: '#1f77b4',
  orange: '#ff7f0e',
  green: '#2ca02c',
  red: '#d62728',
  purple: '#9467bd',
  brown: '#8c564b',
  pink: '#e377c2',
  grey: '#7f7f7f',
  olive: '#bcbd22',
  cyan: '#17becf',
} as const;

export const DEFAULT_COLORWAY: string[] = Object.values(COLORS);

const TEXT_COLOR = '#2a3f5f';
const GRID_COLOR = '#ebf0f8';

function evenStops(colors: readonly string[]): Array<[number, string]> {
  return colors.map((color, i) => [i / (colors.length - 1), color]);
}

/**
 * plotly.py's colour scales. plotly.js ships different scales under the same names (its 'RdBu'
 * runs blue → red and its 'Blues' and 'YlOrRd' run dark → light), so the ColorBrewer ones the
 * original drew are spelled out: RdBu low = red, high = blue; Blues and YlOrRd light → dark.
 * Viridis and Bluered are the same in both libraries.
 */
export const COLOR_SCALES = {
  RdBu: evenStops([
    'rgb(103,0,31)',
    'rgb(178,24,43)',
    'rgb(214,96,77)',
    'rgb(244,165,130)',
    'rgb(253,219,199)',
    'rgb(247,247,247)',
    'rgb(209,229,240)',
    'rgb(146,197,222)',
    'rgb(67,147,195)',
    'rgb(33,102,172)',
    'rgb(5,48,97)',
  ]),
  Blues: evenStops([
    'rgb(247,251,255)',
    'rgb(222,235,247)',
    'rgb(198,219,239)',
    'rgb(158,202,225)',
    'rgb(107,174,214)',
    'rgb(66,146,198)',
    'rgb(33,113,181)',
    'rgb(8,81,156)',
    'rgb(8,48,107)',
  ]),
  YlOrRd: evenStops([
    'rgb(255,255,204)',
    'rgb(255,237,160)',
    'rgb(254,217,118)',
    'rgb(254,178,76)',
    'rgb(253,141,60)',
    'rgb(252,78,42)',
    'rgb(227,26,28)',
    'rgb(189,0,38)',
    'rgb(128,0,38)',
  ]),
  Viridis: 'Viridis',
  Bluered: 'Bluered',
} as const satisfies Record<string, ColorScale>;

/** An axis in the light style, with its title. */
export function axis(title: string | null, extra: Partial<LayoutAxis> = {}): Partial<LayoutAxis> {
  return {
    ...(title === null ? {} : { title: { text: title, standoff: 15 } }),
    gridcolor: GRID_COLOR,
    linecolor: GRID_COLOR,
    zerolinecolor: GRID_COLOR,
    zerolinewidth: 2,
    automargin: true,
    // Plotly's default ('hide past div') measures every tick label once per label drawn: a third
    // to a half of each redraw of a figure with many ticks (every marker move is a redraw).
    ticklabeloverflow: 'allow',
    // Plotly's default SI prefixes read a loss of 0.0001 as "100μ".
    exponentformat: 'e',
    ...extra,
  };
}

/**
 * The hover format (d3-format) of values too many to format one by one with `formatNumber`
 * (shared/format.ts), such as a heatmap's cells: the same 4 significant digits without trailing
 * zeros, in e-notation below 1e-6 (formatNumber switches below 1e-3).
 */
export const HOVER_NUMBER = '.4~g';

/** A colour bar with its title; its tick labels are not measured either (see `axis`). */
export function colorBar(title: string): Partial<ColorBar> {
  return { title: { text: title }, ticklabeloverflow: 'allow' };
}

/** The light layout every view's figure starts from: white background, light grey grid, the view's height. */
export function baseLayout(id: ViewId, title: string): Partial<Layout> {
  return baseLayoutOf(title, viewInfo(id).height);
}

/** The light layout with a title and a height (the Reports overlays, which are not VIEWS). */
export function baseLayoutOf(title: string, height: number): Partial<Layout> {
  return {
    title: { text: title, x: 0.05 },
    height,
    autosize: true,
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
    font: { color: TEXT_COLOR },
    colorway: DEFAULT_COLORWAY,
    hoverlabel: { align: 'left' },
    margin: { l: 60, r: 30, t: 60, b: 50 },
    xaxis: axis(null),
    yaxis: axis(null),
  };
}

/**
 * A legend beside the plot, top-aligned: one entry per line, so long entries (the Reports overlays
 * name each variant by its parameters) never wrap over the title; Plotly makes room on the right.
 */
export const SIDE_LEGEND: Partial<Legend> = {
  orientation: 'v',
  yanchor: 'top',
  y: 1,
  xanchor: 'left',
  x: 1.02,
};

/** A horizontal legend above the plot, right-aligned (docs/ARCHITECTURE.md §7.6). */
export const TOP_LEGEND: Partial<Legend> = {
  orientation: 'h',
  yanchor: 'bottom',
  y: 1.02,
  xanchor: 'right',
  x: 1,
};

/** The placeholder messages (docs/ARCHITECTURE.md §7.6), plus the ones our loaders need. */
export const PLACEHOLDER = {
  selectVariant: 'Select a variant',
  variantNotFound: 'Variant not found',
  runAnalysisFirst: 'Run analysis first',
  noEpochData: 'No data for this epoch',
  noSummaryData: 'No summary data',
  noTrainingData: 'No training data loaded',
  trajectoryError: 'Error rendering trajectory',
  tooFewComponents: 'Not enough checkpoints for this component',
} as const;

export const PLACEHOLDER_HEIGHT = 300;

/**
 * A figure with no traces standing for a message: plot-panel shows the message, at once and
 * without Plotly, in the figure's place.
 */
export function placeholderSpec(message: string): PlotSpec {
  return { data: [], layout: { height: PLACEHOLDER_HEIGHT, annotations: [{ text: message }] } };
}

/** The message of a placeholder figure, or null for a figure with traces. */
export function placeholderMessage(spec: PlotSpec): string | null {
  return spec.data.length === 0 ? String(spec.layout.annotations?.[0]?.text ?? '') : null;
}
