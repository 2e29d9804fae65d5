/** Plots 7–9: attention patterns per head, their frequency decomposition, and specialization over training. */
import type { Annotations, Layout, LayoutAxis } from 'plotly.js';
import { extent, matrixColumn, matrixRows, range, slab } from './arrays.ts';
import { gridColumns } from './export.ts';
import { epochLine, hasEpochs, timeSeriesLayout } from './series.ts';
import { axis, baseLayout, colorBar, COLOR_SCALES, COLORS, DEFAULT_COLORWAY, HOVER_NUMBER, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { AttentionFreqEpoch, AttentionFreqSummary, AttentionPatternsEpoch, PlotSpec } from './types.ts';

/** Token positions of the input `[a, b, =]`. */
export const POSITION_LABELS = ['a', 'b', '='] as const;

/** The positions as file names can carry them. */
const POSITION_SLUGS = ['a', 'b', 'eq'] as const;

export interface PositionPair {
  /** The attending (query) position. */
  readonly to: number;
  /** The attended-to (key) position. */
  readonly from: number;
  readonly label: string;
}

/** The six "Attention Relationship" choices in the original's order; the first is the default. */
export const POSITION_PAIRS: readonly PositionPair[] = [
  { to: 2, from: 0, label: '= attending to a' },
  { to: 2, from: 1, label: '= attending to b' },
  { to: 1, from: 0, label: 'b attending to a' },
  { to: 1, from: 1, label: 'b attending to b' },
  { to: 0, from: 0, label: 'a attending to a' },
  { to: 0, from: 1, label: 'a attending to b' },
];

/** Gap between side-by-side subplots, as a fraction of the width (plotly.py's 0.2 / columns). */
const SUBPLOT_GAP = 0.05;

/** The x-domain of column `col` out of `cols` equal columns. */
function columnDomain(col: number, cols: number): [number, number] {
  const width = (1 - SUBPLOT_GAP * (cols - 1)) / cols;
  const start = col * (width + SUBPLOT_GAP);
  return [start, start + width];
}

/**
 * One heatmap per head of the p×p pattern [head, to, from] (x = b, y = a), side by side on axes
 * x/y, x2/y2, …, sharing one Blues range from the global min to max and one colour bar.
 * `patterns` is the whole epoch file (n_heads, 3, 3, p, p) or its (to, from) slice (n_heads, p, p).
 */
export function attentionHeadsSpec(
  artifact: AttentionPatternsEpoch | null,
  pair: Pick<PositionPair, 'to' | 'from'>,
  epoch: number,
): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.noEpochData);
  const { patterns } = artifact;
  const nHeads = patterns.shape[0] ?? 0;
  const headGrid = (h: number) => (patterns.shape.length === 5 ? slab(slab(slab(patterns, h), pair.to), pair.from) : slab(patterns, h));
  const headGrids = range(nHeads).map(headGrid);
  const [zmin, zmax] = extent(...headGrids.map((grid) => grid.data));
  const grids = headGrids.map(matrixRows);
  const positions = range(grids[0]?.length ?? 0);

  const axes: Record<string, Partial<LayoutAxis>> = {};
  const titles: Partial<Annotations>[] = [];
  const data: PlotSpec['data'] = grids.map((z, h) => {
    const suffix = h === 0 ? '' : String(h + 1);
    const domain = columnDomain(h, nHeads);
    axes[`xaxis${suffix}`] = axis('b', { domain, anchor: `y${suffix}` as LayoutAxis['anchor'] });
    axes[`yaxis${suffix}`] = axis(h === 0 ? 'a' : null, { anchor: `x${suffix}` as LayoutAxis['anchor'] });
    titles.push({
      text: `Head ${h}`,
      xref: 'paper',
      yref: 'paper',
      x: (domain[0] + domain[1]) / 2,
      y: 1,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
    return {
      type: 'heatmap',
      name: `Head ${h}`,
      z,
      x: positions,
      y: positions,
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      colorscale: COLOR_SCALES.Blues,
      zmin,
      zmax,
      showscale: h === 0,
      colorbar: colorBar('Attention'),
      hovertemplate: `Head ${h}<br>a=%{y}, b=%{x}<br>Attention: %{z:${HOVER_NUMBER}}<extra></extra>`,
    };
  });
  const title = `Attention Heads (${POSITION_LABELS[pair.to]} ← ${POSITION_LABELS[pair.from]}) — Epoch ${epoch}`;
  return {
    export: {
      // "eq-to-a": "= attending to a".
      selection: [`${POSITION_SLUGS[pair.to]}-to-${POSITION_SLUGS[pair.from]}`],
      table: () =>
        gridColumns(
          { name: 'a', values: positions },
          { name: 'b', values: positions },
          headGrids.map((grid, h) => ({ name: `head_${h}`, values: grid.data })),
        ),
    },
    data,
    layout: {
      ...baseLayout('attention', title),
      ...(axes as Partial<Layout>),
      annotations: [...titles, ...maskNote(pair)],
      margin: { l: 60, r: 30, t: 80, b: 50 },
    },
  };
}

/**
 * Why a pair draws flat maps: the causal mask lets a query attend only to itself and earlier
 * positions, so a later key gets weight 0 everywhere and the first position gives itself 1.
 */
function maskNote({ to, from }: Pick<PositionPair, 'to' | 'from'>): Partial<Annotations>[] {
  const [query, key] = [POSITION_LABELS[to], POSITION_LABELS[from]];
  const text =
    from > to
      ? `${query} cannot attend to ${key}: the causal mask hides later positions, so every weight is 0`
      : to === 0
        ? `${query} is the first position: it can attend only to itself, so every weight is 1`
        : null;
  if (text === null) return [];
  return [
    { text, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, bgcolor: 'white', font: { size: 14, color: COLORS.grey } },
  ];
}

/** Vertical room per frequency row: every frequency has its tick label (docs/ARCHITECTURE.md §7.1, view 8), so it must not overlap the next. */
const FREQUENCY_ROW_PX = 10;

/**
 * Fraction of each head's variance explained by each frequency: (n_freq × n_heads), Blues 0–1,
 * tall enough that each of the n_freq tick labels can be read.
 */
export function attentionFrequencySpec(artifact: AttentionFreqEpoch | null, epoch: number): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.noEpochData);
  const [nFreq = 0, nHeads = 0] = artifact.freq_matrix.shape;
  const layout = baseLayout('attn-freq', `Attention Head Frequency Specialization — Epoch ${epoch}`);
  const { t = 0, b = 0 } = layout.margin ?? {};
  const frequencies = range(nFreq, 1);
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'frequency', values: frequencies },
        ...range(nHeads).map((h) => ({ name: `head_${h}`, values: matrixColumn(artifact.freq_matrix, h) })),
      ],
    },
    data: [
      {
        type: 'heatmap',
        name: 'Frac Explained',
        z: matrixRows(artifact.freq_matrix),
        x: range(nHeads).map((h) => `Head ${h}`),
        y: frequencies,
        colorscale: COLOR_SCALES.Blues,
        zmin: 0,
        zmax: 1,
        colorbar: colorBar('Frac Explained'),
        hovertemplate: `%{x}<br>Freq %{y}<br>Frac Explained: %{z:${HOVER_NUMBER}}<extra></extra>`,
      },
    ],
    layout: {
      ...layout,
      height: Math.max(layout.height ?? 0, t + b + FREQUENCY_ROW_PX * nFreq),
      xaxis: axis('Head', { type: 'category' }),
      yaxis: axis('Frequency', { dtick: 1, tickfont: { size: 9 } }),
    },
  };
}

/** Each head's largest variance fraction over training, on a fixed 0–1 axis. */
export function attentionSpecializationSpec(summary: AttentionFreqSummary | null, epoch: number | null): PlotSpec {
  if (!hasEpochs(summary)) return placeholderSpec(PLACEHOLDER.noSummaryData);
  const heads = range(summary.max_frac_per_head.shape[1] ?? 0).map((h) => ({
    head: h,
    values: matrixColumn(summary.max_frac_per_head, h),
  }));
  return {
    export: {
      selection: [],
      table: () => [{ name: 'epoch', values: summary.epochs }, ...heads.map(({ head, values }) => ({ name: `head_${head}`, values }))],
    },
    data: heads.map(({ head, values }) =>
      epochLine(summary.epochs, values, `Head ${head}`, DEFAULT_COLORWAY[head % DEFAULT_COLORWAY.length]!),
    ),
    layout: timeSeriesLayout(
      'attn-spec',
      'Attention Head Specialization Over Training',
      axis('Max Variance Fraction', { range: [0, 1] }),
      epoch,
      summary.epochs,
    ),
  };
}
