/** Tidy CSV: a header row, then one row per index of the columns. Used by the plots' exports and `workbench report`. */

/** One column: its header and one value per row (undefined or null writes an empty field). */
export interface CsvColumn {
  readonly name: string;
  readonly values: ArrayLike<string | number | boolean | null | undefined>;
}

function csvField(value: string | number | boolean | null | undefined): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row, then one row per index of the columns. */
export function tableCsv(columns: readonly CsvColumn[]): string {
  const length = Math.max(0, ...columns.map((column) => column.values.length));
  const lines = [columns.map((column) => csvField(column.name)).join(',')];
  for (let row = 0; row < length; row++) lines.push(columns.map((column) => csvField(column.values[row])).join(','));
  return lines.join('\n') + '\n';
}
