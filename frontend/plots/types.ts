/**
 * The Plotly spec every builder returns, and the artifact data every builder reads.
 *
 * Inputs mirror the read API of `shared/artifacts.ts`: every artifact value is an array with
 * its shape (an `ArrayPayload` is an `NdArray`), keyed by the artifact key on disk
 * (docs/ARCHITECTURE.md §6.5–§6.14); summaries and cross-epoch results add their `epochs`. The `*_KEYS` lists
 * name what each builder reads, so `pickEpochArrays` / `pickSeriesArrays` can turn an API
 * response into a builder input, or into null when a key is missing.
 */
import type { Data, Layout } from 'plotly.js';
import type { CsvColumn } from '../../shared/csv.ts';

export interface PlotSpec {
  data: Data[];
  layout: Partial<Layout>;
  /** The figure's data for download; placeholders have none. */
  export?: PlotExport;
}

/** One column of a tidy table: its header and one value per row (null: an empty field). */
export type TableColumn = CsvColumn;

/** What a figure downloads as data: the full-resolution source of its traces, not the (possibly thinned) traces. */
export interface PlotExport {
  /** The controls the figure depends on beyond variant, view and epoch (neuron, position pair, …), as file-name parts. */
  readonly selection: readonly string[];
  /** Columns of equal length, one row per epoch or per cell; built on download, since a grid has tens of thousands of cells. */
  readonly table: () => readonly TableColumn[];
}

/** A dense row-major array: `data.length` is the product of `shape` (a 0-d value has shape []). */
export interface NdArray {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** One epoch file's arrays, by artifact key. */
export type EpochArrays<K extends string> = { readonly [key in K]: NdArray };

/** A summary or cross-epoch result: its epochs (ascending) and arrays with the epoch axis first. */
export type SeriesArrays<K extends string> = { readonly epochs: ArrayLike<number> } & EpochArrays<K>;

/** The canonical weight-matrix order (`WEIGHT_MATRIX_NAMES` of the original). */
export const WEIGHT_MATRIX_NAMES = ['W_E', 'W_pos', 'W_Q', 'W_K', 'W_V', 'W_O', 'W_in', 'W_out', 'W_U'] as const;
export type WeightMatrixName = (typeof WEIGHT_MATRIX_NAMES)[number];

/** Attention matrices are analyzed per head: their values carry a head axis. */
export const ATTENTION_MATRIX_NAMES = ['W_Q', 'W_K', 'W_V', 'W_O'] as const;
export type AttentionMatrixName = (typeof ATTENTION_MATRIX_NAMES)[number];

export function isAttentionMatrix(name: WeightMatrixName): name is AttentionMatrixName {
  return (ATTENTION_MATRIX_NAMES as readonly string[]).includes(name);
}

/** Parameter-trajectory component groups, in the order the analyzer computes them. */
export const TRAJECTORY_GROUPS = ['all', 'embedding', 'attention', 'mlp'] as const;
export type TrajectoryGroup = (typeof TRAJECTORY_GROUPS)[number];

/**
 * The losses of `metadata.json`, one per training epoch, and the accuracies when recorded
 * (`VariantDetail` carries them). null where a stored value is not a finite number (a diverged epoch).
 */
export interface TrainingLosses {
  trainLosses: ArrayLike<number | null>;
  testLosses: ArrayLike<number | null>;
  /** Shares 0…1 per epoch; absent for variants trained before accuracies were recorded. */
  trainAccuracies?: ArrayLike<number | null>;
  testAccuracies?: ArrayLike<number | null>;
  /** Checkpoints the adaptive rule added where the test loss fell fast, with why. */
  addedCheckpoints?: readonly { epoch: number; reason: string }[];
}

/** `dominant_frequencies` epoch: `coefficients` (p,), one norm per Fourier basis row. */
export const DOMINANT_FREQUENCIES_KEYS = ['coefficients'] as const;
export type DominantFrequenciesEpoch = EpochArrays<(typeof DOMINANT_FREQUENCIES_KEYS)[number]>;

/**
 * `neuron_activations` epoch: `activations` (d_mlp, p, p) indexed [neuron, a, b], or just the
 * selected neuron's (p, p) grid as the API's `NeuronGridResponse` serves it.
 */
export const NEURON_ACTIVATIONS_KEYS = ['activations'] as const;
export type NeuronActivationsEpoch = EpochArrays<(typeof NEURON_ACTIVATIONS_KEYS)[number]>;

/** `neuron_freq_norm` epoch: `norm_matrix` (n_freq, d_mlp); row f is frequency k = f + 1. */
export const NEURON_FREQ_NORM_KEYS = ['norm_matrix'] as const;
export type NeuronFreqNormEpoch = EpochArrays<(typeof NEURON_FREQ_NORM_KEYS)[number]>;

/** `neuron_freq_norm` summary: counts (n_epochs,), `specialized_count_per_freq` (n_epochs, n_freq). */
export const NEURON_FREQ_NORM_SUMMARY_KEYS = [
  'specialized_count_total',
  'specialized_count_low',
  'specialized_count_mid',
  'specialized_count_high',
  'specialized_count_per_freq',
] as const;
export type NeuronFreqNormSummary = SeriesArrays<(typeof NEURON_FREQ_NORM_SUMMARY_KEYS)[number]>;

/**
 * `attention_patterns` epoch: `patterns` (n_heads, 3, 3, p, p) indexed [head, to, from, a, b],
 * or one (to, from) slice (n_heads, p, p) as the API's `AttentionSliceResponse` serves it.
 */
export const ATTENTION_PATTERNS_KEYS = ['patterns'] as const;
export type AttentionPatternsEpoch = EpochArrays<(typeof ATTENTION_PATTERNS_KEYS)[number]>;

/** `attention_freq` epoch: `freq_matrix` (n_freq, n_heads). */
export const ATTENTION_FREQ_KEYS = ['freq_matrix'] as const;
export type AttentionFreqEpoch = EpochArrays<(typeof ATTENTION_FREQ_KEYS)[number]>;

/** `attention_freq` summary: `max_frac_per_head` (n_epochs, n_heads). */
export const ATTENTION_FREQ_SUMMARY_KEYS = ['max_frac_per_head'] as const;
export type AttentionFreqSummary = SeriesArrays<(typeof ATTENTION_FREQ_SUMMARY_KEYS)[number]>;

/**
 * `parameter_trajectory` cross-epoch result (note the double underscore), per group:
 * `<group>__projections` (n, k), `<group>__explained_variance_ratio` (k,), `<group>__velocity` (n − 1,).
 */
export const CROSS_EPOCH_TRAJECTORY_KEYS = TRAJECTORY_GROUPS.flatMap(
  (g) => [`${g}__projections`, `${g}__explained_variance_ratio`, `${g}__velocity`] as const,
);
export type CrossEpochTrajectory = SeriesArrays<(typeof CROSS_EPOCH_TRAJECTORY_KEYS)[number]>;

/** `effective_dimensionality` summary: `pr_<matrix>` (n_epochs,), or (n_epochs, n_heads) for attention matrices. */
export const EFFECTIVE_DIMENSIONALITY_SUMMARY_KEYS = WEIGHT_MATRIX_NAMES.map((m) => `pr_${m}` as const);
export type EffectiveDimensionalitySummary = SeriesArrays<(typeof EFFECTIVE_DIMENSIONALITY_SUMMARY_KEYS)[number]>;

/**
 * `effective_dimensionality` epoch: `sv_<matrix>` in descending order, (min(rows, cols),), or
 * (n_heads, d_head) for attention matrices.
 */
export const EFFECTIVE_DIMENSIONALITY_KEYS = WEIGHT_MATRIX_NAMES.map((m) => `sv_${m}` as const);
export type EffectiveDimensionalityEpoch = EpochArrays<(typeof EFFECTIVE_DIMENSIONALITY_KEYS)[number]>;

/** `landscape_flatness` summary: every key (n_epochs,). */
export const LANDSCAPE_FLATNESS_SUMMARY_KEYS = [
  'mean_delta_loss',
  'median_delta_loss',
  'max_delta_loss',
  'flatness_ratio',
  'p90_delta_loss',
  'std_delta_loss',
  'baseline_loss',
] as const;
export type LandscapeFlatnessSummary = SeriesArrays<(typeof LANDSCAPE_FLATNESS_SUMMARY_KEYS)[number]>;

/** `landscape_flatness` epoch: `baseline_loss` (0-d) and `delta_losses` (n_directions,). */
export const LANDSCAPE_FLATNESS_KEYS = ['baseline_loss', 'delta_losses'] as const;
export type LandscapeFlatnessEpoch = EpochArrays<(typeof LANDSCAPE_FLATNESS_KEYS)[number]>;

/** The named arrays of an epoch file, or null if the response is missing or lacks one of `keys`. */
export function pickEpochArrays<K extends string>(
  arrays: Readonly<Record<string, NdArray>> | null | undefined,
  keys: readonly K[],
): EpochArrays<K> | null {
  if (!arrays || !keys.every((key) => arrays[key] !== undefined)) return null;
  return Object.fromEntries(keys.map((key) => [key, arrays[key]!])) as EpochArrays<K>;
}

/** A summary or cross-epoch response as a builder input, or null if missing or lacking a key. */
export function pickSeriesArrays<K extends string>(
  response: { readonly epochs: ArrayLike<number>; readonly arrays: Readonly<Record<string, NdArray>> } | null | undefined,
  keys: readonly K[],
): SeriesArrays<K> | null {
  const arrays = pickEpochArrays(response?.arrays, keys);
  return response && arrays ? { ...arrays, epochs: response.epochs } : null;
}
