import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary } from '../../shared/api.ts';
import {
  defaultColumnIds,
  matchesFilter,
  reportColumns,
  sortRows,
  variantLabel,
  type ReportColumn,
  type ReportRow,
  type VariantCurves,
} from '../../shared/reports.ts';
import { tableCsv } from '../plots/export.ts';
import { WithApi } from '../api/with-api.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import '../components/family-select.ts';
import '../components/plot-panel.ts';
import { loadPlotly, type PlotClickEvent } from '../components/plot-panel.ts';
import '../components/report-table.ts';
import type { ReportSelectEvent, ReportSortEvent } from '../components/report-table.ts';
import {
  OVERLAY_IDS,
  OVERLAY_SERIES,
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

function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
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
 * in the Visualization page at that epoch.
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

  @state() private families: FamilySummary[] = [];
  @state() private selection: ReportsSelection = { ...DEFAULT_REPORTS_SELECTION };
  @state() private rows: ReportRow[] = [];
  @state() private loadingRows = true;
  @state() private specs: Partial<Record<OverlayId, OverlaySpec>> = {};
  @state() private loadingCurves = false;
  @state() private error = '';

  protected readonly tabTitle = new PageTitle(this, () => 'Reports');
  private readonly url = new QuerySync(this, {
    format: () => formatReportsQuery(this.selection),
    storageKey: 'workbench:reports-query',
    delayMs: URL_WRITE_DELAY_MS,
  });
  /** Curves already fetched, by variant, for the family and width in `curvesFor`. */
  private readonly curves = new Map<string, VariantCurves>();
  private curvesFor = '';
  private readonly pendingCurves = new Set<string>();
  private curvesScheduled = false;
  /** Aborts the family's requests when another family is chosen or the page closes. */
  private familyRequests = new AbortController();

  override connectedCallback(): void {
    super.connectedCallback();
    this.selection = parseReportsQuery(this.url.initialQuery());
    if (!window.location.search) this.url.write({ now: true });
    // Plotly loads while the table's rows do.
    void loadPlotly();
    void this.loadFamilies();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.familyRequests.abort();
  }

  override render() {
    const columns = this.columns();
    const visible = this.visibleColumns(columns);
    const shown = this.shownRows(columns);
    return html`<h1>Reports</h1>
      <div class="toolbar">
        <family-select .families=${this.families} .value=${this.selection.family} @family-change=${this.onFamilyChange}></family-select>
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
        ${this.loadingRows ? 'Loading…' : countsText(this.rows.length, shown.length, this.selection.selected.length)}
      </p>
      <report-table
        .rows=${shown}
        .columns=${visible}
        .sort=${this.selection.sort}
        .selected=${this.selection.selected}
        .colors=${this.colors()}
        .empty=${this.loadingRows ? 'Loading…' : this.rows.length === 0 ? 'This family has no variants yet.' : 'No variant matches the filter.'}
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
              ?busy=${this.loadingCurves}
            ></plot-panel>`,
        )}
      </div>`;
  }

  // ---- derived state ---------------------------------------------------------------------------

  private family(): FamilySummary | undefined {
    return this.families.find((f) => f.name === this.selection.family);
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
      this.rows.filter((row) => matchesFilter(row, filter)),
      column,
      sort?.descending ?? false,
    );
  }

  private colors(): Map<string, string> {
    return new Map(this.selection.selected.map((name, i) => [name, overlayColor(i)]));
  }

  // ---- loading ---------------------------------------------------------------------------------

  private async loadFamilies() {
    try {
      this.families = (await this.api.families()).families;
    } catch (error) {
      this.error = (error as Error).message;
      this.loadingRows = false;
      return;
    }
    const known = this.families.some((f) => f.name === this.selection.family);
    if (!known) this.select({ family: this.families[0]?.name ?? '' }, { now: true });
    await this.loadRows();
  }

  private async loadRows() {
    this.familyRequests.abort();
    this.familyRequests = new AbortController();
    const { signal } = this.familyRequests;
    const family = this.selection.family;
    this.loadingRows = true;
    this.rows = [];
    if (!family) return void (this.loadingRows = false);
    try {
      const report = await this.api.report(family, signal);
      if (signal.aborted) return;
      this.rows = report.rows;
      this.error = '';
      // A link may name variants the family no longer has: they are dropped.
      const known = new Set(report.rows.map((row) => row.name));
      const selected = this.selection.selected.filter((name) => known.has(name));
      if (selected.length !== this.selection.selected.length) this.select({ selected });
    } catch (error) {
      if (signal.aborted) return;
      this.error = (error as Error).message;
    } finally {
      if (!signal.aborted) this.loadingRows = false;
    }
    await this.loadCurves();
  }

  /** Loads the curves once the current task's selection changes are all in: one request for several ticks at once. */
  private scheduleCurves() {
    if (this.curvesScheduled) return;
    this.curvesScheduled = true;
    queueMicrotask(() => {
      this.curvesScheduled = false;
      void this.loadCurves();
    });
  }

  /** Fetches the curves of selected variants not fetched yet (one request), then rebuilds the overlays. */
  private async loadCurves() {
    const { family, selected } = this.selection;
    const width = this.plotWidth();
    const key = `${family}@${width}`;
    if (key !== this.curvesFor) {
      this.curves.clear();
      this.pendingCurves.clear();
      this.curvesFor = key;
    }
    const missing = selected.filter((name) => !this.curves.has(name) && !this.pendingCurves.has(name));
    this.buildOverlays();
    if (missing.length === 0) return;
    const { signal } = this.familyRequests;
    for (const name of missing) this.pendingCurves.add(name);
    this.loadingCurves = true;
    try {
      const answer = await this.api.reportCurves(family, missing, OVERLAY_SERIES, width, signal);
      if (signal.aborted || key !== this.curvesFor) return;
      for (const variant of answer.variants) this.curves.set(variant.variant, variant);
    } catch (error) {
      if (signal.aborted) return;
      this.error = (error as Error).message;
    } finally {
      for (const name of missing) this.pendingCurves.delete(name);
      if (this.pendingCurves.size === 0) this.loadingCurves = false;
    }
    if (key === this.curvesFor) this.buildOverlays();
  }

  /** The overlays' width in pixels, rounded up to WIDTH_STEP. */
  private plotWidth(): number {
    const width = this.renderRoot.querySelector<HTMLElement>('.overlays')?.clientWidth || this.clientWidth || 1000;
    return Math.min(4000, Math.max(300, Math.ceil(width / WIDTH_STEP) * WIDTH_STEP));
  }

  private buildOverlays() {
    const { selected, band } = this.selection;
    const rows = new Map(this.rows.map((row) => [row.name, row]));
    const chosen = selected.map((name) => rows.get(name)).filter((row): row is ReportRow => row !== undefined);
    const variants: OverlayVariant[] = chosen.map((row) => ({
      name: row.name,
      label: variantLabel(row, chosen),
      color: overlayColor(selected.indexOf(row.name)),
      curves: Object.fromEntries((this.curves.get(row.name)?.curves ?? []).map((curve) => [curve.series, curve])),
    }));
    const lastEpochs = variants.flatMap((variant) => Object.values(variant.curves).map((curve) => curve.epochs.at(-1) ?? 0));
    const range = lastEpochs.length > 0 ? ([0, Math.max(1, ...lastEpochs)] as const) : undefined;
    const loaded = variants.filter((variant) => this.curves.has(variant.name));
    this.specs = Object.fromEntries(OVERLAY_IDS.map((id) => [id, overlaySpec(id, loaded, band, range)]));
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
    this.scheduleCurves();
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
