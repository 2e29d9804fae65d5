import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import type { VariantDetail } from '../../shared/artifacts.ts';
import { countOf } from '../../shared/format.ts';
import { VariantData } from '../api/variant-data.ts';
import { WithApi } from '../api/with-api.ts';
import type { EpochChangeEvent } from '../components/epoch-control.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import '../components/plot-panel.ts';
import { loadPlotly, type PlotClickEvent, type PlotVisibleEvent } from '../components/plot-panel.ts';
import type { VariantChangeEvent } from '../components/variant-select.ts';
import '../components/viz-sidebar.ts';
import type { VizControlChangeEvent, VizControlDetail } from '../components/viz-sidebar.ts';
import {
  clickSelection,
  nearestEpoch,
  PER_EPOCH_VIEW_IDS,
  PLACEHOLDER,
  RECOMPUTED_VIEW_IDS,
  VIEW_SECTIONS,
  viewInfo,
  viewsFollowing,
  type ViewId,
} from '../plots/index.ts';
import { theme } from '../styles/theme.ts';
import { EpochViews } from './epoch-views.ts';
import { PageTitle } from './page-title.ts';
import { QuerySync } from './query-sync.ts';
import { VizFigures } from './viz-figures.ts';
import { DEFAULT_SELECTION, fitToVariant, formatVizQuery, parseVizQuery, type VizSelection } from './viz-query.ts';

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

/** The sidebar's status line: the variant with its state and checkpoints, or why none is shown. */
function statusText(variant: string, missing: string, detail: VariantDetail | null, variants: readonly VariantSummary[]): string {
  if (missing === NO_VARIANTS) return NO_VARIANTS;
  if (!variant) return 'No variant selected';
  if (!detail) return missing === PLACEHOLDER.variantNotFound ? `Variant not found: ${variant}` : `Variant: ${variant}`;
  const state = stateOf(variant, variants) ?? 'unknown';
  const count = detail.analyzedEpochs.length;
  return `Variant: ${variant} | State: ${state}${count > 0 ? ` | ${countOf(count, 'checkpoint')}` : ''}`;
}

/** The variant's state (registry, §3.6) as the family's variant list last said it. */
function stateOf(variant: string, variants: readonly VariantSummary[]): VariantSummary['state'] | undefined {
  return variants.find((v) => v.name === variant)?.state;
}

/** The Analysis Run page with the variant filled in, where a "Run analysis first" placeholder leads. */
function analysisHref(family: string, variant: string): string {
  return variant ? `/analysis-run?family=${encodeURIComponent(family)}&variant=${encodeURIComponent(variant)}` : '';
}

/**
 * Visualization: the sidebar and the 18 linked plots of one analyzed variant (docs/ARCHITECTURE.md
 * §7). The page holds the selection and turns events into changes of it; its controllers do the
 * rest: QuerySync keeps the URL query in step, VariantData loads (caching, aborting, prefetching),
 * VizFigures holds the figures built from the data, and EpochViews follows an epoch change (markers
 * at once, per-epoch plots on screen first).
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
    onViews: (views) => this.figures.rebuild(views),
    onError: (message) => (this.error = message),
    onVariants: (variants) => (this.variants = variants),
  });
  private readonly figures = new VizFigures(this, this.data, () => this.selection);
  private readonly epochViews = new EpochViews(this, this.data, this.figures, () => this.selection);

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
                  .spec=${this.figures.get(id) ?? this.figures.placeholder(id, this.missing)}
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
    this.epochViews.reset();
    this.figures.clear();
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
    this.selection = fitToVariant(this.selection, detail);
    this.url.write({ now: true });
    this.figures.showPlaceholders((id) => (this.data.analyzed(viewInfo(id).feeds) ? LOADING : PLACEHOLDER.runAnalysisFirst));
    this.figures.rebuild(['loss']);
    this.data.loadSeries();
    // The panels must exist to say whether they are in view.
    await this.updateComplete;
    if (this.data.detail !== detail) return;
    void this.epochViews.load();
    // A variant in training: its loss curve grows as the run reaches each checkpoint.
    if (stateOf(variant, this.variants) === 'training') this.data.followTraining();
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
      this.epochViews.scheduleMarkers();
    }
    if (committed) void this.epochViews.load();
  }

  /** Sets a plot control: the recomputed views following it reload, the others are rebuilt from the data they have. */
  private setControl(change: VizControlDetail) {
    this.select({ [change.name]: change.value });
    const views = viewsFollowing(change.name);
    const reloaded = views.filter((id) => RECOMPUTED_VIEW_IDS.includes(id));
    if (reloaded.length > 0) void this.epochViews.load(reloaded);
    this.figures.rebuild(views.filter((id) => !reloaded.includes(id) && this.data.hasData(id)));
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
    if (PER_EPOCH_VIEW_IDS.includes(view)) void this.epochViews.load([view]);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'viz-page': VizPage;
  }
}
