import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import type {
  AttentionSliceResponse,
  CrossEpochResponse,
  Decoded,
  EpochArtifactResponse,
  NeuronGridResponse,
  SummaryResponse,
  VariantDetail,
} from '../../shared/artifacts.ts';
import { ApiRequestError } from '../api/client.ts';
import { LruCache } from '../api/lru-cache.ts';
import { WithApi } from '../api/with-api.ts';
import type { EpochChangeEvent } from '../components/epoch-control.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import '../components/plot-panel.ts';
import { loadPlotly, type PlotClickEvent, type PlotPanel, type PlotVisibleEvent } from '../components/plot-panel.ts';
import type { VariantChangeEvent } from '../components/variant-select.ts';
import '../components/viz-sidebar.ts';
import type { VizControlChangeEvent } from '../components/viz-sidebar.ts';
import {
  activationSpec,
  attentionFrequencySpec,
  attentionHeadsSpec,
  attentionSpecializationSpec,
  ATTENTION_FREQ_KEYS,
  ATTENTION_FREQ_SUMMARY_KEYS,
  clickSelection,
  CROSS_EPOCH_TRAJECTORY_KEYS,
  dimensionalityTrajectorySpec,
  dominantFrequenciesSpec,
  DOMINANT_FREQUENCIES_KEYS,
  EFFECTIVE_DIMENSIONALITY_KEYS,
  EFFECTIVE_DIMENSIONALITY_SUMMARY_KEYS,
  flatnessTrajectorySpec,
  frequencyClustersSpec,
  LANDSCAPE_FLATNESS_KEYS,
  LANDSCAPE_FLATNESS_SUMMARY_KEYS,
  lossSpec,
  MARKER_VIEW_IDS,
  nearestEpoch,
  NEURON_FREQ_NORM_KEYS,
  NEURON_FREQ_NORM_SUMMARY_KEYS,
  PER_EPOCH_VIEW_IDS,
  perturbationSpec,
  pickEpochArrays,
  pickSeriesArrays,
  PLACEHOLDER,
  placeholderSpec,
  POSITION_PAIRS,
  singularValueSpectrumSpec,
  specializationByFrequencySpec,
  specializationTrajectorySpec,
  trajectory2dSpec,
  trajectory3dSpec,
  trajectoryMarkerRestyle,
  TRAJECTORY_VIEW_IDS,
  velocitySpec,
  viewInfo,
  VIEWS,
  withEpochMarker,
  type CrossEpochTrajectory,
  type PlotSpec,
  type TrajectoryViewId,
  type ViewId,
} from '../plots/index.ts';
import { theme } from '../styles/theme.ts';
import { PageTitle } from './page-title.ts';
import { DEFAULT_SELECTION, formatVizQuery, parseVizQuery, type VizSelection } from './viz-query.ts';

/** The page's sections (docs/ARCHITECTURE.md §7.1), covering VIEWS in page order. */
const SECTIONS: readonly { title: string; views: readonly ViewId[] }[] = [
  { title: 'Training Progress', views: ['loss'] },
  { title: 'Embedding and Neurons', views: ['freq', 'activation', 'clusters'] },
  { title: 'Neuron Frequency Specialization', views: ['spec-trajectory', 'spec-freq'] },
  { title: 'Attention Patterns', views: ['attention'] },
  { title: 'Attention Head Frequency Specialization', views: ['attn-freq', 'attn-spec'] },
  { title: 'Parameter Space Trajectory', views: ['trajectory', 'trajectory-3d', 'trajectory-pc1-pc3', 'trajectory-pc2-pc3', 'velocity'] },
  { title: 'Weight Matrix Effective Dimensionality', views: ['dim-trajectory', 'sv-spectrum'] },
  { title: 'Loss Landscape Flatness', views: ['flatness-trajectory', 'perturbation'] },
];

/** Summaries the marker views draw, by analyzer. */
const SUMMARY_ANALYZERS = ['neuron_freq_norm', 'attention_freq', 'effective_dimensionality', 'landscape_flatness'] as const;
type SummaryAnalyzer = (typeof SUMMARY_ANALYZERS)[number];
const TRAJECTORY_ANALYZER = 'parameter_trajectory';

type EpochPayload = EpochArtifactResponse | Decoded<NeuronGridResponse> | Decoded<AttentionSliceResponse>;
/** What a per-epoch view shows: its payload (null: none at that epoch) and the epoch it belongs to. */
interface EpochData {
  epoch: number;
  payload: EpochPayload | null;
}

/** Per-epoch views whose payload the server recomputes from the checkpoint rather than reads. */
const RECOMPUTED_VIEW_IDS: readonly ViewId[] = ['activation', 'attention'];

/**
 * How long the epoch must stay put before the neighbours' recomputed payloads are prefetched. The
 * server's forward pass cannot be interrupted, so one started for a prefetch while the user is
 * still jumping around would hold up the next jump's by as long (tens of ms at p = 113).
 */
const RECOMPUTED_PREFETCH_DELAY_MS = 100;

/** The deep link's variant requested before its family's variant list is in, saving round trips. */
interface Preload {
  family: string;
  variant: string;
  controller: AbortController;
  detail: Promise<VariantDetail>;
  summaries: Map<SummaryAnalyzer, Promise<SummaryResponse>>;
  trajectory: Promise<CrossEpochResponse>;
}

/**
 * How long the selection must stay put before the URL follows it. Each history.replaceState is a
 * same-document navigation for the browser (measured 9 ms of Chromium's CPU per call under
 * automation, competing with the plots being drawn), and Chromium throttles a page that makes more
 * than 200 in 10 s, which dragging the slider would.
 */
const URL_WRITE_DELAY_MS = 250;

/** Per-epoch payloads kept for scrubbing back and forth: 7 views × ~9 epochs (an attention slice is ~0.5 MB). */
const CACHE_ENTRIES = 64;

const LOADING = 'Loading…';
/** Why no variant is shown when the family has none: the page then says how to make one. */
const NO_VARIANTS = 'No variants yet';

/** Placeholders have no traces: nothing to export, and no marker to move. */
function isPlaceholder(spec: PlotSpec | undefined): boolean {
  return !spec || spec.data.length === 0;
}

/** The last view's query in this tab, so leaving the page and coming back through the nav keeps it. */
const lastView = {
  key: 'workbench:viz-query',
  read(): string {
    try {
      return sessionStorage.getItem(this.key) ?? '';
    } catch {
      return ''; // storage can be blocked when the page is embedded elsewhere
    }
  },
  write(query: string): void {
    try {
      sessionStorage.setItem(this.key, query);
    } catch {
      // not remembering the view is harmless
    }
  },
};

/**
 * Visualization: the sidebar and the 18 linked plots of one analyzed variant.
 *
 * Loading: the variant's detail, summaries and parameter trajectory once per variant; each
 * per-epoch view's payload per epoch on demand, through an LRU cache, with its own
 * AbortController so a superseded request never draws. An epoch change moves the marker plots'
 * marker (withEpochMarker, which Plotly.react redraws alone) and the trajectory stars with a
 * restyle (once per frame while dragging), and
 * re-renders only the per-epoch plots once the choice is committed. The selection lives in the
 * URL query (history.replaceState once it stays put, so scrubbing adds no history entries).
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
  @state() private detail: VariantDetail | null = null;
  /** Why no variant is shown ("Select a variant", "Variant not found", …), when none is. */
  @state() private missing: string = LOADING;
  @state() private specs: Partial<Record<ViewId, PlotSpec>> = {};
  @state() private loading = new Set<ViewId>();
  @state() private error = '';

  protected readonly tabTitle = new PageTitle(this, () => (this.detail ? `Visualization — ${this.detail.variant}` : 'Visualization'));
  private readonly cache = new LruCache<string, EpochPayload | null>(CACHE_ENTRIES);
  private readonly epochData = new Map<ViewId, EpochData>();
  /** The payload key each per-epoch view shows or is fetching, so nothing is fetched twice. */
  private readonly requested = new Map<ViewId, string>();
  private readonly requests = new Map<ViewId, AbortController>();
  /** Payload requests on their way (a view's or a prefetch), so a second asker waits for the first. */
  private readonly inflight = new Map<string, Promise<EpochPayload | null>>();
  /** Prefetches on their way by payload key, so an epoch change can abort those it made useless. */
  private readonly prefetches = new Map<string, { epoch: number; controller: AbortController }>();
  private prefetchTimer = 0;
  private preload: Preload | null = null;
  private summaries = new Map<SummaryAnalyzer, SummaryResponse | null>();
  private trajectory: CrossEpochTrajectory | null = null;
  /** Aborts everything loading for the current variant when another is chosen. */
  private variantRequests = new AbortController();
  private markerFrame = 0;
  private urlTimer = 0;
  /** The epoch whose plots on screen are drawn, and the marker moves of panels off screen waiting for it. */
  private settledEpoch: number | null = null;
  private offScreenMoves: (() => void)[] = [];
  /** One placeholder figure per view and message, so re-rendering the page hands panels the same object. */
  private readonly placeholders = new Map<string, PlotSpec>();
  private readonly panels = new Map<ViewId, PlotPanel>();

  override connectedCallback(): void {
    super.connectedCallback();
    // Read window.location, not the router's location: onBeforeEnter is unreliable after a reload (C.1).
    // A bare /viz (the nav link) reopens the view last shown in this tab.
    this.selection = parseVizQuery(window.location.search || lastView.read());
    if (!window.location.search) this.writeUrl({ now: true });
    // Plotly (1.4 MB gzipped; index.html already started fetching it on /viz) loads while the variant's data does.
    void loadPlotly();
    void this.loadFamilies();
    this.preloadVariant();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.variantRequests.abort();
    for (const request of this.requests.values()) request.abort();
    this.requests.clear();
    this.requested.clear();
    this.abortPrefetches(null);
    this.dropPreload();
    cancelAnimationFrame(this.markerFrame);
    this.markerFrame = 0;
    // The address bar already shows where the researcher went; the tab still remembers this view.
    clearTimeout(this.urlTimer);
    lastView.write(formatVizQuery(this.selection));
  }

  override render() {
    const { selection, detail } = this;
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
        .status=${this.statusText()}
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
    const analysisHref = variant ? `/analysis-run?family=${encodeURIComponent(family)}&variant=${encodeURIComponent(variant)}` : '';
    // Only the views the family declares; a section with none of them is left out.
    const declared = this.families.find((f) => f.name === family)?.visualizations ?? [];
    const sections = SECTIONS.map((section) => ({ ...section, views: section.views.filter((id) => declared.includes(viewInfo(id).name)) }));
    return sections
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
                  analysis-href=${analysisHref}
                  .epoch=${this.epochData.get(id)?.epoch ?? this.selection.epoch}
                  .spec=${this.specs[id] ?? this.placeholder(id, this.missing)}
                  ?busy=${this.loading.has(id)}
                ></plot-panel>`,
            )}
          </section>`,
      );
  }

  // ---- loading -------------------------------------------------------------------------------

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
    this.resetVariantData();
    this.detail = null;
    this.missing = message;
    this.writeUrl({ now: true });
  }

  private resetVariantData() {
    this.variantRequests.abort();
    this.variantRequests = new AbortController();
    for (const request of this.requests.values()) request.abort();
    this.requests.clear();
    this.requested.clear();
    this.abortPrefetches(null);
    this.dropPreload();
    this.settledEpoch = null;
    this.offScreenMoves = [];
    this.epochData.clear();
    this.cache.clear();
    this.summaries = new Map();
    this.trajectory = null;
    this.specs = {};
    this.loading = new Set();
    this.error = '';
  }

  /**
   * Requests the deep link's variant detail, summaries and trajectory right away, alongside the
   * family and variant lists, so they are in before Plotly's parse holds up the main thread.
   * Results of analyzers that have not run are never used (their 404 is expected).
   */
  private preloadVariant() {
    const { family, variant } = this.selection;
    if (!family || !variant) return;
    const controller = new AbortController();
    const { signal } = controller;
    // A preload nobody takes must not report an unhandled rejection.
    const handled = <T>(request: Promise<T>) => (request.catch(() => undefined), request);
    this.preload = {
      family,
      variant,
      controller,
      detail: handled(this.api.variantDetail(family, variant, signal)),
      summaries: new Map(SUMMARY_ANALYZERS.map((analyzer) => [analyzer, handled(this.api.summary(family, variant, analyzer, signal))])),
      trajectory: handled(this.api.crossEpoch(family, variant, TRAJECTORY_ANALYZER, signal)),
    };
  }

  /** The preload if it is of the selected variant (it is then no longer this page's to abort). */
  private takePreload(): Preload | null {
    const preload = this.preload;
    this.preload = null;
    if (preload?.family === this.selection.family && preload.variant === this.selection.variant) return preload;
    preload?.controller.abort();
    return null;
  }

  private dropPreload() {
    this.preload?.controller.abort();
    this.preload = null;
  }

  /** Loads the selected variant and draws everything at the selected (or first analyzed) epoch. */
  private async openVariant() {
    const preload = this.takePreload();
    this.resetVariantData();
    if (preload) this.variantRequests = preload.controller;
    this.missing = LOADING;
    const { family, variant } = this.selection;
    const signal = this.variantRequests.signal;
    let detail: VariantDetail;
    try {
      detail = await (preload?.detail ?? this.api.variantDetail(family, variant, signal));
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiRequestError && error.status === 404) return this.showNoVariant(PLACEHOLDER.variantNotFound);
      this.error = (error as Error).message;
      return;
    }
    if (signal.aborted) return;
    const epochs = detail.analyzedEpochs;
    const wanted = this.selection.epoch;
    this.detail = detail;
    this.selection = {
      ...this.selection,
      epoch: (wanted === null ? undefined : nearestEpoch(epochs, wanted)) ?? epochs[0] ?? null,
      neuron: Math.min(this.selection.neuron, detail.config.d_mlp - 1),
      head: Math.min(this.selection.head, detail.config.n_heads - 1),
    };
    this.writeUrl({ now: true });
    this.specs = Object.fromEntries(
      VIEWS.map((view) => [view.id, this.placeholder(view.id, this.analyzed(view.feeds) ? LOADING : PLACEHOLDER.runAnalysisFirst)]),
    );
    this.setSpec('loss', lossSpec(detail, epochs, this.selection.epoch));
    for (const analyzer of SUMMARY_ANALYZERS)
      if (this.analyzed(analyzer)) void this.loadSummary(analyzer, signal, preload?.summaries.get(analyzer));
    if (this.analyzed(TRAJECTORY_ANALYZER)) void this.loadTrajectory(signal, preload?.trajectory);
    // The panels must exist to say whether they are in view.
    await this.updateComplete;
    if (!signal.aborted) void this.loadEpochViews();
  }

  private async loadSummary(analyzer: SummaryAnalyzer, signal: AbortSignal, preloaded?: Promise<SummaryResponse>) {
    const { family, variant } = this.selection;
    this.summaries.set(analyzer, await this.orNull(preloaded ?? this.api.summary(family, variant, analyzer, signal), signal));
    if (signal.aborted) return;
    for (const id of MARKER_VIEW_IDS) if (viewInfo(id).feeds === analyzer) this.setSpec(id, this.build(id));
  }

  private async loadTrajectory(signal: AbortSignal, preloaded?: Promise<CrossEpochResponse>) {
    const { family, variant } = this.selection;
    const response: CrossEpochResponse | null = await this.orNull(
      preloaded ?? this.api.crossEpoch(family, variant, TRAJECTORY_ANALYZER, signal),
      signal,
    );
    if (signal.aborted) return;
    this.trajectory = pickSeriesArrays(response, CROSS_EPOCH_TRAJECTORY_KEYS);
    for (const id of [...TRAJECTORY_VIEW_IDS, 'velocity'] as const) this.setSpec(id, this.build(id));
  }

  /** The response, or null for a 404 (the result does not exist); other errors are shown. */
  private async orNull<T>(request: Promise<T>, signal: AbortSignal): Promise<T | null> {
    try {
      return await request;
    } catch (error) {
      if (!signal.aborted && !(error instanceof ApiRequestError && error.status === 404)) this.error = (error as Error).message;
      return null;
    }
  }

  /**
   * Brings the per-epoch views in view (of the given ones) to the current selection; the others
   * follow when they scroll into view. All are requested at once, the recomputed ones first: their
   * forward pass is the longest wait, and the server runs it off its event loop, so the artifact
   * reads are not held up behind it.
   */
  private async loadEpochViews(ids: readonly ViewId[] = PER_EPOCH_VIEW_IDS) {
    const due = ids.filter((id) => this.analyzed(viewInfo(id).feeds) && this.panel(id)?.inViewport);
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
    this.settled(epoch);
    await Promise.all(due.filter((id) => !onScreen.includes(id)).map((id) => this.loadEpochView(id)));
    if (epoch === this.selection.epoch) this.prefetchNeighbours(due, epoch);
  }

  private async loadEpochView(id: ViewId) {
    const epoch = this.selection.epoch;
    if (epoch === null) return this.setSpec(id, this.placeholder(id, PLACEHOLDER.runAnalysisFirst));
    const key = this.payloadKey(id, epoch);
    if (this.requested.get(id) === key) return;
    this.requests.get(id)?.abort();
    const controller = new AbortController();
    this.requests.set(id, controller);
    this.requested.set(id, key);
    // A prefetch of this payload is now the view's request: no epoch change may abort it.
    this.prefetches.delete(key);
    this.setLoading(id, true);
    try {
      const payload = await this.payload(id, epoch, controller.signal);
      if (controller.signal.aborted) return;
      this.epochData.set(id, { epoch, payload });
      this.setSpec(id, this.build(id));
    } catch (error) {
      if (controller.signal.aborted) return;
      this.requested.delete(id);
      this.error = (error as Error).message;
    } finally {
      if (this.requests.get(id) === controller) {
        this.requests.delete(id);
        this.setLoading(id, false);
      }
    }
  }

  /** A view's payload at an epoch: cached, already on its way, or fetched now. A 404 is null (no result). */
  private payload(id: ViewId, epoch: number, signal?: AbortSignal): Promise<EpochPayload | null> {
    const key = this.payloadKey(id, epoch);
    if (this.cache.has(key)) return Promise.resolve(this.cache.get(key)!);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const request = this.fetchPayload(id, epoch, signal)
      .catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 404) return null;
        throw error;
      })
      .then((payload) => {
        this.cache.set(key, payload);
        return payload;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, request);
    return request;
  }

  /**
   * Fetches the neighbouring checkpoints' payloads of the given views while the epoch stays put,
   * so stepping through checkpoints finds them cached: file reads at once, recomputed ones one at
   * a time (next checkpoint first) once the epoch has stayed put for RECOMPUTED_PREFETCH_DELAY_MS.
   */
  private prefetchNeighbours(ids: readonly ViewId[], epoch: number) {
    const epochs = this.detail?.analyzedEpochs ?? [];
    const index = epochs.indexOf(epoch);
    if (index < 0) return;
    const neighbours = [epochs[index + 1], epochs[index - 1]].filter((e) => e !== undefined);
    const recomputed = ids.filter((id) => RECOMPUTED_VIEW_IDS.includes(id));
    for (const neighbour of neighbours) for (const id of ids) if (!recomputed.includes(id)) void this.prefetch(id, neighbour);
    if (recomputed.length === 0) return;
    clearTimeout(this.prefetchTimer);
    this.prefetchTimer = window.setTimeout(async () => {
      for (const neighbour of neighbours) {
        for (const id of recomputed) {
          if (this.selection.epoch !== epoch) return;
          await this.prefetch(id, neighbour);
        }
      }
    }, RECOMPUTED_PREFETCH_DELAY_MS);
  }

  /** Fetches a payload into the cache, abortably (see abortPrefetches); never fails. */
  private async prefetch(id: ViewId, epoch: number): Promise<void> {
    const key = this.payloadKey(id, epoch);
    if (this.cache.has(key) || this.inflight.has(key)) {
      await this.payload(id, epoch).catch(() => null);
      return;
    }
    const prefetch = { epoch, controller: new AbortController() };
    this.prefetches.set(key, prefetch);
    await this.payload(id, epoch, prefetch.controller.signal).catch(() => null);
    if (this.prefetches.get(key) === prefetch) this.prefetches.delete(key);
  }

  /** Aborts the prefetches (and the pending one) of epochs other than `keep`: the epoch moved on. */
  private abortPrefetches(keep: number | null) {
    clearTimeout(this.prefetchTimer);
    for (const [key, prefetch] of this.prefetches) {
      if (prefetch.epoch === keep) continue;
      prefetch.controller.abort();
      this.prefetches.delete(key);
    }
  }

  /** Identifies a per-epoch view's payload: variant and epoch, plus the neuron or position pair it depends on. */
  private payloadKey(id: ViewId, epoch: number): string {
    const { variant, neuron } = this.selection;
    const pair = POSITION_PAIRS[this.selection.pair]!;
    if (id === 'activation') return `${variant}/${id}/${epoch}/${neuron}`;
    if (id === 'attention') return `${variant}/${id}/${epoch}/${pair.to},${pair.from}`;
    return `${variant}/${id}/${epoch}`;
  }

  private fetchPayload(id: ViewId, epoch: number, signal?: AbortSignal): Promise<EpochPayload> {
    const { family, variant, neuron } = this.selection;
    const pair = POSITION_PAIRS[this.selection.pair]!;
    if (id === 'activation') return this.api.neuronGrid(family, variant, neuron, epoch, signal);
    if (id === 'attention') return this.api.attentionSlice(family, variant, epoch, pair.to, pair.from, signal);
    return this.api.epochArtifact(family, variant, viewInfo(id).feeds, epoch, signal);
  }

  // ---- figures ---------------------------------------------------------------------------------

  /** Whether the analyzer a view feeds on has results ('metadata' is the training record). */
  private analyzed(feed: string): boolean {
    return feed === 'metadata' || (this.detail?.analyzers.find((a) => a.name === feed)?.epochsDone.length ?? 0) > 0;
  }

  /** The view's figure from what is loaded now. Per-epoch views are titled with their payload's epoch. */
  private build(id: ViewId): PlotSpec {
    const { epoch, neuron, group, sv, head, metric } = this.selection;
    const data = this.epochData.get(id);
    const shown = data?.epoch ?? 0;
    const arrays = (data?.payload as EpochArtifactResponse | null | undefined)?.arrays;
    const summary = (analyzer: SummaryAnalyzer) => this.summaries.get(analyzer);
    switch (id) {
      case 'loss':
        return lossSpec(this.detail, this.detail?.analyzedEpochs ?? [], epoch);
      case 'freq':
        return dominantFrequenciesSpec(pickEpochArrays(arrays, DOMINANT_FREQUENCIES_KEYS), shown);
      case 'activation': {
        const grid = data?.payload as Decoded<NeuronGridResponse> | null | undefined;
        return activationSpec(grid ? { activations: grid.activations } : null, grid?.neuron ?? neuron, shown);
      }
      case 'clusters':
        return frequencyClustersSpec(pickEpochArrays(arrays, NEURON_FREQ_NORM_KEYS), shown);
      case 'spec-trajectory':
        return specializationTrajectorySpec(pickSeriesArrays(summary('neuron_freq_norm'), NEURON_FREQ_NORM_SUMMARY_KEYS), epoch);
      case 'spec-freq':
        return specializationByFrequencySpec(pickSeriesArrays(summary('neuron_freq_norm'), NEURON_FREQ_NORM_SUMMARY_KEYS), epoch);
      case 'attention': {
        const slice = data?.payload as Decoded<AttentionSliceResponse> | null | undefined;
        return attentionHeadsSpec(slice ? { patterns: slice.patterns } : null, { to: slice?.query ?? 2, from: slice?.key ?? 0 }, shown);
      }
      case 'attn-freq':
        return attentionFrequencySpec(pickEpochArrays(arrays, ATTENTION_FREQ_KEYS), shown);
      case 'attn-spec':
        return attentionSpecializationSpec(pickSeriesArrays(summary('attention_freq'), ATTENTION_FREQ_SUMMARY_KEYS), epoch);
      case 'trajectory':
      case 'trajectory-pc1-pc3':
      case 'trajectory-pc2-pc3':
        return trajectory2dSpec(id, this.trajectory, group, epoch);
      case 'trajectory-3d':
        return trajectory3dSpec(this.trajectory, group, epoch);
      case 'velocity':
        return velocitySpec(this.trajectory, epoch);
      case 'dim-trajectory':
        return dimensionalityTrajectorySpec(
          pickSeriesArrays(summary('effective_dimensionality'), EFFECTIVE_DIMENSIONALITY_SUMMARY_KEYS),
          epoch,
        );
      case 'sv-spectrum':
        return singularValueSpectrumSpec(pickEpochArrays(arrays, EFFECTIVE_DIMENSIONALITY_KEYS), sv, head, shown);
      case 'flatness-trajectory':
        return flatnessTrajectorySpec(pickSeriesArrays(summary('landscape_flatness'), LANDSCAPE_FLATNESS_SUMMARY_KEYS), metric, epoch);
      case 'perturbation':
        return perturbationSpec(pickEpochArrays(arrays, LANDSCAPE_FLATNESS_KEYS), shown);
    }
  }

  private placeholder(id: ViewId, message: string): PlotSpec {
    const key = `${id}:${message}`;
    if (!this.placeholders.has(key)) this.placeholders.set(key, placeholderSpec(message));
    return this.placeholders.get(key)!;
  }

  /** Hands a figure to its panel, keeping the user's zoom across updates of the same variant and view. */
  private setSpec(id: ViewId, spec: PlotSpec) {
    const trajectory = (TRAJECTORY_VIEW_IDS as readonly string[]).includes(id);
    // Each trajectory group is its own PCA space, so its zoom is its own.
    spec.layout.uirevision = `${this.selection.variant}:${id}${trajectory ? `:${this.selection.group}` : ''}`;
    this.specs = { ...this.specs, [id]: spec };
  }

  private setLoading(id: ViewId, loading: boolean) {
    const next = new Set(this.loading);
    if (loading) next.add(id);
    else next.delete(id);
    this.loading = next;
  }

  /** The view's panel; looked up once (panels are rendered once per page and keep their view). */
  private panel(id: ViewId): PlotPanel | null {
    const known = this.panels.get(id);
    if (known?.isConnected) return known;
    const found = this.renderRoot.querySelector<PlotPanel>(`plot-panel[view="${id}"]`);
    if (found) this.panels.set(id, found);
    return found;
  }

  /**
   * Moves every marker and trajectory star to the current epoch, at most once per frame. A move
   * costs a few ms (a star's restyle tens), so panels only near the screen move once the epoch's
   * plots on screen are drawn (see loadEpochViews); panels farther away draw when they come near.
   */
  private scheduleMarkers() {
    if (this.markerFrame) return;
    this.markerFrame = requestAnimationFrame(() => {
      this.markerFrame = 0;
      const epoch = this.selection.epoch;
      if (epoch === null) return;
      this.offScreenMoves = [];
      for (const id of [...MARKER_VIEW_IDS, ...TRAJECTORY_VIEW_IDS]) {
        const panel = this.panel(id);
        if (!panel) continue;
        // Built when it runs: a deferred move must match the figure (trajectory group) shown then.
        const move = () => this.moveToEpoch(id, panel, epoch);
        if (panel.onScreen || this.settledEpoch === epoch) move();
        else this.offScreenMoves.push(move);
      }
    });
  }

  /** Moves a marker view's marker or a trajectory view's star to `epoch`. */
  private moveToEpoch(id: ViewId, panel: PlotPanel, epoch: number) {
    if (isPlaceholder(this.specs[id])) return;
    if (MARKER_VIEW_IDS.includes(id)) return this.setSpec(id, withEpochMarker(this.specs[id]!, epoch));
    const restyle = this.trajectory && trajectoryMarkerRestyle(id as TrajectoryViewId, this.trajectory, this.selection.group, epoch);
    if (restyle) panel.restyleTraces(restyle);
  }

  /** The plots on screen show `epoch`: panels off screen may now take their share of the main thread. */
  private settled(epoch: number) {
    if (this.selection.epoch !== epoch) return;
    this.settledEpoch = epoch;
    const moves = this.offScreenMoves;
    this.offScreenMoves = [];
    for (const move of moves) move();
  }

  // ---- selection -------------------------------------------------------------------------------

  private select(change: Partial<VizSelection>) {
    this.selection = { ...this.selection, ...change };
    this.writeUrl();
  }

  /** Writes the selection into the URL query (replacing the entry) and the tab's memory, URL_WRITE_DELAY_MS after the last change unless `now`. */
  private writeUrl({ now = false } = {}) {
    clearTimeout(this.urlTimer);
    if (!now) {
      this.urlTimer = window.setTimeout(() => this.writeUrl({ now: true }), URL_WRITE_DELAY_MS);
      return;
    }
    const query = formatVizQuery(this.selection);
    const url = `${window.location.pathname}${query}${window.location.hash}`;
    if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) history.replaceState(history.state, '', url);
    lastView.write(query);
  }

  private setEpoch(epoch: number, committed: boolean) {
    if (epoch !== this.selection.epoch) {
      this.select({ epoch });
      this.abortPrefetches(epoch);
      this.scheduleMarkers();
    }
    if (committed) void this.loadEpochViews();
  }

  private statusText(): string {
    const { variant } = this.selection;
    if (this.missing === NO_VARIANTS) return NO_VARIANTS;
    if (!variant) return 'No variant selected';
    if (!this.detail) return this.missing === PLACEHOLDER.variantNotFound ? `Variant not found: ${variant}` : `Variant: ${variant}`;
    const state = this.variants.find((v) => v.name === variant)?.state ?? 'unknown';
    const count = this.detail.analyzedEpochs.length;
    return `Variant: ${variant} | State: ${state}${count > 0 ? ` | ${count} checkpoints` : ''}`;
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
    if (this.detail) this.setEpoch(event.detail.epoch, event.detail.committed);
  }

  private onControlChange(event: VizControlChangeEvent) {
    const { detail } = event;
    switch (detail.name) {
      case 'neuron':
        this.select({ neuron: detail.value });
        return void this.loadEpochViews(['activation']);
      case 'pair':
        this.select({ pair: detail.value });
        return void this.loadEpochViews(['attention']);
      case 'group':
        this.select({ group: detail.value });
        if (this.trajectory) for (const id of TRAJECTORY_VIEW_IDS) this.setSpec(id, this.build(id));
        return;
      case 'sv':
      case 'head': {
        this.select({ [detail.name]: detail.value });
        if (this.epochData.has('sv-spectrum')) this.setSpec('sv-spectrum', this.build('sv-spectrum'));
        return;
      }
      case 'metric':
        this.select({ metric: detail.value });
        if (this.analyzed('landscape_flatness')) this.setSpec('flatness-trajectory', this.build('flatness-trajectory'));
        return;
    }
  }

  private onPlotClick(event: PlotClickEvent) {
    const chosen = clickSelection(event.detail.view, event.detail);
    if (!chosen || !this.detail) return;
    if ('epoch' in chosen) {
      const epoch = nearestEpoch(this.detail.analyzedEpochs, chosen.epoch);
      if (epoch !== undefined) this.setEpoch(epoch, true);
    } else if (Number.isInteger(chosen.neuron) && chosen.neuron >= 0 && chosen.neuron < this.detail.config.d_mlp) {
      this.select({ neuron: chosen.neuron });
      void this.loadEpochViews(['activation']);
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
