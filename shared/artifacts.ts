/**
 * The analysis contract shared by the server and the browser: the pipeline's progress events,
 * the per-analyzer status, and the read API's responses under /api/variants/:family/:variant.
 * No Node or DOM imports here.
 */

/** One array as JSON: row-major values (float32 values rounded to 6 significant digits). */
export interface ArrayPayload {
  shape: number[];
  data: number[];
}

export type ArrayMap = Record<string, ArrayPayload>;

export interface AnalysisProgress {
  phase: 'checkpoint' | 'cross_epoch' | 'done';
  /** 0-based index of the checkpoint being analyzed; equals checkpointCount after the last one. */
  checkpointIndex: number;
  /** Checkpoints with work to do in this run. */
  checkpointCount: number;
  epoch: number | null;
  analyzer: string | null;
  /** 0 … 1 over the whole run. */
  fraction: number;
  /** "Analyzing checkpoint {epoch} ({i+1}/{n})", "Running cross-epoch analysis: {name}", "Analysis complete". */
  message: string;
}

export interface AnalyzerStatus {
  name: string;
  kind: 'per_epoch' | 'cross_epoch';
  /** Epochs with a result file (per-epoch analyzers) or the epochs the cross-epoch result covers. */
  epochsDone: number[];
  /** Per-epoch analyzers: whether a summary file exists (null when the analyzer has none). */
  hasSummary: boolean | null;
  /** Every checkpoint epoch is covered (a cross-epoch result must cover exactly the checkpoints). */
  complete: boolean;
}

export interface AnalysisStatus {
  family: string;
  variant: string;
  checkpointEpochs: number[];
  analyzers: AnalyzerStatus[];
}

/** GET /api/variants/:family/:variant */
export interface VariantDetail {
  family: string;
  variant: string;
  params: Record<string, number>;
  config: { prime: number; d_mlp: number; n_heads: number; d_model: number; d_head: number };
  numEpochs: number;
  checkpointEpochs: number[];
  /** One value per training epoch (empty until training has written metadata.json). */
  trainLosses: number[];
  testLosses: number[];
  /** Epochs with at least one per-epoch artifact, ascending: the viz page's epoch slider. */
  analyzedEpochs: number[];
  analyzers: AnalyzerStatus[];
}

/** GET …/artifacts/:analyzer/epochs/:epoch */
export interface EpochArtifactResponse {
  analyzer: string;
  epoch: number;
  arrays: ArrayMap;
}

/** GET …/summaries/:analyzer: every key stacked by epoch (epoch axis first). */
export interface SummaryResponse {
  analyzer: string;
  epochs: number[];
  arrays: ArrayMap;
}

/** GET …/cross-epoch/:analyzer */
export interface CrossEpochResponse {
  analyzer: string;
  epochs: number[];
  arrays: ArrayMap;
}

/** GET …/neurons/:neuron/epochs/:epoch: one neuron's post-ReLU activation over the (a, b) grid. */
export interface NeuronGridResponse {
  epoch: number;
  neuron: number;
  p: number;
  /** [p, p], grid[a][b] */
  activations: ArrayPayload;
}

/** GET …/attention/:epoch?query=2&key=0: every head's attention from `query` to `key` over the grid. */
export interface AttentionSliceResponse {
  epoch: number;
  query: number;
  key: number;
  p: number;
  /** [nHeads, p, p], patterns[h][a][b] */
  patterns: ArrayPayload;
}

/** artifacts/manifest.json: metadata only; whether a result exists is decided by its file. */
export interface AnalysisManifest {
  family_name: string;
  variant_params: Record<string, number>;
  analyzers: Record<string, { epochs_completed: number[]; shapes: Record<string, number[]>; dtypes: Record<string, string>; updated_at: string }>;
}
