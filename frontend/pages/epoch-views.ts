/**
 * What follows an epoch change on the Visualization page, and in what order (docs/ARCHITECTURE.md
 * §7.3, §7.4). Markers move at once, at most once per animation frame while the slider is dragged:
 * a marker view gets a spec with only its marker swapped (`withEpochMarker`, which Plotly.react
 * redraws alone), a trajectory view a restyle of its star. Per-epoch views load once the change is
 * committed: those on screen first, then those near it, then the neighbouring checkpoints are
 * prefetched. A marker move costs a few ms (a star's restyle tens), so panels off screen move only
 * once the new epoch's plots on screen are drawn; panels farther away draw when they come near.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VariantData } from '../api/variant-data.ts';
import type { PlotPanel } from '../components/plot-panel.ts';
import {
  MARKER_VIEW_IDS,
  PER_EPOCH_VIEW_IDS,
  PLACEHOLDER,
  RECOMPUTED_VIEW_IDS,
  TRAJECTORY_VIEW_IDS,
  trajectoryMarkerRestyle,
  viewInfo,
  withEpochMarker,
  type TrajectoryViewId,
  type ViewId,
} from '../plots/index.ts';
import type { VizFigures } from './viz-figures.ts';
import type { VizSelection } from './viz-query.ts';

/** The page: its panels are found in its render root. */
type PanelsHost = ReactiveControllerHost & { readonly renderRoot: ParentNode };

export class EpochViews implements ReactiveController {
  private markerFrame = 0;
  /** The epoch whose plots on screen are drawn, and the marker moves of panels off screen waiting for it. */
  private settledEpoch: number | null = null;
  private offScreenMoves: (() => void)[] = [];
  private readonly panels = new Map<ViewId, PlotPanel>();

  constructor(
    private readonly host: PanelsHost,
    private readonly data: VariantData,
    private readonly figures: VizFigures,
    private readonly selection: () => VizSelection,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.markerFrame);
    this.markerFrame = 0;
  }

  /** Another variant: nothing is drawn at any epoch yet. */
  reset(): void {
    this.settledEpoch = null;
    this.offScreenMoves = [];
  }

  /** Moves every marker and trajectory star to the selected epoch in the next frame. */
  scheduleMarkers(): void {
    if (this.markerFrame) return;
    this.markerFrame = requestAnimationFrame(() => {
      this.markerFrame = 0;
      const { epoch } = this.selection();
      if (epoch === null) return;
      this.offScreenMoves = [];
      for (const id of [...MARKER_VIEW_IDS, ...TRAJECTORY_VIEW_IDS]) {
        const panel = this.panel(id);
        if (!panel) continue;
        // Built when it runs: a deferred move must match the figure (trajectory group) shown then.
        const move = () => this.moveMarker(id, panel, epoch);
        if (panel.onScreen || this.settledEpoch === epoch) move();
        else this.offScreenMoves.push(move);
      }
    });
  }

  /**
   * Brings the per-epoch views in view (of the given ones) to the current selection; the others
   * follow when they scroll into view. All are requested at once, the recomputed ones first: their
   * forward pass is the longest wait, and the server runs it off its event loop, so the artifact
   * reads are not held up behind it.
   */
  async load(ids: readonly ViewId[] = PER_EPOCH_VIEW_IDS): Promise<void> {
    const due = ids.filter((id) => this.data.analyzed(viewInfo(id).feeds) && this.panel(id)?.inViewport);
    const recomputed = (id: ViewId) => RECOMPUTED_VIEW_IDS.includes(id);
    const { epoch } = this.selection();
    // Panels only near the screen come after those on it, and so do the off-screen marker moves.
    const onScreen = due.filter((id) => this.panel(id)!.onScreen);
    await Promise.all([...onScreen.filter(recomputed), ...onScreen.filter((id) => !recomputed(id))].map((id) => this.loadView(id)));
    await this.host.updateComplete; // the panels have their new specs and have started drawing them
    await Promise.all(
      onScreen.map(async (id) => {
        const panel = this.panel(id);
        await panel?.updateComplete;
        await panel?.whenSettled();
      }),
    );
    // After the next paint, so the marker moves on screen (scheduled for this frame) come first.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    if (epoch === null || epoch !== this.selection().epoch) return;
    this.settled(epoch);
    await Promise.all(due.filter((id) => !onScreen.includes(id)).map((id) => this.loadView(id)));
    if (epoch === this.selection().epoch) this.data.prefetchNeighbours(due, { ...this.selection(), epoch });
  }

  /** Loads a per-epoch view's payload at the selection as it is now (an earlier one's load is superseded). */
  private async loadView(id: ViewId): Promise<void> {
    const selection = this.selection();
    const { epoch } = selection;
    if (epoch === null) return this.figures.set(id, this.figures.placeholder(id, PLACEHOLDER.runAnalysisFirst));
    await this.data.loadEpochView(id, { ...selection, epoch });
  }

  /** The plots on screen show `epoch`: panels off screen may now take their share of the main thread. */
  private settled(epoch: number): void {
    this.settledEpoch = epoch;
    const moves = this.offScreenMoves;
    this.offScreenMoves = [];
    for (const move of moves) move();
  }

  /** Moves a marker view's marker or a trajectory view's star to `epoch`; placeholders have none. */
  private moveMarker(id: ViewId, panel: PlotPanel, epoch: number): void {
    const spec = this.figures.get(id);
    if (!spec || spec.data.length === 0) return;
    if (MARKER_VIEW_IDS.includes(id)) return this.figures.set(id, withEpochMarker(spec, epoch));
    const { trajectory } = this.data;
    const restyle = trajectory && trajectoryMarkerRestyle(id as TrajectoryViewId, trajectory, this.selection().group, epoch);
    if (restyle) panel.restyleTraces(restyle);
  }

  /** The view's panel; looked up once (panels are rendered once per page and keep their view). */
  private panel(id: ViewId): PlotPanel | null {
    const known = this.panels.get(id);
    if (known?.isConnected) return known;
    const found = this.host.renderRoot.querySelector<PlotPanel>(`plot-panel[view="${id}"]`);
    if (found) this.panels.set(id, found);
    return found;
  }
}
