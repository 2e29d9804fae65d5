import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Config, Data, Layout, PlotMouseEvent } from 'plotly.js-dist-min';
import {
  csvExport,
  exportFileName,
  panelInfo,
  PLACEHOLDER,
  placeholderMessage,
  type ExportContext,
  type PanelViewId,
  type PlotSpec,
  type TableColumn,
} from '../plots/index.ts';
import { tableCsv } from '../../shared/csv.ts';

type PlotlyModule = typeof import('plotly.js-dist-min').default;

/** What a click on a point re-dispatches: the view and the point's plotted values. */
export interface PlotClickDetail {
  view: PanelViewId;
  x: unknown;
  y: unknown;
  customdata: unknown;
  curveNumber: number;
  pointNumber: unknown;
}
export type PlotClickEvent = CustomEvent<PlotClickDetail>;
export type PlotVisibleEvent = CustomEvent<{ view: PanelViewId }>;

/** A restyle of some traces (e.g. a trajectory's current-epoch star), as `Plotly.restyle` takes it. */
export interface TraceRestyle {
  update: Record<string, unknown[]>;
  traceIndices: number[];
}

let plotlyModule: Promise<PlotlyModule> | undefined;

/**
 * Plotly on first use only, so only the page that draws pays for it. Vite turns the UMD bundle into
 * a default export; loaded as a plain ES module (the component test runner) it sets window.Plotly.
 */
export function loadPlotly(): Promise<PlotlyModule> {
  plotlyModule ??= import('plotly.js-dist-min').then(
    (module) => (module as { default?: PlotlyModule }).default ?? (globalThis as unknown as { Plotly: PlotlyModule }).Plotly,
  );
  return plotlyModule;
}

/** What a panel says until Plotly has drawn its figure. */
const LOADING = 'Loading…';

/** How far outside the viewport a lazy panel already counts as in view (drawn ahead of scrolling). */
const NEAR_PX = 100;

const CONFIG: Partial<Config> = { displaylogo: false, responsive: false, modeBarButtonsToRemove: ['toImage'] };

/** The panel's own rules; it renders in light DOM, so they are adopted by whichever root holds it. */
const panelSheet = new CSSStyleSheet();
panelSheet.replaceSync(`
  /*
   * A lazy panel off screen keeps the width it was drawn at until it comes into view (then it is
   * resized): clipped, so a figure wider than its panel never widens the page.
   */
  plot-panel { display: block; position: relative; min-width: 0; }
  plot-panel .plot-toolbar { display: flex; justify-content: flex-end; gap: 4px; margin-bottom: 2px; }
  plot-panel .plot-toolbar button {
    font: 12px system-ui, sans-serif; padding: 2px 8px; cursor: pointer;
    border: 1px solid #d9e2ec; border-radius: 4px; background: #fff; color: #3e4c59;
  }
  plot-panel .plot-toolbar button:disabled { opacity: 0.4; cursor: default; }
  plot-panel .plot-area { position: relative; }
  plot-panel .plot-graph { transition: opacity 0.15s; overflow-x: clip; }
  plot-panel[busy] .plot-graph { opacity: 0.55; }
  plot-panel .plot-message {
    position: absolute; inset: 0; display: flex; flex-direction: column; gap: 6px; align-items: center; justify-content: center;
    background: #fff; color: grey; font: 16px system-ui, sans-serif; text-align: center;
    /* Clicks reach the figure while Plotly finishes its first draw under the message. */
    pointer-events: none;
  }
  plot-panel .plot-message a { pointer-events: auto; }
  plot-panel .plot-message strong { color: #2a3f5f; font-weight: 600; }
`);

/**
 * Plotly writes its CSS into <style id="plotly.js-style-…"> in document.head, which does not reach
 * shadow roots (and the shell's router outlet is in one). Their rules are mirrored into one shared
 * constructable sheet that every shadow root holding a panel adopts.
 */
const plotlySheet = new CSSStyleSheet();
let plotlyRuleCount = -1;

function syncPlotlySheet(): void {
  const rules = [...document.head.querySelectorAll<HTMLStyleElement>('style[id^="plotly.js-style"]')].flatMap((style) =>
    [...(style.sheet?.cssRules ?? [])].map((rule) => rule.cssText),
  );
  if (rules.length === plotlyRuleCount) return;
  plotlySheet.replaceSync(rules.join('\n'));
  plotlyRuleCount = rules.length;
}

function adopt(root: Document | ShadowRoot, sheets: CSSStyleSheet[]): void {
  const missing = sheets.filter((sheet) => !root.adoptedStyleSheets.includes(sheet));
  if (missing.length > 0) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...missing];
}

/** Saves text as a file through the browser's download (a panel's CSV, the Reports table's). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * One Plotly figure of the Visualization page, with PNG / SVG / CSV export.
 *
 * The first draw is `newPlot`, later specs go through `Plotly.react` (which redraws only what
 * changed, e.g. an epoch marker); `restyleTraces` patches the drawn figure's traces. With `lazy`, a panel out of view keeps
 * only the latest spec and patches, and draws them when it scrolls into view. The graph lives in
 * light DOM so Plotly's event handling sees it directly; it is purged on disconnect and re-plotted
 * on reconnect. In the figure's place until Plotly has drawn it, the panel shows its view's title
 * and "Loading…"; a placeholder spec is shown the same way with its message, at once and without
 * Plotly.
 *
 * @fires plot-click - a point was clicked; detail: the view and the point's x, y and customdata.
 * @fires plot-visible - a lazy panel came into (or near) the viewport; detail: the view.
 */
@customElement('plot-panel')
export class PlotPanel extends LitElement {
  /** The view this panel shows: names the exported files and reserves the view's height. */
  @property() view!: PanelViewId;
  @property({ attribute: false }) spec: PlotSpec | null = null;
  /** Variant and epoch shown, for export file names (the spec adds the other controls it depends on). */
  @property() variant = '';
  @property({ type: Number }) epoch: number | null = null;
  /** The exported files' name (without extension) when the variant and epoch do not name the figure (a Reports overlay). */
  @property({ attribute: 'export-name' }) exportName = '';
  /**
   * Where the CSV's columns come from when the figure draws thinned data fetched for its width
   * (the Reports overlays): asked on download, instead of the spec's table.
   */
  @property({ attribute: false }) csvTable?: () => Promise<readonly TableColumn[]>;
  /** Draw only while in (or near) the viewport. */
  @property({ type: Boolean }) lazy = false;
  /** New data is on its way: the figure is dimmed. */
  @property({ type: Boolean, reflect: true }) busy = false;
  /** The Analysis Run page for this panel's variant: a "Run analysis first" placeholder links there. */
  @property({ attribute: 'analysis-href' }) analysisHref = '';

  /** Whether Plotly has drawn the current figure (until then the panel says it is loading). */
  @state() private plotted = false;

  /** The spec on screen; null before the first draw and after a purge. */
  private drawnSpec: PlotSpec | null = null;
  /** A patch on top of the current spec; kept so a re-plot (reconnect) shows it again. */
  private restylePatch: TraceRestyle | null = null;
  private patchesDrawn = true;
  private inView = true;
  /** Whether the intersection observer has reported since the panel connected. */
  private observed = false;
  private drawing: Promise<void> | null = null;
  private drawAgain = false;
  private resizeFrame = 0;
  private drawnWidth = 0;
  private readonly resizeObserver = new ResizeObserver(() => this.scheduleResize());
  private readonly intersectionObserver = new IntersectionObserver((entries) => this.onIntersection(entries), {
    rootMargin: `${NEAR_PX}px 0px`,
  });
  /** Whether part of the panel is on screen, as last reported by screenObserver (undefined before its first report). */
  private onScreenReported: boolean | undefined;
  private readonly screenObserver = new IntersectionObserver(
    (entries) => (this.onScreenReported = entries[entries.length - 1]?.isIntersecting),
  );

  /**
   * Whether the panel draws now: not lazy, or in (or near) the viewport. Until the observer first
   * reports (a frame after connecting), judged from the panel's position, so a page can request
   * the data of the panels in view as soon as they are rendered.
   */
  get inViewport(): boolean {
    if (!this.lazy || this.observed || !this.isConnected) return this.inView;
    const { top, bottom } = this.getBoundingClientRect();
    return bottom > -NEAR_PX && top < window.innerHeight + NEAR_PX;
  }

  /**
   * Whether part of the panel is on screen (not only near it). From an observer, since measuring
   * the position forces a layout of the whole page, which the page asks for in the middle of
   * Plotly's redraws; judged from the position only until the observer first reports.
   */
  get onScreen(): boolean {
    if (!this.isConnected) return false;
    if (this.onScreenReported !== undefined) return this.onScreenReported;
    const { top, bottom } = this.getBoundingClientRect();
    return bottom > 0 && top < window.innerHeight;
  }

  /** Resolves once everything requested so far is drawn (or waits for the panel to come into view). */
  async whenSettled(): Promise<void> {
    while (this.drawing) await this.drawing;
  }

  /** Restyles traces (the trajectory's current-epoch marker) with one `Plotly.restyle`. */
  restyleTraces(restyle: TraceRestyle): void {
    this.restylePatch = restyle;
    this.patchesDrawn = false;
    this.requestDraw();
  }

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const root = this.getRootNode() as Document | ShadowRoot;
    adopt(root, root instanceof ShadowRoot ? [panelSheet, plotlySheet] : [panelSheet]);
    this.resizeObserver.observe(this);
    // `lazy` is read here, so set it before connecting; the observer reports right after observe().
    this.inView = !this.lazy;
    this.observed = false;
    this.onScreenReported = undefined;
    if (this.lazy) this.intersectionObserver.observe(this);
    this.screenObserver.observe(this);
    if (this.hasUpdated) this.requestDraw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    this.intersectionObserver.disconnect();
    this.screenObserver.disconnect();
    cancelAnimationFrame(this.resizeFrame);
    if (this.drawnSpec) void loadPlotly().then((plotly) => plotly.purge(this.graph));
    this.drawnSpec = null;
    this.plotted = false;
    this.patchesDrawn = false;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // A new spec is drawn at the current state: an earlier patch belongs to the old one.
    if (changed.has('spec')) {
      this.restylePatch = null;
      this.patchesDrawn = true;
    }
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('spec')) this.requestDraw();
  }

  override render() {
    const placeholder = this.spec ? placeholderMessage(this.spec) : null;
    const message = placeholder ?? (this.plotted ? null : LOADING);
    const exportable = this.spec !== null && placeholder === null;
    const height = this.spec?.layout.height ?? panelInfo(this.view).height;
    return html`<div class="plot-toolbar" role="toolbar" aria-label="Export">
        <button ?disabled=${!exportable} title="Download as PNG" @click=${() => this.downloadImage('png')}>PNG</button>
        <button ?disabled=${!exportable} title="Download as SVG" @click=${() => this.downloadImage('svg')}>SVG</button>
        <button ?disabled=${!exportable} title="Download the figure's data as CSV, at full resolution" @click=${this.downloadCsv}>
          CSV
        </button>
      </div>
      <div class="plot-area">
        <div class="plot-graph" style="min-height: ${height}px"></div>
        ${
          message === null
            ? nothing
            : html`<div class="plot-message">
                <strong>${panelInfo(this.view).title}</strong><span>${this.renderMessage(message)}</span>
              </div>`
        }
      </div>`;
  }

  private renderMessage(message: string) {
    return message === PLACEHOLDER.runAnalysisFirst && this.analysisHref ? html`<a href=${this.analysisHref}>${message}</a>` : message;
  }

  private get graph(): HTMLDivElement {
    return this.querySelector('.plot-graph')!;
  }

  private get exportContext(): ExportContext {
    return { variant: this.variant || 'plot', view: this.view, epoch: this.epoch ?? 0 };
  }

  /** Starts a draw, or asks the running one to go again: one draw at a time, always of the latest state. */
  private requestDraw(): void {
    if (this.drawing) {
      this.drawAgain = true;
      return;
    }
    this.drawing = this.draw()
      .catch((error: unknown) => console.error(`plot-panel ${this.view}:`, error))
      .finally(() => {
        this.drawing = null;
        if (this.drawAgain) {
          this.drawAgain = false;
          this.requestDraw();
        }
      });
  }

  private async draw(): Promise<void> {
    if (!this.spec || !this.isConnected) return;
    if (placeholderMessage(this.spec) !== null) return this.clear();
    if (!this.inView) return;
    const plotly = await loadPlotly();
    const spec = this.spec;
    if (!this.isConnected || !spec) return;
    const graph = this.graph;
    if (spec !== this.drawnSpec) {
      const data = spec.data as Data[];
      const layout = spec.layout as Partial<Layout>;
      if (this.drawnSpec === null) {
        const plotted = await plotly.newPlot(graph, data, layout, CONFIG);
        plotted.on('plotly_click', this.onPlotlyClick);
        syncPlotlySheet();
      } else {
        await plotly.react(graph, data, layout, CONFIG);
      }
      // Disconnected while drawing: nothing is kept on screen, so the next connection re-plots.
      if (!this.isConnected) return plotly.purge(graph);
      this.drawnSpec = spec;
      this.plotted = true;
      this.drawnWidth = graph.clientWidth;
      this.patchesDrawn = false;
    }
    if (!this.patchesDrawn) {
      this.patchesDrawn = true;
      if (this.restylePatch) await plotly.restyle(graph, this.restylePatch.update as Data, this.restylePatch.traceIndices);
    }
  }

  /** Removes the drawn figure: a placeholder's message takes its place. */
  private async clear(): Promise<void> {
    if (!this.drawnSpec) return;
    (await loadPlotly()).purge(this.graph);
    this.drawnSpec = null;
    this.plotted = false;
  }

  private scheduleResize(): void {
    cancelAnimationFrame(this.resizeFrame);
    this.resizeFrame = requestAnimationFrame(() => {
      const graph = this.graph;
      if (!this.drawnSpec || !this.inView || graph.clientWidth === this.drawnWidth) return;
      this.drawnWidth = graph.clientWidth;
      void loadPlotly().then((plotly) => plotly.Plots.resize(graph));
    });
  }

  private onIntersection(entries: IntersectionObserverEntry[]): void {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    this.observed = true;
    this.inView = entry.isIntersecting;
    if (this.inView) {
      this.requestDraw();
      this.scheduleResize();
      this.dispatchEvent(new CustomEvent('plot-visible', { detail: { view: this.view }, bubbles: true, composed: true }));
    }
  }

  private onPlotlyClick = (event: PlotMouseEvent) => {
    const point = pointUnderPointer(event, this.graph);
    if (!point) return;
    const detail: PlotClickDetail = {
      view: this.view,
      x: point.x,
      y: point.y,
      customdata: point.customdata,
      curveNumber: point.curveNumber,
      pointNumber: point.pointNumber,
    };
    this.dispatchEvent(new CustomEvent('plot-click', { detail, bubbles: true, composed: true }));
  };

  private async downloadImage(format: 'png' | 'svg') {
    if (!this.spec) return;
    const filename = this.exportName || exportFileName(this.spec, this.exportContext);
    const plotly = await loadPlotly();
    await plotly.downloadImage(this.graph, { format, filename, width: this.graph.clientWidth, height: this.graph.clientHeight });
  }

  private async downloadCsv() {
    const file = this.spec && csvExport(this.spec, this.exportContext);
    if (!file) return;
    if (this.exportName) file.filename = `${this.exportName}.csv`;
    if (this.csvTable) file.csv = tableCsv(await this.csvTable());
    downloadText(file.csv, file.filename, 'text/csv');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plot-panel': PlotPanel;
  }
  interface HTMLElementEventMap {
    'plot-click': PlotClickEvent;
    'plot-visible': PlotVisibleEvent;
  }
}

/** A Plotly axis as drawn: its pixel offset in the graph and its data-to-pixel map (log axes included). */
interface DrawnAxis {
  _offset?: number;
  c2p?: (value: number) => number;
}

/**
 * The point a click meant. With hover over every trace at one x ('x unified'), Plotly reports each
 * trace's point at the clicked x, the last trace first: the one drawn nearest the pointer is the one
 * clicked (on the Reports overlays, the variant whose curve was hit).
 */
function pointUnderPointer(event: PlotMouseEvent, graph: HTMLElement): PlotMouseEvent['points'][number] | undefined {
  const { points } = event;
  const pointerY = (event.event as MouseEvent | undefined)?.clientY;
  if (points.length < 2 || pointerY === undefined) return points[0];
  const graphTop = graph.getBoundingClientRect().top;
  let nearest = points[0];
  let nearestDistance = Infinity;
  for (const point of points) {
    const axis = point.yaxis as unknown as DrawnAxis | undefined;
    if (typeof point.y !== 'number' || !axis?.c2p) continue;
    const distance = Math.abs(graphTop + (axis._offset ?? 0) + axis.c2p(point.y) - pointerY);
    if (distance < nearestDistance) [nearest, nearestDistance] = [point, distance];
  }
  return nearest;
}
