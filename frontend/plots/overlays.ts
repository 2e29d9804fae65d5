/**
 * The Reports page's overlays (docs/ARCHITECTURE.md §11.3): one series of several variants on one
 * shared epoch axis, a colour and a legend entry per variant, a unified hover listing every
 * variant at the hovered epoch. Pure: curves in (as GET /api/reports/:family/curves gives them,
 * already downsampled), `{data, layout, export}` out, plus which variant each trace draws so a
 * click can open it.
 */
import type { PlotData } from 'plotly.js';
import { formatNumber, formatPercent } from '../../shared/format.ts';
import type { CurveSeriesId } from '../../shared/reports.ts';
import { axis, baseLayoutOf, DEFAULT_COLORWAY, placeholderSpec, SIDE_LEGEND } from './style.ts';
import type { PlotSpec, TableColumn } from './types.ts';
import { viewInfo, VIEWS, type ViewId } from './views.ts';

/** Which specialization band the specialization overlay draws. */
export const SPECIALIZATION_BANDS = ['total', 'low', 'mid', 'high'] as const;
export type SpecializationBand = (typeof SPECIALIZATION_BANDS)[number];

export interface OverlayInfo {
  readonly id: string;
  readonly title: string;
  readonly height: number;
  /** The y axis title. */
  readonly axis: string;
  readonly log: boolean;
  /** A fixed y range (fractions), else automatic. */
  readonly range?: readonly [number, number];
  /** The values are shares 0…1: axis and hover in percent. */
  readonly percent?: boolean;
}

export const OVERLAYS = [
  { id: 'overlay-loss', title: 'Loss (solid: test, dotted: train)', height: 400, axis: 'Loss', log: true },
  {
    id: 'overlay-accuracy',
    title: 'Accuracy (solid: test, dotted: train)',
    height: 340,
    axis: 'Accuracy',
    log: false,
    // Headroom above 100 %, where a grokked run's curves spend most of the run, as on the Visualization page's loss plot.
    range: [0, 1.02],
    percent: true,
  },
  { id: 'overlay-specialization', title: 'Specialized Neurons', height: 340, axis: 'Neurons', log: false },
  {
    id: 'overlay-head-specialization',
    title: 'Mean Head Specialization',
    height: 340,
    axis: 'Mean max fraction',
    log: false,
    range: [0, 1],
  },
  { id: 'overlay-w-in-pr', title: 'W_in Participation Ratio', height: 340, axis: 'Participation ratio', log: false },
  { id: 'overlay-flatness', title: 'Flatness Ratio', height: 340, axis: 'Flatness ratio', log: false, range: [0, 1] },
  { id: 'overlay-velocity', title: 'Parameter Velocity (all parameters)', height: 340, axis: '‖Δθ‖ per epoch', log: true },
] as const satisfies readonly OverlayInfo[];

export type OverlayId = (typeof OVERLAYS)[number]['id'];
export const OVERLAY_IDS: readonly OverlayId[] = OVERLAYS.map((overlay) => overlay.id);

/** Any panel's view: a Visualization view or a Reports overlay. */
export type PanelViewId = ViewId | OverlayId;

const overlaysById = new Map<string, OverlayInfo>(OVERLAYS.map((overlay) => [overlay.id, overlay]));
const viewIds = new Set<string>(VIEWS.map((view) => view.id));

export function isOverlayId(id: string): id is OverlayId {
  return overlaysById.has(id);
}

export function overlayInfo(id: OverlayId): OverlayInfo {
  return overlaysById.get(id)!;
}

/** Title and height of any panel's view. */
export function panelInfo(id: PanelViewId): { title: string; height: number } {
  return isOverlayId(id) ? overlayInfo(id) : viewIds.has(id) ? viewInfo(id) : { title: String(id), height: 300 };
}

/** The series an overlay draws (solid first). */
export function overlaySeries(id: OverlayId, band: SpecializationBand = 'total'): CurveSeriesId[] {
  switch (id) {
    case 'overlay-loss':
      return ['test_loss', 'train_loss'];
    case 'overlay-accuracy':
      return ['test_accuracy', 'train_accuracy'];
    case 'overlay-specialization':
      return [`specialized_${band}`];
    case 'overlay-head-specialization':
      return ['mean_head_specialization'];
    case 'overlay-w-in-pr':
      return ['w_in_participation_ratio'];
    case 'overlay-flatness':
      return ['flatness_ratio'];
    case 'overlay-velocity':
      return ['velocity'];
  }
}

/** Every series the overlays can draw, for one curves request. */
export const OVERLAY_SERIES: readonly CurveSeriesId[] = [
  ...new Set(OVERLAYS.flatMap((overlay) => SPECIALIZATION_BANDS.flatMap((band) => overlaySeries(overlay.id, band)))),
];

/** One variant in an overlay: its name, legend label, colour and curves. */
export interface OverlayVariant {
  name: string;
  label: string;
  color: string;
  curves: Partial<Record<CurveSeriesId, { epochs: readonly number[]; values: readonly number[] }>>;
}

/** An overlay's figure and the variant each of its traces draws (for clicks). */
export interface OverlaySpec extends PlotSpec {
  traceVariants: readonly string[];
}

/** The colour of the i-th selected variant. */
export function overlayColor(index: number): string {
  return DEFAULT_COLORWAY[index % DEFAULT_COLORWAY.length]!;
}

export const OVERLAY_MESSAGES = {
  selectVariants: 'Select variants in the table to compare them',
  noData: 'No results of this kind for the selected variants',
  absent: 'Not drawn, no such results',
} as const;

/**
 * One series (two for the loss and the accuracy: test solid, train dotted) per variant on a shared epoch axis
 * (`epochRange`, the same for every overlay of the page).
 * Hover is unified: every variant's value at the hovered epoch. The CSV is tidy: one row per epoch
 * any variant has a point at, a column per variant and series (of the curves given: the page downloads
 * it from every stored point, `plot-panel.csvTable`).
 */
export function overlaySpec(
  id: OverlayId,
  variants: readonly OverlayVariant[],
  band: SpecializationBand = 'total',
  epochRange?: readonly [number, number],
): OverlaySpec {
  if (variants.length === 0) return { ...placeholderSpec(OVERLAY_MESSAGES.selectVariants), traceVariants: [] };
  const info = overlayInfo(id);
  const series = overlaySeries(id, band);
  const data: Partial<PlotData>[] = [];
  const traceVariants: string[] = [];
  const columns: { name: string; epochs: readonly number[]; values: readonly number[] }[] = [];
  for (const variant of variants) {
    series.forEach((seriesId, i) => {
      const curve = variant.curves[seriesId];
      if (!curve || curve.epochs.length === 0) return;
      const secondary = i > 0;
      const name = series.length > 1 ? `${variant.label} (${seriesId.replace(/_(loss|accuracy)$/, '')})` : variant.label;
      data.push({
        type: 'scatter',
        mode: curve.epochs.length === 1 ? 'markers' : 'lines',
        name: variant.label,
        legendgroup: variant.name,
        showlegend: !secondary,
        x: [...curve.epochs],
        y: [...curve.values],
        text: curve.values.map(info.percent ? formatPercent : formatNumber),
        line: { color: variant.color, width: secondary ? 1.2 : 2, dash: secondary ? 'dot' : 'solid' },
        marker: { color: variant.color },
        hovertemplate: `${name}: %{text}<extra></extra>`,
      });
      traceVariants.push(variant.name);
      columns.push({ name: `${variant.name}__${seriesId}`, epochs: curve.epochs, values: curve.values });
    });
  }
  if (data.length === 0) return { ...placeholderSpec(OVERLAY_MESSAGES.noData), traceVariants: [] };
  const title = id === 'overlay-specialization' && band !== 'total' ? `${info.title} (${band} frequencies)` : info.title;
  // A compared variant without these results (not analysed, or trained before accuracies were recorded) is named, not silently left out.
  const absent = variants.filter((variant) => !traceVariants.includes(variant.name)).map((variant) => variant.label);
  const layout = baseLayoutOf(title, info.height);
  return {
    data,
    traceVariants,
    export: {
      selection: id === 'overlay-specialization' ? [band] : [],
      table: () => tidyColumns(columns),
    },
    layout: {
      ...layout,
      ...(absent.length > 0 && { title: { ...layout.title, subtitle: { text: `${OVERLAY_MESSAGES.absent}: ${absent.join('; ')}` } } }),
      // Every overlay on the same epoch range, so they line up one above the other.
      xaxis: axis('Epoch', { exponentformat: 'B', ...(epochRange ? { range: [...epochRange], autorange: false } : {}) }),
      yaxis: axis(info.axis, {
        ...(info.log ? { type: 'log', exponentformat: 'power' } : {}),
        ...(info.range ? { range: [...info.range], autorange: false } : {}),
        ...(info.percent ? { tickformat: '.0%' } : {}),
      }),
      legend: SIDE_LEGEND,
      hovermode: 'x unified',
      margin: { l: 70, r: 30, t: 60, b: 50 },
    },
  };
}

/** One row per epoch any column has a point at, ascending; a column per series, empty where it has no point. */
export function tidyColumns(columns: readonly { name: string; epochs: readonly number[]; values: readonly number[] }[]): TableColumn[] {
  const epochs = [...new Set(columns.flatMap((column) => column.epochs))].sort((a, b) => a - b);
  const row = new Map(epochs.map((epoch, i) => [epoch, i]));
  return [
    { name: 'epoch', values: epochs },
    ...columns.map((column) => {
      const values: (number | string)[] = new Array<number | string>(epochs.length).fill('');
      column.epochs.forEach((epoch, i) => (values[row.get(epoch)!] = column.values[i]!));
      return { name: column.name, values };
    }),
  ];
}
