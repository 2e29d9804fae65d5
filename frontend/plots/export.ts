/** Export helpers: file names that carry every selection, and figures' data as tidy CSV. */
import { tableCsv } from '../../shared/csv.ts';
import { padEpoch } from '../../shared/numbers.ts';
import type { PlotSpec, TableColumn } from './types.ts';
import type { PanelViewId } from './overlays.ts';

/** What names an exported figure besides the controls its spec records. */
export interface ExportContext {
  variant: string;
  view: PanelViewId;
  /** The epoch the figure shows (a per-epoch view's payload epoch, else the selected one). */
  epoch: number;
}

/**
 * `{variant}__{view}[__{selection}…]__epoch{NNNNN}`, without extension (PNG, SVG and CSV share it),
 * e.g. `v__activation__neuron7__epoch01200`, so exports of different selections never collide.
 */
export function exportFileName(spec: PlotSpec, { variant, view, epoch }: ExportContext): string {
  return [variant, view, ...(spec.export?.selection ?? []), `epoch${padEpoch(epoch)}`].join('__');
}

/** A header row, then one row per index of the columns (shared/csv.ts). */
export { tableCsv };

/** The figure's data as a CSV file and its name; null for a placeholder, which has no data. */
export function csvExport(spec: PlotSpec, context: ExportContext): { filename: string; csv: string } | null {
  if (!spec.export) return null;
  return { filename: `${exportFileName(spec, context)}.csv`, csv: tableCsv(spec.export.table()) };
}

/**
 * Tidy columns of 2-D grids on shared axes: one row per cell in row-major order, the cell's row and
 * column coordinates first, then one column per grid (each grid's row-major values as they are).
 */
export function gridColumns(rows: TableColumn, cols: TableColumn, grids: readonly TableColumn[]): TableColumn[] {
  const width = cols.values.length;
  const cells = rows.values.length * width;
  return [
    { name: rows.name, values: Array.from({ length: cells }, (_, i) => rows.values[Math.floor(i / width)]!) },
    { name: cols.name, values: Array.from({ length: cells }, (_, i) => cols.values[i % width]!) },
    ...grids,
  ];
}
