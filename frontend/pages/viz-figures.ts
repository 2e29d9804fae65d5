/**
 * The figures the Visualization page hands its panels, one per view, as reactive state of the
 * page (a change requests its update): built from the loaded data with `viewFigure`, or a
 * placeholder saying why there is none.
 */
import type { ReactiveControllerHost } from 'lit';
import { placeholderSpec, TRAJECTORY_VIEW_IDS, viewFigure, VIEWS, type PlotSpec, type ViewData, type ViewId } from '../plots/index.ts';
import type { VizSelection } from './viz-query.ts';

export class VizFigures {
  private specs: Partial<Record<ViewId, PlotSpec>> = {};
  /** One placeholder figure per view and message, so re-rendering the page hands panels the same object. */
  private readonly placeholders = new Map<string, PlotSpec>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly data: ViewData,
    private readonly selection: () => VizSelection,
  ) {}

  /** The view's figure; undefined until one is set. */
  get(id: ViewId): PlotSpec | undefined {
    return this.specs[id];
  }

  /** Hands a figure to its panel, keeping the user's zoom across updates of the same variant and view. */
  set(id: ViewId, spec: PlotSpec): void {
    const { variant, group } = this.selection();
    // Each trajectory group is its own PCA space, so its zoom is its own.
    spec.layout.uirevision = `${variant}:${id}${TRAJECTORY_VIEW_IDS.includes(id) ? `:${group}` : ''}`;
    this.specs = { ...this.specs, [id]: spec };
    this.host.requestUpdate();
  }

  /** Builds the views' figures again from the data and the selection. */
  rebuild(views: readonly ViewId[]): void {
    for (const id of views) this.set(id, viewFigure(id, this.data, this.selection()));
  }

  /** Shows a placeholder with its message in place of every view's figure. */
  showPlaceholders(message: (id: ViewId) => string): void {
    this.specs = Object.fromEntries(VIEWS.map(({ id }) => [id, this.placeholder(id, message(id))]));
    this.host.requestUpdate();
  }

  /** Forgets every figure: the panels show the page's placeholder. */
  clear(): void {
    this.specs = {};
    this.host.requestUpdate();
  }

  placeholder(id: ViewId, message: string): PlotSpec {
    const key = `${id}:${message}`;
    if (!this.placeholders.has(key)) this.placeholders.set(key, placeholderSpec(message));
    return this.placeholders.get(key)!;
  }
}
