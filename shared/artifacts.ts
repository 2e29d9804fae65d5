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

/**
 * A float32 array as its little-endian bytes in base64: the recomputed p×p grids (~51k values for
 * the attention heads at p = 113) travel in 60% of the JSON numbers' size, with no number
 * formatting on the server nor parsing in the browser. `decodeFloat32Payload` reads it.
 */
export interface Float32Payload {
  shape: number[];
  dtype: 'float32';
  base64: string;
}

/** A decoded Float32Payload, its values rounded to 6 significant digits as an ArrayPayload's are. */
export interface DecodedArray {
  shape: number[];
  data: Float64Array;
}

/** A response with its Float32Payload fields decoded. */
export type Decoded<T> = { [K in keyof T]: T[K] extends Float32Payload ? DecodedArray : T[K] };

export function decodeFloat32Payload(payload: Float32Payload): DecodedArray {
  const bytes = atob(payload.base64);
  const view = new DataView(new ArrayBuffer(bytes.length));
  for (let i = 0; i < bytes.length; i++) view.setUint8(i, bytes.charCodeAt(i));
  const data = new Float64Array(bytes.length >> 2);
  for (let i = 0; i < data.length; i++) data[i] = roundSignificant6(view.getFloat32(i * 4, true));
  const size = payload.shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new RangeError(`a float32 payload of shape (${payload.shape.join(', ')}) holds ${data.length} values`);
  return { shape: payload.shape, data };
}

/** 10^k for k = 0 … 22, the powers of ten a double holds exactly. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `Number(value.toPrecision(6))` without the string round trip or a logarithm (a tenth of the
 * time, which counts over a 51k-value grid): the nearest double to the rounded decimal, so it
 * prints as that decimal.
 */
export function roundSignificant6(value: number): number {
  const magnitude = Math.abs(value);
  if (!(magnitude >= 1e-16 && magnitude < 1e6)) return magnitude === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(6));
  // The decimal exponent e of the leading digit (magnitude in [10^e, 10^(e+1))); 5 − e decimals keep 6 digits.
  let e = 0;
  if (magnitude >= 1) while (magnitude >= POW10[e + 1]!) e++;
  else while (magnitude * POW10[-e]! < 1) e--;
  const scale = POW10[5 - e]!;
  return Math.round(value * scale) / scale;
}

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
  activations: Float32Payload;
}

/** GET …/attention/:epoch?query=2&key=0: every head's attention from `query` to `key` over the grid. */
export interface AttentionSliceResponse {
  epoch: number;
  query: number;
  key: number;
  p: number;
  /** [nHeads, p, p], patterns[h][a][b] */
  patterns: Float32Payload;
}

/** artifacts/manifest.json: metadata only; whether a result exists is decided by its file. */
export interface AnalysisManifest {
  family_name: string;
  variant_params: Record<string, number>;
  analyzers: Record<string, { epochs_completed: number[]; shapes: Record<string, number[]>; dtypes: Record<string, string>; updated_at: string }>;
}
