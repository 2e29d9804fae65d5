import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary } from '../../shared/api.ts';
import {
  defaultColumnIds,
  matchesFilter,
  reportColumns,
  sortRows,
  variantLabel,
  type Curve,
  type ReportColumn,
  type ReportRow,
} from '../../shared/reports.ts';
import { tableCsv } from '../plots/export.ts';
import { ReportData } from '../api/report-data.ts';
import { WithApi } from '../api/with-api.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import '../components/family-select.ts';
import '../components/plot-panel.ts';
import { downloadText, loadPlotly, type PlotClickEvent } from '../components/plot-panel.ts';
import '../components/report-table.ts';
import type { ReportSelectEvent, ReportSortEvent } from '../components/report-table.ts';
import {
  OVERLAY_IDS,
  overlayColor,
  overlayInfo,
  overlaySpec,
  SPECIALIZATION_BANDS,
  type OverlayId,
  type OverlaySpec,
  type OverlayVariant,
  type SpecializationBand,
} from '../plots/index.ts';
import { buttonStyles, pageLayout, theme } from '../styles/theme.ts';
import { PageTitle } from './page-title.ts';
import { QuerySync } from './query-sync.ts';
import { DEFAULT_REPORTS_SELECTION, formatReportsQuery, parseReportsQuery, type ReportsSelection } from './reports-query.ts';

/** How long the state must stay put before the URL follows it (typing in the filter). */
const URL_WRITE_DELAY_MS = 250;
/** Curves are downsampled for the plot's width, rounded up to this many pixels so nearby widths share a request. */
const WIDTH_STEP = 100;

/** "12 variants · 3 shown · 2 compared" */
function countsText(total: number, shown: number, selected: number): string {
  const parts = [`${total} variant${total === 1 ? '' : 's'}`];
  if (shown !== total) parts.push(`${shown} shown`);
  parts.push(`${selected} compared`);
  return parts.join(' · ');
}

/** "modulo_addition_1layer__overlay-loss__3variants" */
function overlayFileName(family: string, id: OverlayId, count: number, band: SpecializationBand): string {
  return [family || 'report', id, `${count}variants`, ...(id === 'overlay-specialization' && band !== 'total' ? [band] : [])].join('__');
}

/** Opens another page of the app: through the shell's router when there is one, else by loading it. */
function openPage(url: string): void {
  if (!document.querySelector('app-shell')) return window.location.assign(url);
  history.pushState(null, '', url);
  // The router follows popstate, as it does the Back button.
  window.dispatchEvent(new PopStateEvent('popstate', { state: null }));
}

/**
 * Reports: every variant of a family in a sortable, filterable table with the columns the user
 * picks, and the selected variants' curves overlaid on one epoch axis. The whole state is in the
 * URL (reports-query.ts), so a link restores the comparison. Clicking a point opens that variant
 * in the Visualization page at that epoch. The page holds the selection, renders, and turns events
 * into selection changes; ReportData loads the families, rows and curves.
 */
@customElement('reports-page')
export class ReportsPage extends WithApi(LitElement) {
  static override styles = [
    theme,
    pageLayout,
    buttonStyles,
    css`
      :host {
        max-width: 1500px;
      }
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 12px 20px;
        align-items: end;
        margin-bottom: 12px;
      }
      .toolbar family-select {
        min-width: 260px;
      }
      label.filter {
        display: grid;
        gap: 4px;
        font-size: 0.9rem;
      }
      label.filter input {
        font: inherit;
        padding: 6px 8px;
        min-width: 260px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
      }
      button {
        padding: 6px 12px;
      }
      details.chooser {
        margin-bottom: 12px;
      }
      details.chooser fieldset {
        display: inline-grid;
        gap: 2px;
        vertical-align: top;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        margin: 6px 8px 0 0;
        font-size: 0.85rem;
      }
      .counts {
        margin: 8px 0;
      }
      .overlay-controls {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        align-items: center;
        font-size: 0.9rem;
        margin-bottom: 8px;
      }
      plot-panel {
        margin-bottom: 16px;
      }
      dl.definitions {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 2px 14px;
        font-size: 0.85rem;
      }
      dl.definitions dt {
        font-weight: 600;
      }
      dl.definitions dd {
        margin: 0;
        color: var(--wb-muted);
      }
    `,
  ];

  @state() private selection: ReportsSelection = { ...DEFAULT_REPORTS_SELECTION };
  @state() private specs: Partial<Record<OverlayId, OverlaySpec>> = {};
  @state() private error = '';

  protected readonly tabTitle = new PageTitle(this, () => 'Reports');
  private readonly url = new QuerySync(this, {
    format: () => formatReportsQuery(this.selection),
    storageKey: 'workbench:reports-query',
    delayMs: URL_WRITE_DELAY_MS,
  });
  private readonly data = new ReportData(this, {
    api: () => this.api,
    onCurves: () => this.buildOverlays(),
    onError: (message) => (this.error = message),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.selection = parseReportsQuery(this.url.initialQuery());
    if (!window.location.search) this.url.write({ now: true });
    // Plotly loads while the table's rows do.
    void loadPlotly();
    void this.loadFamilies();
  }

  override render() {
    const { rows, loadingRows } = this.data;
    const columns = this.columns();
    const visible = this.visibleColumns(columns);
    const shown = this.shownRows(columns);
    return html`<h1>Reports</h1>
      <div class="toolbar">
        <family-select
          .families=${this.data.families}
          .value=${this.selection.family}
          @family-change=${this.onFamilyChange}
        ></family-select>
        <label class="filter">
          <span>Filter</span>
          <input
            type="search"
            name="filter"
            placeholder="prime=113 analyzed"
            .value=${this.selection.filter}
            @input=${this.onFilterInput}
          />
        </label>
        <button type="button" name="export-csv" ?disabled=${shown.length === 0} @click=${() => this.exportCsv(visible, shown)}>
          Export CSV
        </button>
        <button type="button" name="clear" ?disabled=${this.selection.selected.length === 0} @click=${this.onClear}>
          Clear comparison
        </button>
      </div>
      ${this.renderColumnChooser(columns, visible)} ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <p class="counts muted" role="status">
        ${loadingRows ? 'Loading…' : countsText(rows.length, shown.length, this.selection.selected.length)}
      </p>
      <report-table
        .rows=${shown}
        .columns=${visible}
        .sort=${this.selection.sort}
        .selected=${this.selection.selected}
        .colors=${this.colors()}
        .empty=${loadingRows ? 'Loading…' : rows.length === 0 ? 'This family has no variants yet.' : 'No variant matches the filter.'}
        @report-sort=${this.onSort}
        @report-select=${this.onSelect}
      ></report-table>
      ${this.renderDefinitions(visible)} ${this.renderOverlays()}`;
  }

  private renderColumnChooser(columns: ReportColumn[], visible: ReportColumn[]) {
    const groups = ['variant', 'training', 'loss', 'analysis'] as const;
    const shown = new Set(visible.map((column) => column.id));
    return html`<details class="chooser">
      <summary>Columns (${visible.length} of ${columns.length})</summary>
      ${groups.map(
        (group) =>
          html`<fieldset>
            <legend>${group}</legend>
            ${columns
              .filter((column) => column.group === group)
              .map(
                (column) =>
                  html`<label title=${column.description}
                    ><input
                      type="checkbox"
                      name="column"
                      value=${column.id}
                      .checked=${shown.has(column.id)}
                      @change=${() => this.onColumnToggle(column.id)}
                    />
                    ${column.label}</label
                  >`,
              )}
          </fieldset>`,
      )}
    </details>`;
  }

  private renderDefinitions(visible: ReportColumn[]) {
    return html`<details class="definitions" open>
      <summary>How the columns are defined</summary>
      <dl class="definitions">
        ${visible.map(
          (column) =>
            html`<dt>${column.label}</dt>
              <dd>${column.description}</dd>`,
        )}
      </dl>
    </details>`;
  }

  private renderOverlays() {
    const plots = this.selection.plots ?? OVERLAY_IDS;
    const { family, band, selected } = this.selection;
    return html`<h2>Compare</h2>
      <div class="overlay-controls" role="group" aria-label="Overlays">
        ${OVERLAY_IDS.map(
          (id) =>
            html`<label
              ><input type="checkbox" name="plot" value=${id} .checked=${plots.includes(id)} @change=${() => this.onPlotToggle(id)} />
              ${overlayInfo(id).title}</label
            >`,
        )}
        <label
          >Specialization band
          <select name="band" @change=${this.onBandChange}>
            ${SPECIALIZATION_BANDS.map((b) => html`<option value=${b} ?selected=${b === band}>${b}</option>`)}
          </select></label
        >
      </div>
      <div class="overlays" @plot-click=${this.onPlotClick}>
        ${plots.map(
          (id) =>
            html`<plot-panel
              view=${id}
              export-name=${overlayFileName(family, id, selected.length, band)}
              .spec=${this.specs[id] ?? overlaySpec(id, [], band)}
              .csvTable=${() => this.fullTable(id)}
              ?busy=${this.data.loadingCurves}
            ></plot-panel>`,
        )}
      </div>`;
  }

  // ---- derived state ---------------------------------------------------------------------------

  private family(): FamilySummary | undefined {
    return this.data.families.find((f) => f.name === this.selection.family);
  }

  private columns(): ReportColumn[] {
    const family = this.family();
    return family ? reportColumns(family) : [];
  }

  private visibleColumns(columns: ReportColumn[]): ReportColumn[] {
    const chosen = this.selection.columns ?? defaultColumnIds(columns);
    return columns.filter((column) => chosen.includes(column.id));
  }

  private shownRows(columns: ReportColumn[]): ReportRow[] {
    const { filter, sort } = this.selection;
    const column = sort ? columns.find((c) => c.id === sort.column) : undefined;
    return sortRows(
      this.data.rows.filter((row) => matchesFilter(row, filter)),
      column,
      sort?.descending ?? false,
    );
  }

  private colors(): Map<string, string> {
    return new Map(this.selection.selected.map((name, i) => [name, overlayColor(i)]));
  }

  // ---- loading ---------------------------------------------------------------------------------

  private async loadFamilies() {
    if (!(await this.data.loadFamilies())) return;
    const { families } = this.data;
    if (!families.some((f) => f.name === this.selection.family)) this.select({ family: families[0]?.name ?? '' }, { now: true });
    await this.loadRows();
  }

  /** Loads the family's rows, drops the compared variants it does not have, and asks for the others' curves. */
  private async loadRows() {
    const outcome = await this.data.loadRows(this.selection.family);
    if (outcome === 'superseded') return;
    if (outcome === 'loaded') {
      this.error = '';
      // A link may name variants the family no longer has: they are dropped.
      const known = new Set(this.data.rows.map((row) => row.name));
      const selected = this.selection.selected.filter((name) => known.has(name));
      if (selected.length !== this.selection.selected.length) this.select({ selected });
    }
    this.requestCurves();
  }

  /** Asks for the compared variants' curves; the overlays are rebuilt with those in, and again as the others arrive. */
  private requestCurves() {
    this.data.requestCurves(this.selection.selected, this.plotWidth());
  }

  /** The overlays' width in pixels, rounded up to WIDTH_STEP. */
  private plotWidth(): number {
    const width = this.renderRoot.querySelector<HTMLElement>('.overlays')?.clientWidth || this.clientWidth || 1000;
    return Math.min(4000, Math.max(300, Math.ceil(width / WIDTH_STEP) * WIDTH_STEP));
  }

  /** The overlays of the compared variants whose curves are in (labelled among all compared), on one epoch range. */
  private buildOverlays() {
    const { band } = this.selection;
    const loaded = this.overlayVariants((name) => this.data.curvesOf(name)?.curves);
    const lastEpochs = loaded.flatMap((variant) => Object.values(variant.curves).map((curve) => curve.epochs.at(-1) ?? 0));
    const range = lastEpochs.length > 0 ? ([0, Math.max(1, ...lastEpochs)] as const) : undefined;
    this.specs = Object.fromEntries(OVERLAY_IDS.map((id) => [id, overlaySpec(id, loaded, band, range)]));
  }

  /** The compared variants that have curves, each with its label (among all compared) and colour. */
  private overlayVariants(curvesOf: (variant: string) => readonly Curve[] | undefined): OverlayVariant[] {
    const { selected } = this.selection;
    const rows = new Map(this.data.rows.map((row) => [row.name, row]));
    const chosen = selected.map((name) => rows.get(name)).filter((row): row is ReportRow => row !== undefined);
    return chosen.flatMap((row): OverlayVariant[] => {
      const curves = curvesOf(row.name);
      if (!curves) return [];
      const color = overlayColor(selected.indexOf(row.name));
      return [{ name: row.name, label: variantLabel(row, chosen), color, curves: Object.fromEntries(curves.map((c) => [c.series, c])) }];
    });
  }

  /** An overlay's CSV at full resolution: every stored point of the compared variants, not the thinned ones drawn. */
  private async fullTable(id: OverlayId) {
    const full = new Map((await this.data.fullCurves(this.selection.selected)).map((v) => [v.variant, v.curves]));
    return (
      overlaySpec(
        id,
        this.overlayVariants((name) => full.get(name)),
        this.selection.band,
      ).export?.table() ?? []
    );
  }

  // ---- selection -------------------------------------------------------------------------------

  private select(change: Partial<ReportsSelection>, { now = false } = {}) {
    this.selection = { ...this.selection, ...change };
    this.url.write({ now });
  }

  private exportCsv(columns: ReportColumn[], rows: ReportRow[]) {
    const csv = tableCsv(columns.map((column) => ({ name: column.id, values: rows.map((row) => column.value(row) ?? '') })));
    downloadText(csv, `${this.selection.family || 'report'}__runs.csv`, 'text/csv');
  }

  // ---- handlers --------------------------------------------------------------------------------

  private onFamilyChange(event: FamilyChangeEvent) {
    this.select({ family: event.detail.family, selected: [], sort: null, columns: null, filter: '' }, { now: true });
    void this.loadRows();
  }

  private onFilterInput(event: Event) {
    this.select({ filter: (event.target as HTMLInputElement).value });
  }

  private onSort(event: ReportSortEvent) {
    this.select({ sort: event.detail.sort }, { now: true });
  }

  private onSelect(event: ReportSelectEvent) {
    const { variant, checked } = event.detail;
    const others = this.selection.selected.filter((name) => name !== variant);
    this.select({ selected: checked ? [...others, variant] : others }, { now: true });
    this.requestCurves();
  }

  private onClear() {
    this.select({ selected: [] }, { now: true });
    this.buildOverlays();
  }

  private onColumnToggle(id: string) {
    const columns = this.columns();
    const visible = new Set(this.visibleColumns(columns).map((column) => column.id));
    if (visible.has(id)) visible.delete(id);
    else visible.add(id);
    // Kept in table order, whatever order they were ticked in.
    this.select({ columns: columns.filter((column) => visible.has(column.id)).map((column) => column.id) }, { now: true });
  }

  private onPlotToggle(id: OverlayId) {
    const plots = new Set(this.selection.plots ?? OVERLAY_IDS);
    if (plots.has(id)) plots.delete(id);
    else plots.add(id);
    this.select({ plots: OVERLAY_IDS.filter((overlay) => plots.has(overlay)) }, { now: true });
  }

  private onBandChange(event: Event) {
    this.select({ band: (event.target as HTMLSelectElement).value as SpecializationBand }, { now: true });
    this.buildOverlays();
  }

  private onPlotClick(event: PlotClickEvent) {
    const { view, x, curveNumber } = event.detail;
    const variant = this.specs[view as OverlayId]?.traceVariants[curveNumber];
    if (!variant || typeof x !== 'number' || !Number.isFinite(x)) return;
    // The address bar keeps this comparison, so Back returns to it.
    this.url.write({ now: true });
    const query = new URLSearchParams({ family: this.selection.family, variant, epoch: String(Math.round(x)) });
    openPage(`/viz?${query}`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reports-page': ReportsPage;
  }
}
