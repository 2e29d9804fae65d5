/**
 * The Reports page's shareable state and its URL query (docs/ARCHITECTURE.md §11.4):
 * `?family=…&selected=v1,v2&columns=name,state,…&sort=final_test_loss:desc&filter=prime=113&plots=overlay-loss,…&band=low`.
 * Parsing never throws: a missing or malformed value takes its default, so any pasted link opens.
 * Which names exist (variants, columns) is the page's to check once the family's rows are in.
 */
import type { ReportSort } from '../../shared/reports.ts';
import { OVERLAY_IDS, SPECIALIZATION_BANDS, type OverlayId, type SpecializationBand } from '../plots/index.ts';

export interface ReportsSelection {
  family: string;
  /** Variants compared in the overlays, in the order they were selected (their colours). */
  selected: string[];
  /** Table columns shown, by id; null for the family's defaults. */
  columns: string[] | null;
  sort: ReportSort | null;
  filter: string;
  /** Overlays shown; null for all of them. */
  plots: OverlayId[] | null;
  band: SpecializationBand;
}

export const DEFAULT_REPORTS_SELECTION: Readonly<ReportsSelection> = {
  family: '',
  selected: [],
  columns: null,
  sort: null,
  filter: '',
  plots: null,
  band: 'total',
};

function list(text: string | null): string[] | null {
  if (text === null) return null;
  return [...new Set(text.split(',').map((item) => item.trim()))].filter(Boolean);
}

function parseSort(text: string | null): ReportSort | null {
  const match = text === null ? null : /^(.+?)(?::(asc|desc))?$/.exec(text.trim());
  return match ? { column: match[1]!, descending: match[2] === 'desc' } : null;
}

export function parseReportsQuery(search: string): ReportsSelection {
  const query = new URLSearchParams(search);
  const d = DEFAULT_REPORTS_SELECTION;
  const plots = list(query.get('plots'))?.filter((id): id is OverlayId => (OVERLAY_IDS as readonly string[]).includes(id)) ?? null;
  const band = query.get('band');
  return {
    family: query.get('family') ?? d.family,
    selected: list(query.get('selected')) ?? [],
    columns: list(query.get('columns')),
    sort: parseSort(query.get('sort')),
    filter: query.get('filter') ?? d.filter,
    plots,
    band: (SPECIALIZATION_BANDS as readonly (string | null)[]).includes(band) ? (band as SpecializationBand) : d.band,
  };
}

/** The query string ("?…", or "" for the defaults), in a stable order; commas and colons unescaped for readability. */
export function formatReportsQuery(selection: ReportsSelection): string {
  const entries: [string, string][] = [];
  if (selection.family) entries.push(['family', selection.family]);
  if (selection.selected.length > 0) entries.push(['selected', selection.selected.join(',')]);
  if (selection.columns) entries.push(['columns', selection.columns.join(',')]);
  if (selection.sort) entries.push(['sort', `${selection.sort.column}:${selection.sort.descending ? 'desc' : 'asc'}`]);
  if (selection.filter) entries.push(['filter', selection.filter]);
  if (selection.plots) entries.push(['plots', selection.plots.join(',')]);
  if (selection.band !== DEFAULT_REPORTS_SELECTION.band) entries.push(['band', selection.band]);
  const text = entries
    .map(([key, value]) => `${key}=${encodeURIComponent(value).replaceAll('%2C', ',').replaceAll('%3A', ':').replaceAll('%3D', '=')}`)
    .join('&');
  return text ? `?${text}` : '';
}
