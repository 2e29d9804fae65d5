/**
 * The Reports page's data layer (docs/ARCHITECTURE.md §11.3), a reactive controller of the page:
 * the families, one family's rows, and the curves of the variants it compares, downsampled for the
 * overlays' width. Curves are cached per variant while the family and width stay (KeyedLoader), and
 * the variants ticked within one task are fetched in one request: ten variants were drawn in 2.6 s
 * as ten requests, 1.3 s as one (§11.5). Another family, or the page leaving, aborts everything the
 * family was loading, so a superseded answer never reaches the table or a plot.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FamilySummary } from '../../shared/api.ts';
import type { ReportRow, VariantCurves } from '../../shared/reports.ts';
import { OVERLAY_SERIES } from '../plots/index.ts';
import type { ApiClient } from './client.ts';
import { KeyedLoader } from './keyed-loader.ts';

/**
 * Every curve fetched stays while the family and width do, however many: the comparison may draw
 * any of them again, and each is small (a 25,000-epoch variant's are ~100 KB downsampled).
 */
const CURVE_ENTRIES = Number.POSITIVE_INFINITY;

/** How loading a family's rows ended; 'superseded' when another family was chosen meanwhile (or the page left). */
export type RowsOutcome = 'loaded' | 'failed' | 'superseded';

export interface ReportDataOptions {
  /** The client to ask (the page's, which it may only receive once connected). */
  api: () => ApiClient;
  /** The curves to draw changed: the compared variants', those in so far. */
  onCurves: () => void;
  /** A request failed for another reason than an abort. */
  onError: (message: string) => void;
}

export class ReportData implements ReactiveController {
  families: FamilySummary[] = [];
  /** The family's rows; not reactive: the controller asks the page to render when they change. */
  rows: ReportRow[] = [];
  /** True until the rows of the family are in (or will not come). */
  loadingRows = true;

  private family = '';
  /** Aborts everything loading for the family when another is chosen or the page leaves. */
  private familyRequests = new AbortController();
  private readonly curves = new KeyedLoader<string, VariantCurves>(CURVE_ENTRIES);
  /** The plot width the cached curves are downsampled for. */
  private width = 0;
  /** The last curves asked for in this task, answered in a microtask; null when none is waiting. */
  private wanted: { variants: readonly string[]; width: number } | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ReportDataOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.familyRequests.abort();
  }

  /** Whether curves are on their way (the overlays are then dimmed). */
  get loadingCurves(): boolean {
    return this.curves.loading;
  }

  /** Every point of the variants' overlay series, for a download: neither thinned nor cached. */
  async fullCurves(variants: readonly string[]): Promise<VariantCurves[]> {
    return (await this.options.api().reportCurves(this.family, variants, OVERLAY_SERIES, 'full', this.familyRequests.signal)).variants;
  }

  /** The variant's curves, if they are in for the family and the width last asked for. */
  curvesOf(variant: string): VariantCurves | undefined {
    return this.curves.peek(variant);
  }

  /** Lists the families; false when that failed (reported through onError: no rows will come). */
  async loadFamilies(): Promise<boolean> {
    try {
      this.families = (await this.options.api().families()).families;
      return true;
    } catch (error) {
      this.options.onError((error as Error).message);
      this.loadingRows = false;
      return false;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Loads the family's rows ('' has none), aborting all the previous family was loading and forgetting its curves. */
  async loadRows(family: string): Promise<RowsOutcome> {
    this.familyRequests.abort();
    this.familyRequests = new AbortController();
    const { signal } = this.familyRequests;
    this.family = family;
    this.wanted = null;
    this.curves.clear();
    this.rows = [];
    this.loadingRows = true;
    this.host.requestUpdate();
    try {
      const rows = family ? (await this.options.api().report(family, signal)).rows : [];
      if (signal.aborted) return 'superseded';
      this.rows = rows;
      return 'loaded';
    } catch (error) {
      if (signal.aborted) return 'superseded';
      this.options.onError((error as Error).message);
      return 'failed';
    } finally {
      if (!signal.aborted) {
        this.loadingRows = false;
        this.host.requestUpdate();
      }
    }
  }

  /**
   * Brings the curves of the family's variants to compare (all of them, not only the new ones),
   * downsampled for a plot `width` pixels wide; another width forgets the curves of the last one.
   * The calls of one task are answered once, in a microtask, for the last of them: the variants
   * ticked together go out in one request, for those not cached or on their way.
   */
  requestCurves(variants: readonly string[], width: number): void {
    if (!this.wanted) queueMicrotask(() => void this.loadCurves());
    this.wanted = { variants, width };
  }

  private async loadCurves(): Promise<void> {
    // Another family dropped the curves asked for in this task.
    if (!this.wanted) return;
    const { variants, width } = this.wanted;
    this.wanted = null;
    if (width !== this.width) {
      this.curves.clear();
      this.width = width;
    }
    // The overlays follow the selection at once with the curves in; the others are drawn when they arrive.
    this.options.onCurves();
    const missing = this.curves.missing(variants);
    if (missing.length === 0) return;
    const { family } = this;
    const { signal } = this.familyRequests;
    // Neither another family nor another width came meanwhile.
    const current = () => !signal.aborted && width === this.width;
    this.host.requestUpdate();
    try {
      await this.curves.getMany(missing, async (names) => {
        const answer = await this.options.api().reportCurves(family, names, OVERLAY_SERIES, width, signal);
        return new Map(answer.variants.map((curves) => [curves.variant, curves]));
      });
      if (current()) this.options.onCurves();
    } catch (error) {
      if (current()) this.options.onError((error as Error).message);
    } finally {
      this.host.requestUpdate();
    }
  }
}
