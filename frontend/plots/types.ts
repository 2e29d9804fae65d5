/**
 * The Plotly spec every builder returns, and the artifact data every builder reads.
 *
 * Artifact inputs are named after the artifact keys on disk (spec §4.5–4.7), so an API that
 * serves "key → array" maps fits without renaming. Conventions:
 * - 0-d values are plain numbers;
 * - 1-D values are `ArrayLike<number>` (a JSON array or any typed array);
 * - values with two or more dimensions are an `NdArray`: row-major flat data plus its shape,
 *   exactly the safetensors/npz layout.
 */
import type { Data, Layout } from 'plotly.js';

export interface PlotSpec {
  data: Data[];
  layout: Partial<Layout>;
}

/** A dense row-major array: `data.length` is the product of `shape`. */
export interface NdArray {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** The canonical weight-matrix order (`WEIGHT_MATRIX_NAMES` of the original). */
export const WEIGHT_MATRIX_NAMES = ['W_E', 'W_pos', 'W_Q', 'W_K', 'W_V', 'W_O', 'W_in', 'W_out', 'W_U'] as const;
export type WeightMatrixName = (typeof WEIGHT_MATRIX_NAMES)[number];

/** Attention matrices are analyzed per head: their values carry a leading head axis. */
export const ATTENTION_MATRIX_NAMES = ['W_Q', 'W_K', 'W_V', 'W_O'] as const;
export type AttentionMatrixName = (typeof ATTENTION_MATRIX_NAMES)[number];
export type PlainMatrixName = Exclude<WeightMatrixName, AttentionMatrixName>;

export function isAttentionMatrix(name: WeightMatrixName): name is AttentionMatrixName {
  return (ATTENTION_MATRIX_NAMES as readonly string[]).includes(name);
}

/** Parameter-trajectory component groups, in the order the analyzer computes them. */
export const TRAJECTORY_GROUPS = ['all', 'embedding', 'attention', 'mlp'] as const;
export type TrajectoryGroup = (typeof TRAJECTORY_GROUPS)[number];

/** `metadata.json`: one loss per training epoch, (num_epochs,) each. */
export interface TrainingLosses {
  train_losses: ArrayLike<number>;
  test_losses: ArrayLike<number>;
}

/** `dominant_frequencies/epoch_N`: `coefficients` (p,), one norm per Fourier basis row. */
export interface DominantFrequenciesEpoch {
  coefficients: ArrayLike<number>;
}

/** `neuron_activations/epoch_N`: `activations` (d_mlp, p, p), indexed [neuron, a, b]. */
export interface NeuronActivationsEpoch {
  activations: NdArray;
}

/** `neuron_freq_norm/epoch_N`: `norm_matrix` (n_freq, d_mlp); row f is frequency k = f + 1. */
export interface NeuronFreqNormEpoch {
  norm_matrix: NdArray;
}

/**
 * `neuron_freq_norm/summary`: every key has the epoch axis first.
 * Counts are (n_epochs,); `specialized_count_per_freq` is (n_epochs, n_freq).
 */
export interface NeuronFreqNormSummary {
  epochs: ArrayLike<number>;
  specialized_count_total: ArrayLike<number>;
  specialized_count_low: ArrayLike<number>;
  specialized_count_mid: ArrayLike<number>;
  specialized_count_high: ArrayLike<number>;
  specialized_count_per_freq: NdArray;
}

/** `attention_patterns/epoch_N`: `patterns` (n_heads, 3, 3, p, p), indexed [head, to, from, a, b]. */
export interface AttentionPatternsEpoch {
  patterns: NdArray;
}

/** `attention_freq/epoch_N`: `freq_matrix` (n_freq, n_heads). */
export interface AttentionFreqEpoch {
  freq_matrix: NdArray;
}

/** `attention_freq/summary`: `max_frac_per_head` (n_epochs, n_heads). */
export interface AttentionFreqSummary {
  epochs: ArrayLike<number>;
  max_frac_per_head: NdArray;
}

/**
 * `parameter_trajectory/cross_epoch` (note the double underscore), for every group:
 * `<group>__projections` (n, k), `<group>__explained_variance_ratio` (k,) and
 * `<group>__velocity` (n − 1,); `epochs` is (n,).
 */
export type CrossEpochTrajectory = { epochs: ArrayLike<number> } & {
  [G in TrajectoryGroup as `${G}__projections`]: NdArray;
} & {
  [G in TrajectoryGroup as `${G}__explained_variance_ratio`]: ArrayLike<number>;
} & {
  [G in TrajectoryGroup as `${G}__velocity`]: ArrayLike<number>;
};

/**
 * `effective_dimensionality/summary`: `pr_<matrix>` is (n_epochs,) for plain matrices and
 * (n_epochs, n_heads) for attention matrices.
 */
export type EffectiveDimensionalitySummary = { epochs: ArrayLike<number> } & {
  [M in PlainMatrixName as `pr_${M}`]: ArrayLike<number>;
} & {
  [M in AttentionMatrixName as `pr_${M}`]: NdArray;
};

/**
 * `effective_dimensionality/epoch_N`: `sv_<matrix>` in descending order, (min(rows, cols),)
 * for plain matrices and (n_heads, d_head) for attention matrices.
 */
export type EffectiveDimensionalityEpoch = {
  [M in PlainMatrixName as `sv_${M}`]: ArrayLike<number>;
} & {
  [M in AttentionMatrixName as `sv_${M}`]: NdArray;
};

/** `landscape_flatness/summary`: every key (n_epochs,). */
export interface LandscapeFlatnessSummary {
  epochs: ArrayLike<number>;
  mean_delta_loss: ArrayLike<number>;
  median_delta_loss: ArrayLike<number>;
  max_delta_loss: ArrayLike<number>;
  flatness_ratio: ArrayLike<number>;
  p90_delta_loss: ArrayLike<number>;
  std_delta_loss: ArrayLike<number>;
  baseline_loss: ArrayLike<number>;
}

/** `landscape_flatness/epoch_N`: `baseline_loss` (0-d) and `delta_losses` (n_directions,). */
export interface LandscapeFlatnessEpoch {
  baseline_loss: number;
  delta_losses: ArrayLike<number>;
}
