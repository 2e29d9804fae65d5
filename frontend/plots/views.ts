/**
 * The 18 views of the Visualization page, in page order, with everything the page knows of each:
 * its section, where its data comes from, and how it reacts to the epoch:
 * - 'marker': a time series with the epoch marker as `shapes[0]`; an epoch change swaps the
 *   marker (`withEpochMarker`) and Plotly.react redraws only it;
 * - 'per-epoch': drawn from one epoch's file; an epoch change re-renders it;
 * - 'trajectory': a PCA path whose current epoch is a star trace; an epoch change is one
 *   `Plotly.restyle` of that trace (see `trajectoryMarkerRestyle`).
 */

export type ViewKind = 'marker' | 'per-epoch' | 'trajectory';

/**
 * Where a view's data comes from (docs/ARCHITECTURE.md §7.4). Loaded once per variant: 'detail'
 * (the training losses), its analyzer's 'summary' or 'cross-epoch' file. Loaded per epoch: its
 * analyzer's 'epoch-file', or a payload the server recomputes from the checkpoint for the selected
 * neuron ('neuron-grid') or position pair ('attention-slice').
 */
export type ViewSource = 'detail' | 'summary' | 'cross-epoch' | 'epoch-file' | 'neuron-grid' | 'attention-slice';

/** Sidebar controls other than the epoch that change a view's figure, by their name in the selection (the URL query). */
export type ViewControl = 'neuron' | 'pair' | 'group' | 'sv' | 'head' | 'metric';

/** What a click on a point selects: an analyzed epoch, a neuron, or nothing. */
export type ClickTarget = 'epoch' | 'neuron' | null;

export interface ViewInfo {
  /** Stable id, used in export file names and element ids. */
  readonly id: string;
  /** Its name in a family's family.json `visualizations`: the page shows the views the family declares. */
  readonly name: string;
  /** The page section it is shown under; a section's views are consecutive. */
  readonly section: string;
  readonly title: string;
  readonly kind: ViewKind;
  /** The analyzer whose artifacts the view draws; 'metadata' is the training losses. */
  readonly feeds: string;
  readonly source: ViewSource;
  /** Figure height in px; the builders use it, so the page can size containers before drawing. */
  readonly height: number;
  readonly controls: readonly ViewControl[];
  readonly click: ClickTarget;
}

export const VIEWS = [
  {
    id: 'loss',
    name: 'loss_curves',
    section: 'Training Progress',
    title: 'Train/Test Loss',
    kind: 'marker',
    feeds: 'metadata',
    source: 'detail',
    height: 300,
    controls: [],
    click: 'epoch',
  },
  {
    id: 'freq',
    name: 'dominant_frequencies_bar',
    section: 'Embedding and Neurons',
    title: 'Dominant Frequencies',
    kind: 'per-epoch',
    feeds: 'dominant_frequencies',
    source: 'epoch-file',
    height: 400,
    controls: [],
    click: null,
  },
  {
    id: 'activation',
    name: 'neuron_activation_heatmap',
    section: 'Embedding and Neurons',
    title: 'Neuron Activation Heatmap',
    kind: 'per-epoch',
    feeds: 'neuron_activations',
    source: 'neuron-grid',
    height: 600,
    controls: ['neuron'],
    click: null,
  },
  {
    id: 'clusters',
    name: 'frequency_clusters_heatmap',
    section: 'Embedding and Neurons',
    title: 'Neuron Frequency Clusters',
    kind: 'per-epoch',
    feeds: 'neuron_freq_norm',
    source: 'epoch-file',
    height: 400,
    controls: [],
    click: 'neuron',
  },
  {
    id: 'spec-trajectory',
    name: 'specialization_trajectory',
    section: 'Neuron Frequency Specialization',
    title: 'Neuron Specialization Trajectory',
    kind: 'marker',
    feeds: 'neuron_freq_norm',
    source: 'summary',
    height: 300,
    controls: [],
    click: 'epoch',
  },
  {
    id: 'spec-freq',
    name: 'specialization_by_frequency',
    section: 'Neuron Frequency Specialization',
    title: 'Specialization by Frequency',
    kind: 'marker',
    feeds: 'neuron_freq_norm',
    source: 'summary',
    height: 400,
    controls: [],
    click: 'epoch',
  },
  {
    id: 'attention',
    name: 'attention_heads_grid',
    section: 'Attention Patterns',
    title: 'Attention Head Patterns',
    kind: 'per-epoch',
    feeds: 'attention_patterns',
    source: 'attention-slice',
    height: 350,
    controls: ['pair'],
    click: null,
  },
  {
    id: 'attn-freq',
    name: 'attention_freq_heatmap',
    section: 'Attention Head Frequency Specialization',
    title: 'Attention Head Frequency Decomposition',
    kind: 'per-epoch',
    feeds: 'attention_freq',
    source: 'epoch-file',
    height: 670 /* p = 113's 56 frequency rows, see attentionFrequencySpec */,
    controls: [],
    click: null,
  },
  {
    id: 'attn-spec',
    name: 'attention_specialization_trajectory',
    section: 'Attention Head Frequency Specialization',
    title: 'Head Specialization Trajectory',
    kind: 'marker',
    feeds: 'attention_freq',
    source: 'summary',
    height: 300,
    controls: [],
    click: 'epoch',
  },
  {
    id: 'trajectory',
    name: 'parameter_trajectory',
    section: 'Parameter Space Trajectory',
    title: 'Parameter Trajectory (PCA)',
    kind: 'trajectory',
    feeds: 'parameter_trajectory',
    source: 'cross-epoch',
    height: 450,
    controls: ['group'],
    click: 'epoch',
  },
  {
    id: 'trajectory-3d',
    name: 'parameter_trajectory_3d',
    section: 'Parameter Space Trajectory',
    title: 'Parameter Trajectory 3D',
    kind: 'trajectory',
    feeds: 'parameter_trajectory',
    source: 'cross-epoch',
    height: 550,
    controls: ['group'],
    click: 'epoch',
  },
  {
    id: 'trajectory-pc1-pc3',
    name: 'parameter_trajectory_pc1_pc3',
    section: 'Parameter Space Trajectory',
    title: 'Parameter Trajectory PC1 vs PC3',
    kind: 'trajectory',
    feeds: 'parameter_trajectory',
    source: 'cross-epoch',
    height: 450,
    controls: ['group'],
    click: 'epoch',
  },
  {
    id: 'trajectory-pc2-pc3',
    name: 'parameter_trajectory_pc2_pc3',
    section: 'Parameter Space Trajectory',
    title: 'Parameter Trajectory PC2 vs PC3',
    kind: 'trajectory',
    feeds: 'parameter_trajectory',
    source: 'cross-epoch',
    height: 450,
    controls: ['group'],
    click: 'epoch',
  },
  {
    id: 'velocity',
    name: 'component_velocity',
    section: 'Parameter Space Trajectory',
    title: 'Component Velocity',
    kind: 'marker',
    feeds: 'parameter_trajectory',
    source: 'cross-epoch',
    height: 350,
    controls: [],
    click: 'epoch',
  },
  {
    id: 'dim-trajectory',
    name: 'dimensionality_trajectory',
    section: 'Weight Matrix Effective Dimensionality',
    title: 'Dimensionality Trajectory',
    kind: 'marker',
    feeds: 'effective_dimensionality',
    source: 'summary',
    height: 400,
    controls: [],
    click: 'epoch',
  },
  {
    id: 'sv-spectrum',
    name: 'singular_value_spectrum',
    section: 'Weight Matrix Effective Dimensionality',
    title: 'Singular Value Spectrum',
    kind: 'per-epoch',
    feeds: 'effective_dimensionality',
    source: 'epoch-file',
    height: 350,
    controls: ['sv', 'head'],
    click: null,
  },
  {
    id: 'flatness-trajectory',
    name: 'flatness_trajectory',
    section: 'Loss Landscape Flatness',
    title: 'Flatness Trajectory',
    kind: 'marker',
    feeds: 'landscape_flatness',
    source: 'summary',
    height: 400,
    controls: ['metric'],
    click: 'epoch',
  },
  {
    id: 'perturbation',
    name: 'perturbation_distribution',
    section: 'Loss Landscape Flatness',
    title: 'Perturbation Distribution',
    kind: 'per-epoch',
    feeds: 'landscape_flatness',
    source: 'epoch-file',
    height: 350,
    controls: [],
    click: null,
  },
] as const satisfies readonly ViewInfo[];

export type ViewId = (typeof VIEWS)[number]['id'];

const viewsById = new Map<string, ViewInfo>(VIEWS.map((view) => [view.id, view]));

export function viewInfo(id: ViewId): ViewInfo {
  return viewsById.get(id)!;
}

function idsWhere(test: (view: ViewInfo) => boolean): ViewId[] {
  return VIEWS.filter(test).map((view) => view.id);
}

/** Time series whose epoch marker moves with `withEpochMarker`. */
export const MARKER_VIEW_IDS: readonly ViewId[] = idsWhere((view) => view.kind === 'marker');
/** Views re-rendered from the new epoch's file on every epoch change. */
export const PER_EPOCH_VIEW_IDS: readonly ViewId[] = idsWhere((view) => view.kind === 'per-epoch');
/** PCA views whose current-epoch star trace moves with `trajectoryMarkerRestyle`. */
export const TRAJECTORY_VIEW_IDS: readonly ViewId[] = idsWhere((view) => view.kind === 'trajectory');
/** Per-epoch views whose payload the server recomputes from the checkpoint rather than reads. */
export const RECOMPUTED_VIEW_IDS: readonly ViewId[] = idsWhere(
  (view) => view.source === 'neuron-grid' || view.source === 'attention-slice',
);

/** The views drawn from `analyzer`'s file of `source`. */
export function viewsFedBy(source: ViewSource, analyzer: string): ViewId[] {
  return idsWhere((view) => view.source === source && view.feeds === analyzer);
}

/** The views whose figure depends on `control`. */
export function viewsFollowing(control: ViewControl): ViewId[] {
  return idsWhere((view) => view.controls.includes(control));
}

/** The analyzers whose files of `source` some view draws. */
export function analyzersOf(source: ViewSource): string[] {
  return [...new Set(VIEWS.filter((view) => view.source === source).map((view) => view.feeds))];
}

export interface ViewSection {
  readonly title: string;
  readonly views: readonly ViewId[];
}

/** The page's sections in page order, each with its views (docs/ARCHITECTURE.md §7.1). */
export const VIEW_SECTIONS: readonly ViewSection[] = [...new Set(VIEWS.map((view) => view.section))].map((title) => ({
  title,
  views: idsWhere((view) => view.section === title),
}));

/** The clicked point of a `plotly_click` event, reduced to the fields the views use. */
export interface ClickedPoint {
  x?: unknown;
  customdata?: unknown;
}

/**
 * What a click on a view selects. Marker views have epochs on x. Trajectory traces carry the
 * epoch in `customdata`, since their x is a PC coordinate. Clusters have neurons on x. The page
 * snaps a clicked epoch to the analyzed ones with `nearestEpoch`.
 */
export function clickSelection(id: string, point: ClickedPoint): { epoch: number } | { neuron: number } | null {
  const view = viewsById.get(id);
  if (!view) return null;
  const value = view.kind === 'trajectory' ? point.customdata : point.x;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (view.click === 'epoch') return { epoch: value };
  if (view.click === 'neuron') return { neuron: value };
  return null;
}
