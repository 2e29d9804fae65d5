/**
 * The Visualization page's data layer (docs/ARCHITECTURE.md §7.4), a reactive controller of the
 * page: one variant's detail, summaries and parameter trajectory, loaded once per variant (a deep
 * link's as soon as the page connects), and each per-epoch view's payload on demand, cached and
 * asked for once (KeyedLoader), with the neighbouring checkpoints prefetched. Every request is
 * abortable: another variant aborts the variant's, another payload for a view aborts the view's
 * previous one, and an epoch change aborts the prefetches it made useless, so a superseded answer
 * never reaches a figure. A variant in training is followed: its detail is fetched again every few
 * seconds, so its loss curve grows checkpoint by checkpoint.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VariantSummary } from '../../shared/api.ts';
import type { CrossEpochResponse, SummaryResponse, VariantDetail } from '../../shared/artifacts.ts';
import {
  analyzersOf,
  CROSS_EPOCH_TRAJECTORY_KEYS,
  pickSeriesArrays,
  POSITION_PAIRS,
  RECOMPUTED_VIEW_IDS,
  viewInfo,
  viewsFedBy,
  type CrossEpochTrajectory,
  type EpochData,
  type EpochPayload,
  type ViewData,
  type ViewId,
} from '../plots/index.ts';
import { ApiRequestError, type ApiClient } from './client.ts';
import { KeyedLoader } from './keyed-loader.ts';

/** Per-epoch payloads kept for scrubbing back and forth: 7 views × ~9 epochs (an attention slice is ~0.5 MB). */
const CACHE_ENTRIES = 64;

/**
 * How long the epoch must stay put before the neighbours' recomputed payloads are prefetched. The
 * server's forward pass cannot be interrupted, so one started for a prefetch while the user is
 * still jumping around would hold up the next jump's by as long (tens of ms at p = 113).
 */
const RECOMPUTED_PREFETCH_DELAY_MS = 100;

/** How often a variant in training is asked for again (its losses grow at each checkpoint). */
export const TRAINING_REFRESH_MS = 5000;

const SUMMARY_ANALYZERS = analyzersOf('summary');
/** The views drawn from the detail's training record (the loss curve). */
const DETAIL_VIEWS = viewsFedBy('detail', 'metadata');
/** The one cross-epoch file: the parameter trajectory the PCA and velocity views draw. */
const TRAJECTORY_ANALYZER = viewInfo('trajectory').feeds;

/** Where a per-epoch payload is taken: the epoch, and the neuron or position pair (an index into POSITION_PAIRS) of the recomputed views. */
export interface EpochPoint {
  readonly epoch: number;
  readonly neuron: number;
  readonly pair: number;
}

/** How opening a variant ended; 'superseded' when another variant (or none) was chosen meanwhile. */
export type OpenOutcome = 'opened' | 'not-found' | 'failed' | 'superseded';

export interface VariantDataOptions {
  /** The client to ask (the page's, which it may only receive once connected). */
  api: () => ApiClient;
  /** New data for these views arrived: their figures are to be rebuilt. */
  onViews: (views: readonly ViewId[]) => void;
  /** A request failed for another reason than a missing result (a 404) or an abort. */
  onError: (message: string) => void;
  /** The family's variants, as following a variant in training found them (their states). */
  onVariants?: (variants: VariantSummary[]) => void;
  /** How often a variant in training is asked for again (TRAINING_REFRESH_MS by default). */
  refreshMs?: number;
}

/** The deep link's variant requested before its family's variant list is in, saving round trips. */
interface Preload {
  family: string;
  variant: string;
  controller: AbortController;
  detail: Promise<VariantDetail>;
  summaries: Map<string, Promise<SummaryResponse>>;
  trajectory: Promise<CrossEpochResponse>;
}

const isNotFound = (error: unknown) => error instanceof ApiRequestError && error.status === 404;

export class VariantData implements ReactiveController, ViewData {
  /** The open variant's detail. Not reactive: the page renders it with the selection it snaps to it. */
  detail: VariantDetail | null = null;
  summaries = new Map<string, SummaryResponse | null>();
  trajectory: CrossEpochTrajectory | null = null;
  readonly epochData = new Map<ViewId, EpochData>();

  private family = '';
  private variant = '';
  private preloaded: Preload | null = null;
  /** Aborts everything loading for the open variant when another is chosen. */
  private variantRequests = new AbortController();
  /** Per-epoch payloads by payload key, cached; a view's request and a prefetch of the same payload are one request. */
  private readonly payloads = new KeyedLoader<string, EpochPayload | null>(CACHE_ENTRIES);
  /** The payload key each per-epoch view shows or is fetching, so nothing is fetched twice. */
  private readonly requested = new Map<ViewId, string>();
  private readonly requests = new Map<ViewId, AbortController>();
  /** Prefetches on their way by payload key, so an epoch change can abort those it made useless. */
  private readonly prefetches = new Map<string, { epoch: number; controller: AbortController }>();
  /** The epoch whose neighbours may still be prefetched (null: none). */
  private prefetchEpoch: number | null = null;
  private prefetchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The next refresh of the variant in training (see followTraining). */
  private followTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: VariantDataOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close();
  }

  /** Whether the analyzer `feed` has results for the open variant ('metadata' is the training record). */
  analyzed(feed: string): boolean {
    return feed === 'metadata' || (this.detail?.analyzers.find((a) => a.name === feed)?.epochsDone.length ?? 0) > 0;
  }

  /** Whether the data a view draws is in (a per-epoch view's, at some epoch). */
  hasData(id: ViewId): boolean {
    const { source, feeds } = viewInfo(id);
    if (source === 'detail') return this.detail !== null;
    if (source === 'summary') return this.summaries.has(feeds);
    if (source === 'cross-epoch') return this.trajectory !== null;
    return this.epochData.has(id);
  }

  /** Whether a per-epoch view's payload is on its way (its figure is then dimmed). */
  isLoading(id: ViewId): boolean {
    return this.requests.has(id);
  }

  /**
   * Requests a deep link's variant detail, summaries and trajectory right away, alongside the
   * family and variant lists, so they are in before Plotly's parse holds up the main thread.
   * Results of analyzers that have not run are never used (their 404 is expected).
   */
  preload(family: string, variant: string): void {
    this.dropPreload();
    if (!family || !variant) return;
    const controller = new AbortController();
    const { signal } = controller;
    const api = this.options.api();
    // A preload nobody takes must not report an unhandled rejection.
    const handled = <T>(request: Promise<T>) => (request.catch(() => undefined), request);
    this.preloaded = {
      family,
      variant,
      controller,
      detail: handled(api.variantDetail(family, variant, signal)),
      summaries: new Map(SUMMARY_ANALYZERS.map((analyzer) => [analyzer, handled(api.summary(family, variant, analyzer, signal))])),
      trajectory: handled(api.crossEpoch(family, variant, TRAJECTORY_ANALYZER, signal)),
    };
  }

  /** Forgets the open variant and aborts everything it was loading (the page re-renders with what it shows instead). */
  close(): void {
    clearTimeout(this.followTimer);
    this.variantRequests.abort();
    this.variantRequests = new AbortController();
    for (const request of this.requests.values()) request.abort();
    this.requests.clear();
    this.requested.clear();
    this.abortPrefetches(null);
    this.dropPreload();
    this.epochData.clear();
    this.payloads.clear();
    this.summaries = new Map();
    this.trajectory = null;
    this.detail = null;
    this.family = this.variant = '';
  }

  /** Opens a variant: its detail, taken from the preload when that is of this variant. */
  async open(family: string, variant: string): Promise<OpenOutcome> {
    const preload = this.takePreload(family, variant);
    this.close();
    if (preload) this.variantRequests = preload.controller;
    this.family = family;
    this.variant = variant;
    const { signal } = this.variantRequests;
    try {
      const detail = await (preload?.detail ?? this.options.api().variantDetail(family, variant, signal));
      if (signal.aborted) return 'superseded';
      this.detail = detail;
    } catch (error) {
      if (signal.aborted) return 'superseded';
      if (isNotFound(error)) return 'not-found';
      this.options.onError((error as Error).message);
      return 'failed';
    }
    // Kept for the summaries and trajectory that loadSeries() takes from it.
    if (preload) this.preloaded = preload;
    return 'opened';
  }

  /**
   * Follows the open variant while it trains: every `refreshMs` (skipped while the document is
   * hidden) the family's variants are asked for the variant's state (reported through
   * `onVariants`), then its detail again, and the loss view rebuilt; this ends with the detail
   * taken once the variant no longer trains (so a completed run shows all its losses), or when
   * another variant is opened, the loader is closed, or the page disconnects.
   */
  followTraining(): void {
    clearTimeout(this.followTimer);
    const { family, variant } = this;
    const { signal } = this.variantRequests;
    if (!variant) return;
    this.followTimer = setTimeout(async () => {
      if (typeof document !== 'undefined' && document.hidden) return this.followTraining();
      const api = this.options.api();
      try {
        // The state first: once it is no longer 'training', the detail asked after it is the final one.
        const { variants } = await api.variants(family);
        if (signal.aborted) return;
        this.options.onVariants?.(variants);
        const state = variants.find((v) => v.name === variant)?.state;
        if (!state) return;
        const detail = await api.variantDetail(family, variant, signal);
        if (signal.aborted) return;
        this.detail = detail;
        this.host.requestUpdate();
        this.options.onViews(DETAIL_VIEWS);
        if (state === 'training') this.followTraining();
      } catch (error) {
        if (!signal.aborted) this.options.onError((error as Error).message);
      }
    }, this.options.refreshMs ?? TRAINING_REFRESH_MS);
  }

  /** Loads the open variant's summaries and trajectory (those analyzed); each one's views are rebuilt as it arrives. */
  loadSeries(): void {
    const { family, variant } = this;
    const preload = this.takePreload(family, variant);
    const api = this.options.api();
    const { signal } = this.variantRequests;
    for (const analyzer of SUMMARY_ANALYZERS.filter((a) => this.analyzed(a))) {
      void this.orNull(preload?.summaries.get(analyzer) ?? api.summary(family, variant, analyzer, signal), signal).then((summary) => {
        if (signal.aborted) return;
        this.summaries.set(analyzer, summary);
        this.options.onViews(viewsFedBy('summary', analyzer));
      });
    }
    if (!this.analyzed(TRAJECTORY_ANALYZER)) return;
    void this.orNull(preload?.trajectory ?? api.crossEpoch(family, variant, TRAJECTORY_ANALYZER, signal), signal).then((response) => {
      if (signal.aborted) return;
      this.trajectory = pickSeriesArrays(response, CROSS_EPOCH_TRAJECTORY_KEYS);
      this.options.onViews(viewsFedBy('cross-epoch', TRAJECTORY_ANALYZER));
    });
  }

  /**
   * Brings a per-epoch view's data to `at`, aborting the view's request for another payload; does
   * nothing when that payload is already shown or on its way.
   */
  async loadEpochView(id: ViewId, at: EpochPoint): Promise<void> {
    const key = this.payloadKey(id, at);
    if (this.requested.get(id) === key) return;
    this.requests.get(id)?.abort();
    const controller = new AbortController();
    this.requests.set(id, controller);
    this.requested.set(id, key);
    // A prefetch of this payload is now the view's request: no epoch change may abort it.
    this.prefetches.delete(key);
    this.host.requestUpdate();
    try {
      const payload = await this.payload(id, at, controller.signal);
      if (controller.signal.aborted) return;
      this.epochData.set(id, { epoch: at.epoch, payload });
      this.options.onViews([id]);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.requested.delete(id);
      this.options.onError((error as Error).message);
    } finally {
      if (this.requests.get(id) === controller) {
        this.requests.delete(id);
        this.host.requestUpdate();
      }
    }
  }

  /**
   * Fetches the neighbouring checkpoints' payloads of the given views while the epoch stays put,
   * so stepping through checkpoints finds them cached: file reads at once, recomputed ones one at
   * a time (next checkpoint first) once the epoch has stayed put for RECOMPUTED_PREFETCH_DELAY_MS.
   */
  prefetchNeighbours(ids: readonly ViewId[], at: EpochPoint): void {
    const epochs = this.detail?.analyzedEpochs ?? [];
    const index = epochs.indexOf(at.epoch);
    if (index < 0) return;
    this.prefetchEpoch = at.epoch;
    const neighbours = [epochs[index + 1], epochs[index - 1]].filter((e) => e !== undefined).map((epoch) => ({ ...at, epoch }));
    const recomputed = ids.filter((id) => RECOMPUTED_VIEW_IDS.includes(id));
    for (const neighbour of neighbours) for (const id of ids) if (!recomputed.includes(id)) void this.prefetch(id, neighbour);
    if (recomputed.length === 0) return;
    clearTimeout(this.prefetchTimer);
    this.prefetchTimer = setTimeout(async () => {
      for (const neighbour of neighbours) {
        for (const id of recomputed) {
          if (this.prefetchEpoch !== at.epoch) return;
          await this.prefetch(id, neighbour);
        }
      }
    }, RECOMPUTED_PREFETCH_DELAY_MS);
  }

  /** Aborts the prefetches (and the pending one) for epochs other than `keep`: the epoch moved on. */
  abortPrefetches(keep: number | null): void {
    this.prefetchEpoch = keep;
    clearTimeout(this.prefetchTimer);
    for (const [key, prefetch] of this.prefetches) {
      if (prefetch.epoch === keep) continue;
      prefetch.controller.abort();
      this.prefetches.delete(key);
    }
  }

  /** Fetches a payload into the cache, abortably (see abortPrefetches); never fails. */
  private async prefetch(id: ViewId, at: EpochPoint): Promise<void> {
    const key = this.payloadKey(id, at);
    if (this.payloads.has(key) || this.payloads.isLoading(key)) {
      await this.payload(id, at).catch(() => null);
      return;
    }
    const prefetch = { epoch: at.epoch, controller: new AbortController() };
    this.prefetches.set(key, prefetch);
    await this.payload(id, at, prefetch.controller.signal).catch(() => null);
    if (this.prefetches.get(key) === prefetch) this.prefetches.delete(key);
  }

  /** A view's payload at a point: cached, already on its way, or fetched now. A 404 is null (no result). */
  private payload(id: ViewId, at: EpochPoint, signal?: AbortSignal): Promise<EpochPayload | null> {
    return this.payloads.get(this.payloadKey(id, at), () =>
      this.fetchPayload(id, at, signal).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      }),
    );
  }

  /** Identifies a per-epoch view's payload: variant and epoch, plus the neuron or position pair it depends on. */
  private payloadKey(id: ViewId, { epoch, neuron, pair }: EpochPoint): string {
    const { source } = viewInfo(id);
    const { to, from } = POSITION_PAIRS[pair]!;
    if (source === 'neuron-grid') return `${this.variant}/${id}/${epoch}/${neuron}`;
    if (source === 'attention-slice') return `${this.variant}/${id}/${epoch}/${to},${from}`;
    return `${this.variant}/${id}/${epoch}`;
  }

  private fetchPayload(id: ViewId, { epoch, neuron, pair }: EpochPoint, signal?: AbortSignal): Promise<EpochPayload> {
    const { family, variant } = this;
    const { source, feeds } = viewInfo(id);
    const { to, from } = POSITION_PAIRS[pair]!;
    const api = this.options.api();
    if (source === 'neuron-grid') return api.neuronGrid(family, variant, neuron, epoch, signal);
    if (source === 'attention-slice') return api.attentionSlice(family, variant, epoch, to, from, signal);
    return api.epochArtifact(family, variant, feeds, epoch, signal);
  }

  /** The response, or null for a 404 (the result does not exist); other errors are reported. */
  private async orNull<T>(request: Promise<T>, signal: AbortSignal): Promise<T | null> {
    try {
      return await request;
    } catch (error) {
      if (!signal.aborted && !isNotFound(error)) this.options.onError((error as Error).message);
      return null;
    }
  }

  /** The preload if it is of this variant (it is then no longer this loader's to abort); any other is aborted. */
  private takePreload(family: string, variant: string): Preload | null {
    const preload = this.preloaded;
    this.preloaded = null;
    if (preload?.family === family && preload.variant === variant) return preload;
    preload?.controller.abort();
    return null;
  }

  private dropPreload(): void {
    this.preloaded?.controller.abort();
    this.preloaded = null;
  }
}
