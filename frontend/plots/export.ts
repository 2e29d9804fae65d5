/** Export helpers: canonical file names and CSV of exactly what a figure plots. */
import type { PlotData } from 'plotly.js';
import { padEpoch } from '../../shared/numbers.ts';
import type { PlotSpec } from './types.ts';
import type { ViewId } from './views.ts';

/** `{variant}__{view}__epoch{NNNNN}`, without extension (PNG, SVG and CSV share it). */
export function exportFileName(variant: string, view: ViewId, epoch: number): string {
  return `${variant}__${view}__epoch${padEpoch(epoch)}`;
}

type Cell = string | number | boolean | null | undefined | Date;

function csvField(value: Cell): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',');
}

function cells(values: unknown): Cell[] {
  return values === undefined ? [] : Array.from(values as ArrayLike<Cell>);
}

/** A heatmap as a matrix: a header row of x values, then one row per y value. */
function matrixBlock(trace: Partial<PlotData>): string[] {
  const rows = trace.z as readonly (readonly Cell[])[];
  const width = rows[0]?.length ?? 0;
  const xs = trace.x === undefined ? Array.from({ length: width }, (_, i) => i) : cells(trace.x);
  const ys = trace.y === undefined ? rows.map((_, i) => i) : cells(trace.y);
  return [csvRow(['y\\x', ...xs]), ...rows.map((row, r) => csvRow([ys[r], ...row]))];
}

/** Point traces as columns: x, y (and z for 3-D), as many as the trace has. */
function columnsBlock(trace: Partial<PlotData>): string[] {
  const columns = (['x', 'y', 'z'] as const).filter((key) => trace[key] !== undefined);
  const values = columns.map((key) => cells(trace[key]));
  const length = Math.max(0, ...values.map((v) => v.length));
  return [csvRow(columns), ...Array.from({ length }, (_, i) => csvRow(values.map((v) => v[i])))];
}

/**
 * The plotted data of a figure as CSV: one block per trace, headed by the trace's name and
 * separated by blank lines. Heatmaps become a matrix (x across, y down); other traces become
 * x, y[, z] columns. Downsampled lines export the points drawn, not the raw series.
 */
export function plotCsv(spec: PlotSpec): string {
  const blocks = spec.data.map((data, index) => {
    const trace = data as Partial<PlotData>;
    const isMatrix = Array.isArray(trace.z) && Array.isArray(trace.z[0]);
    return [csvRow([trace.name ?? `trace ${index}`]), ...(isMatrix ? matrixBlock(trace) : columnsBlock(trace))].join('\n');
  });
  return blocks.length === 0 ? '' : blocks.join('\n\n') + '\n';
}
