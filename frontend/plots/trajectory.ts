/** Plots 10–14: the parameter trajectory in PCA space (2-D and 3-D) and component velocity. */
import type { PlotData } from 'plotly.js';
import { matrixColumn } from './arrays.ts';
import { epochLine, timeSeriesLayout } from './series.ts';
import { axis, baseLayout, colorBar, COLOR_SCALES, COLORS, HOVER_NUMBER, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { CrossEpochTrajectory, PlotExport, PlotSpec, TrajectoryGroup } from './types.ts';

export const TRAJECTORY_GROUP_LABELS: Readonly<Record<TrajectoryGroup, string>> = {
  all: 'All Parameters',
  embedding: 'Embedding',
  attention: 'Attention',
  mlp: 'Mlp',
};

export type Trajectory2dViewId = 'trajectory' | 'trajectory-pc1-pc3' | 'trajectory-pc2-pc3';
export type TrajectoryViewId = Trajectory2dViewId | 'trajectory-3d';

/** The principal components (0-based) each trajectory view plots. */
export const TRAJECTORY_COMPONENTS: Readonly<Record<TrajectoryViewId, readonly number[]>> = {
  trajectory: [0, 1],
  'trajectory-3d': [0, 1, 2],
  'trajectory-pc1-pc3': [0, 2],
  'trajectory-pc2-pc3': [1, 2],
};

/** Trace order of every trajectory figure: the path, the epoch-coloured points, the current-epoch marker. */
export const TRAJECTORY_MARKER_TRACE_INDEX = 2;

const PATH_COLOR = 'rgba(128,128,128,0.4)';
const COORDINATE_KEYS = ['x', 'y', 'z'] as const;

interface GroupTrajectory {
  epochs: number[];
  /** The plotted principal components, 0-based. */
  components: readonly number[];
  /** One coordinate list per requested component. */
  coordinates: number[][];
  /** Axis titles, e.g. "PC1 (42.0% var)". */
  titles: string[];
}

/** The requested components of a group, or null if PCA kept fewer components than needed. */
function groupTrajectory(artifact: CrossEpochTrajectory, group: TrajectoryGroup, components: readonly number[]): GroupTrajectory | null {
  const projections = artifact[`${group}__projections`];
  const ratios = artifact[`${group}__explained_variance_ratio`];
  const kept = projections.shape[1] ?? 0;
  if (components.some((pc) => pc >= kept)) return null;
  return {
    epochs: Array.from(artifact.epochs),
    components,
    coordinates: components.map((pc) => matrixColumn(projections, pc)),
    titles: components.map((pc) => `PC${pc + 1} (${((ratios.data[pc] ?? 0) * 100).toFixed(1)}% var)`),
  };
}

/** The current epoch's point, one single-element list per coordinate (empty if not a trajectory epoch). */
function currentPoint(trajectory: GroupTrajectory, epoch: number | null): number[][] {
  const index = epoch === null ? -1 : trajectory.epochs.indexOf(epoch);
  return trajectory.coordinates.map((values) => (index < 0 ? [] : [values[index]!]));
}

/** The plotted components against the epochs; the file name carries the group (each group is its own PCA space). */
function trajectoryExport(trajectory: GroupTrajectory, group: TrajectoryGroup): PlotExport {
  return {
    selection: [`group-${group}`],
    table: () => [
      { name: 'epoch', values: trajectory.epochs },
      ...trajectory.components.map((pc, i) => ({ name: `PC${pc + 1}`, values: trajectory.coordinates[i]! })),
    ],
  };
}

/** Path, epoch-coloured points and current-epoch marker, on x/y or x/y/z. */
function trajectoryTraces(trajectory: GroupTrajectory, epoch: number | null, is3d: boolean): Partial<PlotData>[] {
  const coords = (values: number[][]) => Object.fromEntries(values.map((v, i) => [COORDINATE_KEYS[i]!, v]));
  const point = currentPoint(trajectory, epoch);
  const hover = trajectory.components.map((pc, i) => `PC${pc + 1}: %{${COORDINATE_KEYS[i]}:${HOVER_NUMBER}}`).join('<br>');
  return [
    {
      type: is3d ? 'scatter3d' : 'scatter',
      mode: 'lines',
      name: 'Path',
      ...coords(trajectory.coordinates),
      line: { color: PATH_COLOR, width: is3d ? 2 : 1 },
      hoverinfo: 'skip',
      showlegend: false,
    },
    {
      type: is3d ? 'scatter3d' : 'scatter',
      mode: 'markers',
      name: 'Checkpoints',
      ...coords(trajectory.coordinates),
      customdata: trajectory.epochs,
      marker: {
        size: is3d ? 3 : 5,
        color: trajectory.epochs,
        colorscale: COLOR_SCALES.Bluered,
        showscale: true,
        colorbar: colorBar('Epoch'),
      },
      hovertemplate: `Epoch %{customdata}<br>${hover}<extra></extra>`,
      showlegend: false,
    },
    {
      type: is3d ? 'scatter3d' : 'scatter',
      mode: 'markers',
      name: 'Current epoch',
      ...coords(point),
      customdata: point[0]!.length > 0 ? [epoch] : [],
      marker: is3d
        ? { symbol: 'diamond', size: 7, color: 'red' }
        : { symbol: 'star', size: 14, color: 'red', line: { color: 'black', width: 1 } },
      hovertemplate: 'Current epoch %{customdata}<extra></extra>',
      showlegend: false,
    },
  ];
}

/** PC a vs PC b: grey path, points coloured by epoch (Bluered), a red star at the current epoch. */
export function trajectory2dSpec(
  view: Trajectory2dViewId,
  artifact: CrossEpochTrajectory | null,
  group: TrajectoryGroup,
  epoch: number | null,
): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.runAnalysisFirst);
  const components = TRAJECTORY_COMPONENTS[view];
  const trajectory = groupTrajectory(artifact, group, components);
  if (!trajectory) return placeholderSpec(PLACEHOLDER.tooFewComponents);
  const [a, b] = components as [number, number];
  const which = view === 'trajectory' ? '' : `PC${a + 1} vs PC${b + 1} `;
  return {
    export: trajectoryExport(trajectory, group),
    data: trajectoryTraces(trajectory, epoch, false),
    layout: {
      ...baseLayout(view, `Parameter Trajectory ${which}(${TRAJECTORY_GROUP_LABELS[group]})`),
      xaxis: axis(trajectory.titles[0]!),
      yaxis: axis(trajectory.titles[1]!),
      hovermode: 'closest',
    },
  };
}

/** PC1/PC2/PC3 in a rotatable scene, with a red diamond at the current epoch. */
export function trajectory3dSpec(artifact: CrossEpochTrajectory | null, group: TrajectoryGroup, epoch: number | null): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.runAnalysisFirst);
  const trajectory = groupTrajectory(artifact, group, TRAJECTORY_COMPONENTS['trajectory-3d']);
  if (!trajectory) return placeholderSpec(PLACEHOLDER.tooFewComponents);
  const sceneAxis = (title: string) => ({ ...axis(title), backgroundcolor: 'white', showbackground: true, gridcolor: '#dfe8f3' });
  return {
    export: trajectoryExport(trajectory, group),
    data: trajectoryTraces(trajectory, epoch, true),
    layout: {
      ...baseLayout('trajectory-3d', `Parameter Trajectory 3D (${TRAJECTORY_GROUP_LABELS[group]})`),
      scene: {
        xaxis: sceneAxis(trajectory.titles[0]!),
        yaxis: sceneAxis(trajectory.titles[1]!),
        zaxis: sceneAxis(trajectory.titles[2]!),
      },
      margin: { l: 0, r: 0, t: 60, b: 0 },
    },
  };
}

/**
 * The `Plotly.restyle(gd, update, traceIndices)` arguments that move a trajectory view's
 * current-epoch marker without redrawing the path. Null if the group lacks the components.
 */
export function trajectoryMarkerRestyle(
  view: TrajectoryViewId,
  artifact: CrossEpochTrajectory,
  group: TrajectoryGroup,
  epoch: number | null,
): { update: Record<string, unknown[]>; traceIndices: number[] } | null {
  const trajectory = groupTrajectory(artifact, group, TRAJECTORY_COMPONENTS[view]);
  if (!trajectory) return null;
  const point = currentPoint(trajectory, epoch);
  const update: Record<string, unknown[]> = Object.fromEntries(point.map((values, i) => [COORDINATE_KEYS[i]!, [values]]));
  update['customdata'] = [point[0]!.length > 0 ? [epoch] : []];
  return { update, traceIndices: [TRAJECTORY_MARKER_TRACE_INDEX] };
}

/** How fast each component group moves: ‖Δθ‖ per epoch between consecutive checkpoints. */
export function velocitySpec(artifact: CrossEpochTrajectory | null, epoch: number | null): PlotSpec {
  if (!artifact || artifact.epochs.length < 2) return placeholderSpec(PLACEHOLDER.runAnalysisFirst);
  // velocity[i] spans checkpoints i → i+1, so it is drawn at the later epoch.
  const laterEpochs = Array.from(artifact.epochs).slice(1);
  const lines = [
    { group: 'embedding', color: COLORS.blue },
    { group: 'attention', color: COLORS.green },
    { group: 'mlp', color: COLORS.red },
  ] as const;
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'epoch', values: laterEpochs },
        ...lines.map(({ group }) => ({ name: group, values: artifact[`${group}__velocity`].data })),
      ],
    },
    data: lines.map(({ group, color }) =>
      epochLine(laterEpochs, artifact[`${group}__velocity`].data, TRAJECTORY_GROUP_LABELS[group], color),
    ),
    layout: timeSeriesLayout('velocity', 'Component Velocity Comparison', axis('||delta theta|| / epoch'), epoch, laterEpochs),
  };
}
