import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import type { VariantDetail } from '../../shared/artifacts.ts';
import { VariantData } from '../api/variant-data.ts';
import { WithApi } from '../api/with-api.ts';
import type { EpochChangeEvent } from '../components/epoch-control.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import '../components/plot-panel.ts';
import { loadPlotly, type PlotClickEvent, type PlotPanel, type PlotVisibleEvent } from '../components/plot-panel.ts';
import type { VariantChangeEvent } from '../components/variant-select.ts';
import '../components/viz-sidebar.ts';
import type { VizControlChangeEvent, VizControlDetail } from '../components/viz-sidebar.ts';
import {
  clickSelection,
  nearestEpoch,
  PER_EPOCH_VIEW_IDS,
  PLACEHOLDER,
  placeholderSpec,
  RECOMPUTED_VIEW_IDS,
  TRAJECTORY_VIEW_IDS,
  VIEW_SECTIONS,
  viewFigure,
  viewInfo,
  VIEWS,
  viewsFollowing,
  type PlotSpec,
  type ViewControl,
  type ViewId,
} from '../plots/index.ts';
import { theme } from '../styles/theme.ts';
import { EpochMarkers } from './epoch-markers.ts';
import { PageTitle } from './page-title.ts';
import { QuerySync } from './query-sync.ts';
import { DEFAULT_SELECTION, formatVizQuery, parseVizQuery, type VizSelection } from './viz-query.ts';

/**
 * How long the selection must stay put before the URL follows it. Each history.replaceState is a
 * same-document navigation for the browser (measured 9 ms of Chromium's CPU per call under
 * automation, competing with the plots being drawn), and Chromium throttles a page that makes more
 * than 200 in 10 s, which dragging the slider would.
 */
const URL_WRITE_DELAY_MS = 250;

const LOADING = 'Loading…';
/** Why no variant is shown when the family has none: the page then says how to make one. */
const NO_VARIANTS = 'No variants yet';

/** The views' control (VIEWS `controls`) each sidebar control sets; the head belongs to the SV matrix's figure. */
const VIEW_CONTROL: Record<VizControlDetail['name'], ViewControl> = {
  neuron: 'neuron',
  pair: 'positionPair',
  group: 'trajectoryGroup',
  sv: 'svMatrix',
  head: 'svMatrix',
  metric: 'flatnessMetric',
};

/** The sidebar's status line: the variant with its state and checkpoints, or why none is shown. */
function statusText(variant: string, missing: string, detail: VariantDetail | null, variants: readonly VariantSummary[]): string {
  if (missing === NO_VARIANTS) return NO_VARIANTS;
  if (!variant) return 'No variant selected';
  if (!detail) return missing === PLACEHOLDER.variantNotFound ? `Variant not found: ${variant}` : `Variant: ${variant}`;
  const state = variants.find((v) => v.name === variant)?.state ?? 'unknown';
  const count = detail.analyzedEpochs.length;
  return `Variant: ${variant} | State: ${state}${count > 0 ? ` | ${count} checkpoints` : ''}`;
}

/** The Analysis Run page with the variant filled in, where a "Run analysis first" placeholder leads. */
function analysisHref(family: string, variant: string): string {
  return variant ? `/analysis-run?family=${encodeURIComponent(family)}&variant=${encodeURIComponent(variant)}` : '';
}

/**
 * Visualization: the sidebar and the 18 linked plots of one analyzed variant (docs/ARCHITECTURE.md
 * §7). The selection lives in the URL query (QuerySync); the data comes through VariantData, which
 * loads, caches, aborts and prefetches; EpochMarkers moves the markers on an epoch change. The page
 * turns data into figures (viewFigure) and decides what loads when: the per-epoch plots on screen
 * first, once an epoch change is committed.
 */
@customElement('viz-page')
export class VizPage extends WithApi(LitElement) {
  static override styles = [
    theme,
    css`
      /* The page, not the plots, is capped in width: hiding the sidebar hands its width to the plots. */
      :host {
        display: flex;
        align-items: stretch;
        min-height: 100%;
        max-width: 1500px;
      }
      .content {
        flex: 1;
        min-width: 0;
        padding: 16px 24px 40px;
      }
      h1 {
        font-size: 1.4rem;
        margin: 0 0 8px;
      }
      h2 {
        font-size: 1rem;
        margin: 28px 0 8px;
        color: var(--wb-muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      plot-panel {
        margin-bottom: 16px;
      }
      .error {
        color: var(--wb-danger);
      }
      .first-run {
        max-width: 640px;
        padding: 16px 20px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
      }
      .first-run h2 {
        margin-top: 0;
        color: var(--wb-fg);
        text-transform: none;
        letter-spacing: 0;
      }
    `,
  ];

  @state() private families: FamilySummary[] = [];
  @state() private variants: VariantSummary[] = [];
  @state() private selection: VizSelection = { ...DEFAULT_SELECTION };
  /** Why no variant is shown ("Select a variant", "Variant not found", …), when none is. */
  @state() private missing: string = LOADING;
  @state() private specs: Partial<Record<ViewId, PlotSpec>> = {};
  @state() private error = '';

  protected readonly tabTitle = new PageTitle(this, () =>
    this.data.detail ? `Visualization — ${this.data.detail.variant}` : 'Visualization',
  );
  private readonly url = new QuerySync(this, {
    format: () => formatVizQuery(this.selection),
    storageKey: 'workbench:viz-query',
    delayMs: URL_WRITE_DELAY_MS,
  });
  private readonly data = new VariantData(this, {
    api: () => this.api,
    onViews: (views) => this.rebuild(views),
    onError: (message) => (this.error = message),
  });
  private readonly markers = new EpochMarkers(this, {
    selection: () => this.selection,
    trajectory: () => this.data.trajectory,
    panel: (id) => this.panel(id),
    spec: (id) => this.specs[id],
    setSpec: (id, spec) => this.setSpec(id, spec),
  });
  /** One placeholder figure per view and message, so re-rendering the page hands panels the same object. */
  private readonly placeholders = new Map<string, PlotSpec>();
  private readonly panels = new Map<ViewId, PlotPanel>();

  override connectedCallback(): void {
    super.connectedCallback();
    // A bare /viz (the nav link) reopens the view last shown in this tab.
    this.selection = parseVizQuery(this.url.initialQuery());
    if (!window.location.search) this.url.write({ now: true });
    // Plotly (1.4 MB gzipped; index.html already started fetching it on /viz) loads while the variant's data does.
    void loadPlotly();
    void this.loadFamilies();
    this.data.preload(this.selection.family, this.selection.variant);
  }

  override render() {
    const { selection } = this;
    const { detail } = this.data;
    return html`<viz-sidebar
        .families=${this.families}
        .family=${selection.family}
        .variants=${this.variants}
        .variant=${selection.variant}
        .run=${detail?.run ?? null}
        .numEpochs=${detail?.numEpochs ?? 0}
        .epochs=${detail?.analyzedEpochs ?? []}
        .epoch=${selection.epoch}
        .neurons=${detail?.config.d_mlp ?? 0}
        .heads=${detail?.config.n_heads ?? 0}
        .neuron=${selection.neuron}
        .pair=${selection.pair}
        .group=${selection.group}
        .sv=${selection.sv}
        .head=${selection.head}
        .metric=${selection.metric}
        .status=${statusText(selection.variant, this.missing, detail, this.variants)}
        @family-change=${this.onFamilyChange}
        @variant-change=${this.onVariantChange}
        @epoch-change=${this.onEpochChange}
        @viz-control-change=${this.onControlChange}
      ></viz-sidebar>
      <div class="content" @plot-click=${this.onPlotClick} @plot-visible=${this.onPlotVisible}>
        <h1>Training Dynamics Analysis</h1>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
        ${this.missing === NO_VARIANTS ? this.renderFirstRun() : this.renderSections()}
      </div>`;
  }

  /** What to do first when the family has no variant to show yet. */
  private renderFirstRun() {
    const family = this.families.find((f) => f.name === this.selection.family)?.display_name ?? this.selection.family;
    return html`<section class="first-run" role="status">
      <h2>No variants yet</h2>
      <p>
        ${family} has no trained variant to visualize. Start on the <a href="/training">Training page</a>: the Quick run preset groks in a
        few minutes.
      </p>
      <p>Then run the analyzers over its checkpoints on the Analysis Run page, and its plots appear here.</p>
    </section>`;
  }

  private renderSections() {
    const { family, variant } = this.selection;
    // Only the views the family declares; a section with none of them is left out.
    const declared = this.families.find((f) => f.name === family)?.visualizations ?? [];
    return VIEW_SECTIONS.map((section) => ({ ...section, views: section.views.filter((id) => declared.includes(viewInfo(id).name)) }))
      .filter((section) => section.views.length > 0)
      .map(
        (section) =>
          html`<section>
            <h2>${section.title}</h2>
            ${section.views.map(
              (id) =>
                html`<plot-panel
                  lazy
                  view=${id}
                  variant=${variant}
                  analysis-href=${analysisHref(family, variant)}
                  .epoch=${this.data.epochData.get(id)?.epoch ?? this.selection.epoch}
                  .spec=${this.specs[id] ?? this.placeholder(id, this.missing)}
                  ?busy=${this.data.isLoading(id)}
                ></plot-panel>`,
            )}
          </section>`,
      );
  }

  // ---- loading ---------------------------------------------------------------------------------

  private async loadFamilies() {
    try {
      this.families = (await this.api.families()).families;
    } catch (error) {
      this.error = (error as Error).message;
      return;
    }
    const known = this.families.some((f) => f.name === this.selection.family);
    await this.loadVariants(known ? this.selection.family : (this.families[0]?.name ?? ''));
  }

  /** Lists the family's variants, then opens the selected variant if the family has it. */
  private async loadVariants(family: string) {
    this.selection = { ...this.selection, family };
    this.variants = [];
    if (!family) return this.showNoVariant(PLACEHOLDER.selectVariant);
    try {
      this.variants = (await this.api.variants(family)).variants;
    } catch (error) {
      this.error = (error as Error).message;
      return;
    }
    const { variant } = this.selection;
    if (this.variants.length === 0) this.showNoVariant(NO_VARIANTS);
    else if (!variant) this.showNoVariant(PLACEHOLDER.selectVariant);
    else if (!this.variants.some((v) => v.name === variant)) this.showNoVariant(PLACEHOLDER.variantNotFound);
    else await this.openVariant();
  }

  private showNoVariant(message: string) {
    this.data.close();
    this.clearFigures();
    this.missing = message;
    this.url.write({ now: true });
  }

  private clearFigures() {
    this.markers.reset();
    this.specs = {};
    this.error = '';
  }

  /** Loads the selected variant and draws everything at the selected (or first analyzed) epoch. */
  private async openVariant() {
    const { family, variant } = this.selection;
    this.clearFigures();
    this.missing = LOADING;
    const outcome = await this.data.open(family, variant);
    if (outcome === 'not-found') return this.showNoVariant(PLACEHOLDER.variantNotFound);
    const { detail } = this.data;
    if (outcome !== 'opened' || !detail) return;
    const epochs = detail.analyzedEpochs;
    const wanted = this.selection.epoch;
    this.selection = {
      ...this.selection,
      epoch: (wanted === null ? undefined : nearestEpoch(epochs, wanted)) ?? epochs[0] ?? null,
      neuron: Math.min(this.selection.neuron, detail.config.d_mlp - 1),
      head: Math.min(this.selection.head, detail.config.n_heads - 1),
    };
    this.url.write({ now: true });
    this.specs = Object.fromEntries(
      VIEWS.map((view) => [view.id, this.placeholder(view.id, this.data.analyzed(view.feeds) ? LOADING : PLACEHOLDER.runAnalysisFirst)]),
    );
    this.rebuild(['loss']);
    this.data.loadSeries();
    // The panels must exist to say whether they are in view.
    await this.updateComplete;
    if (this.data.detail === detail) void this.loadEpochViews();
  }

  /**
   * Brings the per-epoch views in view (of the given ones) to the current selection; the others
   * follow when they scroll into view. All are requested at once, the recomputed ones first: their
   * forward pass is the longest wait, and the server runs it off its event loop, so the artifact
   * reads are not held up behind it.
   */
  private async loadEpochViews(ids: readonly ViewId[] = PER_EPOCH_VIEW_IDS) {
    const due = ids.filter((id) => this.data.analyzed(viewInfo(id).feeds) && this.panel(id)?.inViewport);
    const recomputed = (id: ViewId) => RECOMPUTED_VIEW_IDS.includes(id);
    const epoch = this.selection.epoch;
    // Panels only near the screen come after those on it, and so do the off-screen marker moves.
    const onScreen = due.filter((id) => this.panel(id)!.onScreen);
    await Promise.all([...onScreen.filter(recomputed), ...onScreen.filter((id) => !recomputed(id))].map((id) => this.loadEpochView(id)));
    await this.updateComplete; // the panels have their new specs and have started drawing them
    await Promise.all(
      onScreen.map(async (id) => {
        const panel = this.panel(id);
        await panel?.updateComplete;
        await panel?.whenSettled();
      }),
    );
    // After the next paint, so the marker moves on screen (scheduled for this frame) come first.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    if (epoch === null || epoch !== this.selection.epoch) return;
    this.markers.settled(epoch);
    await Promise.all(due.filter((id) => !onScreen.includes(id)).map((id) => this.loadEpochView(id)));
    if (epoch === this.selection.epoch) this.data.prefetchNeighbours(due, { ...this.selection, epoch });
  }

  /** Loads a per-epoch view's payload at the selection as it is now (an earlier one's load is superseded). */
  private async loadEpochView(id: ViewId) {
    const { epoch } = this.selection;
    if (epoch === null) return this.setSpec(id, this.placeholder(id, PLACEHOLDER.runAnalysisFirst));
    await this.data.loadEpochView(id, { ...this.selection, epoch });
  }

  // ---- figures ---------------------------------------------------------------------------------

  private rebuild(views: readonly ViewId[]) {
    for (const id of views) this.setSpec(id, viewFigure(id, this.data, this.selection));
  }

  private placeholder(id: ViewId, message: string): PlotSpec {
    const key = `${id}:${message}`;
    if (!this.placeholders.has(key)) this.placeholders.set(key, placeholderSpec(message));
    return this.placeholders.get(key)!;
  }

  /** Hands a figure to its panel, keeping the user's zoom across updates of the same variant and view. */
  private setSpec(id: ViewId, spec: PlotSpec) {
    const trajectory = TRAJECTORY_VIEW_IDS.includes(id);
    // Each trajectory group is its own PCA space, so its zoom is its own.
    spec.layout.uirevision = `${this.selection.variant}:${id}${trajectory ? `:${this.selection.group}` : ''}`;
    this.specs = { ...this.specs, [id]: spec };
  }

  /** The view's panel; looked up once (panels are rendered once per page and keep their view). */
  private panel(id: ViewId): PlotPanel | null {
    const known = this.panels.get(id);
    if (known?.isConnected) return known;
    const found = this.renderRoot.querySelector<PlotPanel>(`plot-panel[view="${id}"]`);
    if (found) this.panels.set(id, found);
    return found;
  }

  // ---- selection -------------------------------------------------------------------------------

  private select(change: Partial<VizSelection>) {
    this.selection = { ...this.selection, ...change };
    this.url.write();
  }

  private setEpoch(epoch: number, committed: boolean) {
    if (epoch !== this.selection.epoch) {
      this.select({ epoch });
      this.data.abortPrefetches(epoch);
      this.markers.schedule();
    }
    if (committed) void this.loadEpochViews();
  }

  /** Sets a plot control: the recomputed views following it reload, the others are rebuilt from the data they have. */
  private setControl(change: VizControlDetail) {
    this.select({ [change.name]: change.value });
    const views = viewsFollowing(VIEW_CONTROL[change.name]);
    const reloaded = views.filter((id) => RECOMPUTED_VIEW_IDS.includes(id));
    if (reloaded.length > 0) void this.loadEpochViews(reloaded);
    this.rebuild(views.filter((id) => !reloaded.includes(id) && this.data.hasData(id)));
  }

  // ---- handlers --------------------------------------------------------------------------------

  private onFamilyChange(event: FamilyChangeEvent) {
    this.selection = { ...this.selection, variant: '', epoch: null };
    void this.loadVariants(event.detail.family);
  }

  private onVariantChange(event: VariantChangeEvent) {
    this.selection = { ...this.selection, variant: event.detail.variant, epoch: null };
    void this.openVariant();
  }

  private onEpochChange(event: EpochChangeEvent) {
    if (this.data.detail) this.setEpoch(event.detail.epoch, event.detail.committed);
  }

  private onControlChange(event: VizControlChangeEvent) {
    this.setControl(event.detail);
  }

  private onPlotClick(event: PlotClickEvent) {
    const chosen = clickSelection(event.detail.view, event.detail);
    const { detail } = this.data;
    if (!chosen || !detail) return;
    if ('epoch' in chosen) {
      const epoch = nearestEpoch(detail.analyzedEpochs, chosen.epoch);
      if (epoch !== undefined) this.setEpoch(epoch, true);
    } else if (Number.isInteger(chosen.neuron) && chosen.neuron >= 0 && chosen.neuron < detail.config.d_mlp) {
      this.setControl({ name: 'neuron', value: chosen.neuron });
    }
  }

  private onPlotVisible(event: PlotVisibleEvent) {
    const view = event.detail.view as ViewId;
    if (PER_EPOCH_VIEW_IDS.includes(view)) void this.loadEpochViews([view]);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'viz-page': VizPage;
  }
}
