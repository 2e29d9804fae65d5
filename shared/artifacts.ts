/**
 * The analysis contract shared by the server and the browser: the pipeline's progress events,
 * the per-analyzer status, and the read API's requests and responses under
 * /api/variants/:family/:variant (zod schemas: the server declares its routes with them, the
 * client parses answers with them). No Node or DOM imports here.
 */
import { z } from 'zod';
import { domainParamValuesSchema, nameSegment } from './api.ts';

/** One array as JSON: row-major values (float32 values rounded to 6 significant digits). */
export const arrayPayloadSchema = z
  .object({
    shape: z.array(z.number().int()),
    data: z.array(z.number()).describe('Row-major values; floats rounded to 6 significant digits.'),
  })
  .meta({ id: 'ArrayPayload' });
export type ArrayPayload = z.infer<typeof arrayPayloadSchema>;

export const arrayMapSchema = z.record(z.string(), arrayPayloadSchema).describe('Arrays by the name they are stored under.');
export type ArrayMap = z.infer<typeof arrayMapSchema>;

/** Bytes a base64 string decodes to. */
const base64Bytes = (text: string) => (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);

/**
 * A float32 array as its little-endian bytes in base64: the recomputed p×p grids (~51k values for
 * the attention heads at p = 113) travel in 60% of the JSON numbers' size, with no number
 * formatting on the server nor parsing in the browser. `decodeFloat32Payload` reads it.
 */
export const float32PayloadSchema = z
  .object({
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.literal('float32'),
    base64: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64')
      .meta({
        contentEncoding: 'base64',
        contentMediaType: 'application/octet-stream',
        description: 'The values as little-endian float32 bytes, row-major.',
      }),
  })
  .refine((payload) => base64Bytes(payload.base64) === 4 * payload.shape.reduce((a, b) => a * b, 1), {
    error: 'holds a different number of float32 values than its shape',
    path: ['base64'],
  })
  .meta({ id: 'Float32Payload', description: 'A float32 array as its little-endian bytes in base64 (60 % of the size of JSON numbers).' });
export type Float32Payload = z.infer<typeof float32PayloadSchema>;

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

export const analyzerStatusSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['per_epoch', 'cross_epoch']),
    /** Epochs with a result file (per-epoch analyzers) or the epochs the cross-epoch result covers. */
    epochsDone: z.array(z.number().int()),
    /** Per-epoch analyzers: whether a summary file exists (null when the analyzer has none). */
    hasSummary: z.boolean().nullable(),
    /** Every checkpoint epoch is covered (a cross-epoch result must cover exactly the checkpoints). */
    complete: z.boolean(),
  })
  .meta({ id: 'AnalyzerStatus' });
export type AnalyzerStatus = z.infer<typeof analyzerStatusSchema>;

export const analysisStatusSchema = z
  .object({
    family: z.string(),
    variant: z.string(),
    checkpointEpochs: z.array(z.number().int()),
    analyzers: z.array(analyzerStatusSchema),
  })
  .meta({ id: 'AnalysisStatus' });
export type AnalysisStatus = z.infer<typeof analysisStatusSchema>;

/** GET /api/variants/:family/:variant */
export const variantDetailSchema = z
  .object({
    family: z.string(),
    variant: z.string(),
    params: domainParamValuesSchema,
    config: z.object({
      prime: z.number().int(),
      d_mlp: z.number().int(),
      n_heads: z.number().int(),
      d_model: z.number().int(),
      d_head: z.number().int(),
    }),
    numEpochs: z.number().int(),
    /** The run's settings from metadata.json (training_progress.json until the run completes): null until training has written either. */
    run: z
      .object({
        dataSeed: z.number().int(),
        trainingFraction: z.number(),
        /** native or portable; absent for a variant whose metadata.json does not say (the original system's). */
        backend: z.string().optional(),
        /** What the run started from instead of its seeded init (metadata.json's `init_from`); absent for the seeded init. */
        initFrom: z.string().optional(),
        /** The checkpoint list the run was asked for (`checkpoint_request`); null: the family's default schedule. A resume must send it again. */
        checkpointRequest: z.array(z.number().int()).nullable().optional(),
      })
      .nullable(),
    checkpointEpochs: z.array(z.number().int()),
    /** The checkpoints the adaptive rule added where the test loss fell fast, each with why (metadata.json `adaptive_checkpoints`). */
    addedCheckpoints: z.array(z.object({ epoch: z.number().int(), reason: z.string() })).optional(),
    /**
     * One value per training epoch (empty until training has written metadata.json or, up to its latest checkpoint, training_progress.json);
     * null where the stored value is not a finite number.
     */
    trainLosses: z.array(z.number().nullable()),
    testLosses: z.array(z.number().nullable()),
    /** One share 0…1 per epoch, as the losses: examples whose argmax logit is the label. Absent for variants trained before accuracies were recorded. */
    trainAccuracies: z.array(z.number().nullable()).optional(),
    testAccuracies: z.array(z.number().nullable()).optional(),
    /** Epochs with at least one per-epoch artifact, ascending: the viz page's epoch slider. */
    analyzedEpochs: z.array(z.number().int()),
    analyzers: z.array(analyzerStatusSchema),
  })
  .meta({ id: 'VariantDetail' });
export type VariantDetail = z.infer<typeof variantDetailSchema>;

/** GET …/artifacts/:analyzer/epochs/:epoch */
export const epochArtifactResponseSchema = z
  .object({ analyzer: z.string(), epoch: z.number().int(), arrays: arrayMapSchema })
  .meta({ id: 'EpochArtifactResponse' });
export type EpochArtifactResponse = z.infer<typeof epochArtifactResponseSchema>;

/** GET …/summaries/:analyzer: every key stacked by epoch (epoch axis first). */
export const summaryResponseSchema = z
  .object({
    analyzer: z.string(),
    epochs: z.array(z.number().int()),
    arrays: arrayMapSchema.describe('Every key stacked by epoch (epoch axis first).'),
  })
  .meta({ id: 'SummaryResponse' });
export type SummaryResponse = z.infer<typeof summaryResponseSchema>;

/** GET …/cross-epoch/:analyzer */
export const crossEpochResponseSchema = z
  .object({ analyzer: z.string(), epochs: z.array(z.number().int()), arrays: arrayMapSchema })
  .meta({ id: 'CrossEpochResponse' });
export type CrossEpochResponse = z.infer<typeof crossEpochResponseSchema>;

/** GET …/neurons/:neuron/epochs/:epoch: one neuron's post-ReLU activation over the (a, b) grid. */
export const neuronGridResponseSchema = z
  .object({
    epoch: z.number().int(),
    neuron: z.number().int(),
    p: z.number().int(),
    /** [p, p], grid[a][b] */
    activations: float32PayloadSchema,
  })
  .meta({ id: 'NeuronGridResponse' });
export type NeuronGridResponse = z.infer<typeof neuronGridResponseSchema>;

/** GET …/attention/:epoch?query=2&key=0: every head's attention from `query` to `key` over the grid. */
export const attentionSliceResponseSchema = z
  .object({
    epoch: z.number().int(),
    query: z.number().int(),
    key: z.number().int(),
    p: z.number().int(),
    /** [nHeads, p, p], patterns[h][a][b] */
    patterns: float32PayloadSchema,
  })
  .meta({ id: 'AttentionSliceResponse' });
export type AttentionSliceResponse = z.infer<typeof attentionSliceResponseSchema>;

/** Path and query inputs of the read routes: names by `nameSegment`, numbers as plain digits. */
const count = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a whole number')
  .transform(Number);
const position = count.pipe(z.number().max(2, 'must be a position 0, 1 or 2'));
export const variantParamsSchema = z.object({ family: nameSegment, variant: nameSegment });
export const variantDeletedSchema = z
  .object({ family: z.string(), variant: z.string(), deleted: z.literal(true) })
  .meta({ id: 'VariantDeleted' });
export const analyzerParamsSchema = variantParamsSchema.extend({ analyzer: nameSegment });
export const epochArtifactParamsSchema = analyzerParamsSchema.extend({ epoch: count });
export const neuronGridParamsSchema = variantParamsSchema.extend({ neuron: count, epoch: count });
export const attentionSliceParamsSchema = variantParamsSchema.extend({ epoch: count });
export const checkpointParamsSchema = variantParamsSchema.extend({ epoch: count });
export const checkpointInfoSchema = z
  .object({
    family: z.string(),
    variant: z.string(),
    epoch: z.number().int(),
    /** The first 8 hex digits of the SHA-256 of its weights: a run started from it is named `…_init<digest>`. */
    digest: z.string(),
  })
  .meta({ id: 'CheckpointInfo' });
export type CheckpointInfo = z.infer<typeof checkpointInfoSchema>;
export const attentionSliceQuerySchema = z.object({
  // prefault: the default is input, a string like any query value, parsed as one.
  query: position.prefault('2').describe('Query position: 0 (a), 1 (b) or 2 (=).'),
  key: position.prefault('0').describe('Key position: 0 (a), 1 (b) or 2 (=).'),
});

/** artifacts/manifest.json: metadata only; whether a result exists is decided by its file. */
export interface AnalysisManifest {
  family_name: string;
  variant_params: Record<string, number>;
  analyzers: Record<
    string,
    { epochs_completed: number[]; shapes: Record<string, number[]>; dtypes: Record<string, string>; updated_at: string }
  >;
}
