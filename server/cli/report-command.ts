/**
 * `workbench report --family F [--format table|csv|json]`: the Reports page's runs table (the same
 * rows as GET /api/reports/:family, docs/ARCHITECTURE.md §11) printed from the results folder.
 */
import { tableCsv } from '../../shared/csv.ts';
import { defaultColumnIds, formatCell, reportColumns, type ReportColumn, type ReportRow } from '../../shared/reports.ts';
import { resolvePaths } from '../config.ts';
import { Registry } from '../registry/registry.ts';
import { loadFamilies } from '../registry/families.ts';
import { ReportService } from '../reports/report-service.ts';
import { parseFlags, type Command } from './command.ts';

const FORMATS = ['table', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: workbench report --family NAME [flags]

Prints every variant of a family with its state, training settings and metrics derived from its
stored results (the Reports page's table).

  --family NAME        model family, e.g. modulo_addition_1layer
  --format FORMAT      table (aligned text, default), csv (every column, full precision) or json
                       (the rows as GET /api/reports/:family answers them)
  --columns LIST       comma-separated column ids, or all (default: the page's default columns for
                       table, all for csv); --definitions lists them
  --results DIR        results folder (default: $WORKBENCH_RESULTS_DIR or ./results)
  --definitions        print what each column means, then the rows
  -h, --help           this text`;

/** An aligned text table: numbers right-aligned, text left-aligned, '–' for unknown values. */
export function textTable(columns: readonly ReportColumn[], rows: readonly ReportRow[]): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(column, row) || '–'));
  const numeric = columns.map((column) => rows.some((row) => typeof column.value(row) === 'number'));
  const widths = columns.map((column, i) => Math.max(column.label.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.label)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Every column's raw value per row: numbers at full precision, '' for unknown. */
export function reportCsv(columns: readonly ReportColumn[], rows: readonly ReportRow[]): string {
  return tableCsv(columns.map((column) => ({ name: column.id, values: rows.map((row) => column.value(row)) })));
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      family: { type: 'string' },
      format: { type: 'string', default: 'table' },
      columns: { type: 'string' },
      results: { type: 'string' },
      definitions: { type: 'boolean', default: false },
    },
    HELP,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    console.error(`error: --format "${values.format}" is not a format; allowed: ${FORMATS.join(', ')}`);
    return 2;
  }
  const paths = resolvePaths({ resultsDir: values.results });
  const { families } = await loadFamilies(paths.familiesDir);
  if (!values.family) {
    console.error(`error: --family is required; allowed: ${[...families.keys()].join(', ') || '(no family found)'}`);
    return 2;
  }
  const family = families.get(values.family);
  if (!family) {
    console.error(
      `error: --family "${values.family}" is not a known family; allowed: ${[...families.keys()].join(', ') || '(none found)'}`,
    );
    return 2;
  }
  const all = reportColumns(family);
  const chosen = values.columns
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const unknown = chosen?.filter((id) => id !== 'all' && !all.some((column) => column.id === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`error: --columns: unknown column ${unknown.join(', ')}; allowed: all, ${all.map((c) => c.id).join(', ')}`);
    return 2;
  }
  const ids = chosen?.includes('all') || (!chosen && format === 'csv') ? all.map((c) => c.id) : (chosen ?? defaultColumnIds(all));
  const columns = ids.map((id) => all.find((column) => column.id === id)!);
  const rows = await new ReportService(new Registry(paths)).rows(family);
  if (values.definitions) {
    const width = Math.max(...all.map((c) => c.id.length));
    console.log(all.map((c) => `${c.id.padEnd(width)}  ${c.label}: ${c.description}`).join('\n') + '\n');
  }
  if (format === 'json') console.log(JSON.stringify({ family: family.name, rows }, null, 2));
  else if (format === 'csv') process.stdout.write(reportCsv(columns, rows));
  else if (rows.length === 0) console.log(`${family.name} has no variants in ${paths.resultsDir}`);
  else console.log(textTable(columns, rows));
  return 0;
}

export const reportCommand: Command = { summary: 'print the runs table of a family (table, csv or json)', run };
