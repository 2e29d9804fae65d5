/**
 * Moves the Visualization page's epoch markers to the selected epoch (docs/ARCHITECTURE.md §7.3):
 * a marker view gets a spec with only its marker swapped (`withEpochMarker`, which Plotly.react
 * redraws alone), a trajectory view a restyle of its star. At most once per animation frame
 * while the slider is dragged. A move costs a few ms (a star's restyle tens), so panels on screen
 * move at once and the others only once the page says the new epoch's plots on screen are drawn
 * (`settled`); panels farther away draw when they come near.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PlotPanel } from '../components/plot-panel.ts';
import {
  MARKER_VIEW_IDS,
  TRAJECTORY_VIEW_IDS,
  trajectoryMarkerRestyle,
  withEpochMarker,
  type CrossEpochTrajectory,
  type PlotSpec,
  type TrajectoryGroup,
  type TrajectoryViewId,
  type ViewId,
} from '../plots/index.ts';

export interface EpochMarkersOptions {
  /** The selected epoch and trajectory group. */
  selection: () => { epoch: number | null; group: TrajectoryGroup };
  trajectory: () => CrossEpochTrajectory | null;
  /** The view's panel, if rendered. */
  panel: (id: ViewId) => PlotPanel | null;
  /** The view's current figure and its replacement. */
  spec: (id: ViewId) => PlotSpec | undefined;
  setSpec: (id: ViewId, spec: PlotSpec) => void;
}

/** Placeholders have no traces: no marker to move. */
function isPlaceholder(spec: PlotSpec | undefined): boolean {
  return !spec || spec.data.length === 0;
}

export class EpochMarkers implements ReactiveController {
  private frame = 0;
  /** The epoch whose plots on screen are drawn, and the moves of panels off screen waiting for it. */
  private settledEpoch: number | null = null;
  private offScreenMoves: (() => void)[] = [];

  constructor(
    host: ReactiveControllerHost,
    private readonly options: EpochMarkersOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Moves every marker and trajectory star to the selected epoch in the next frame. */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const { epoch } = this.options.selection();
      if (epoch === null) return;
      this.offScreenMoves = [];
      for (const id of [...MARKER_VIEW_IDS, ...TRAJECTORY_VIEW_IDS]) {
        const panel = this.options.panel(id);
        if (!panel) continue;
        // Built when it runs: a deferred move must match the figure (trajectory group) shown then.
        const move = () => this.move(id, panel, epoch);
        if (panel.onScreen || this.settledEpoch === epoch) move();
        else this.offScreenMoves.push(move);
      }
    });
  }

  /** The plots on screen show `epoch`: panels off screen may now take their share of the main thread. */
  settled(epoch: number): void {
    if (this.options.selection().epoch !== epoch) return;
    this.settledEpoch = epoch;
    const moves = this.offScreenMoves;
    this.offScreenMoves = [];
    for (const move of moves) move();
  }

  /** Another variant: nothing is drawn at any epoch yet. */
  reset(): void {
    this.settledEpoch = null;
    this.offScreenMoves = [];
  }

  private move(id: ViewId, panel: PlotPanel, epoch: number): void {
    const spec = this.options.spec(id);
    if (isPlaceholder(spec)) return;
    if (MARKER_VIEW_IDS.includes(id)) return this.options.setSpec(id, withEpochMarker(spec!, epoch));
    const trajectory = this.options.trajectory();
    const restyle = trajectory && trajectoryMarkerRestyle(id as TrajectoryViewId, trajectory, this.options.selection().group, epoch);
    if (restyle) panel.restyleTraces(restyle);
  }
}
