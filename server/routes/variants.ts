/**
 * Read-only views of one variant's training record and analysis artifacts, for the viz page:
 *
 *   GET /api/variants/:family/:variant                                  VariantDetail
 *   GET /api/variants/:family/:variant/status                           AnalysisStatus
 *   GET /api/variants/:family/:variant/artifacts/:analyzer/epochs/:epoch EpochArtifactResponse
 *   GET /api/variants/:family/:variant/summaries/:analyzer              SummaryResponse
 *   GET /api/variants/:family/:variant/cross-epoch/:analyzer            CrossEpochResponse
 *   GET /api/variants/:family/:variant/neurons/:neuron/epochs/:epoch    NeuronGridResponse (recomputed)
 *   GET /api/variants/:family/:variant/attention/:epoch?query=2&key=0   AttentionSliceResponse (recomputed)
 *   GET /api/variants/:family/:variant/checkpoints/:epoch               CheckpointInfo (the digest a run started from it is named by)
 *   DELETE /api/variants/:family/:variant                               VariantDeleted (the folder goes)
 *
 * Stored arrays are JSON numbers; the recomputed grids, the largest responses and the ones an
 * epoch change waits for, are base64 float32 (Float32Payload).
 *
 * Every path segment is validated (names by `nameSegment`, numbers as plain digits) and analyzer
 * names must be ones the family declares, so no request can reach a file outside the variant folder.
 */
import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRoute } from '@hono/zod-openapi';
import { parseVariantName } from '../../shared/variant-name.ts';
import {
  analysisStatusSchema,
  analyzerParamsSchema,
  attentionSliceParamsSchema,
  attentionSliceQuerySchema,
  attentionSliceResponseSchema,
  checkpointInfoSchema,
  checkpointParamsSchema,
  crossEpochResponseSchema,
  epochArtifactParamsSchema,
  epochArtifactResponseSchema,
  neuronGridParamsSchema,
  neuronGridResponseSchema,
  summaryResponseSchema,
  variantDeletedSchema,
  variantDetailSchema,
  variantParamsSchema,
  type ArrayMap,
  type Float32Payload,
  type VariantDetail,
} from '../../shared/artifacts.ts';
import { taskParams, type Family } from '../../shared/family-schema.ts';
import { artifactPaths, epochsOf, listArtifactEpochs, readArtifact } from '../analysis/artifact-store.ts';
import { analysisStatus } from '../analysis/pipeline.ts';
import { ProbeProcess } from '../analysis/probe-process.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { Registry } from '../registry/registry.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import { readJsonRecord, readTrainingRecord } from '../storage/read-json.ts';
import type { TensorMap } from '../storage/safetensors.ts';
import { modelDims } from '../engine/weights.ts';
import { checkpointSource, readInitWeights } from '../training/init-weights.ts';

const NOT_FOUND = 'Unknown family or variant';

const getDetail = createRoute({
  method: 'get',
  operationId: 'getVariant',
  path: '/{family}/{variant}',
  tags: ['variants'],
  summary: "A variant's config, losses, checkpoints, analyzed epochs and analyzer status",
  request: { params: variantParamsSchema },
  responses: {
    200: json(
      variantDetailSchema,
      'From config.json, metadata.json (training_progress.json while training or interrupted) and the files on disk.',
    ),
    ...errorResponses([400, 404], { 404: `${NOT_FOUND}.` }),
  },
});

const getCheckpoint = createRoute({
  method: 'get',
  operationId: 'getCheckpoint',
  path: '/{family}/{variant}/checkpoints/{epoch}',
  tags: ['variants'],
  summary: 'A checkpoint: the digest of its weights, which ends the name of a run started from it',
  request: { params: checkpointParamsSchema },
  responses: {
    200: json(checkpointInfoSchema, 'Read from the checkpoint file.'),
    ...errorResponses([400, 404], { 404: `${NOT_FOUND}, or no checkpoint at that epoch.` }),
  },
});

const deleteVariant = createRoute({
  method: 'delete',
  operationId: 'deleteVariant',
  path: '/{family}/{variant}',
  tags: ['variants'],
  summary: 'Delete a variant: its folder, checkpoints and analysis results',
  description: 'The folder is first renamed out of sight (atomically), then removed, so no half-deleted variant is ever listed.',
  request: { params: variantParamsSchema },
  responses: {
    200: json(variantDeletedSchema, 'Deleted.'),
    ...errorResponses([400, 404, 409], { 404: `${NOT_FOUND}.`, 409: 'A job is queued or running on the variant.' }),
  },
});

const getStatus = createRoute({
  method: 'get',
  operationId: 'getAnalysisStatus',
  path: '/{family}/{variant}/status',
  tags: ['variants'],
  summary: 'Per analyzer of the family, which epochs of this variant are done',
  request: { params: variantParamsSchema },
  responses: { 200: json(analysisStatusSchema, 'The analysis status.'), ...errorResponses([400, 404], { 404: `${NOT_FOUND}.` }) },
});

const getEpochArtifact = createRoute({
  method: 'get',
  operationId: 'getEpochArtifact',
  path: '/{family}/{variant}/artifacts/{analyzer}/epochs/{epoch}',
  tags: ['variants'],
  summary: "One analyzer's result at one epoch",
  request: { params: epochArtifactParamsSchema },
  responses: {
    200: json(epochArtifactResponseSchema, 'The arrays of the epoch file, as JSON numbers.'),
    ...errorResponses([400, 404], { 404: `${NOT_FOUND}, an analyzer the family does not declare, or no result at that epoch.` }),
  },
});

const getSummary = createRoute({
  method: 'get',
  operationId: 'getSummary',
  path: '/{family}/{variant}/summaries/{analyzer}',
  tags: ['variants'],
  summary: "One analyzer's summary over every analyzed epoch",
  request: { params: analyzerParamsSchema },
  responses: {
    200: json(summaryResponseSchema, 'The arrays of summary.safetensors, epoch axis first.'),
    ...errorResponses([400, 404], { 404: `${NOT_FOUND}, an analyzer the family does not declare, or no summary yet.` }),
  },
});

const getCrossEpoch = createRoute({
  method: 'get',
  operationId: 'getCrossEpoch',
  path: '/{family}/{variant}/cross-epoch/{analyzer}',
  tags: ['variants'],
  summary: "A cross-epoch analyzer's result (e.g. parameter_trajectory)",
  request: { params: analyzerParamsSchema },
  responses: {
    200: json(crossEpochResponseSchema, 'The arrays of cross_epoch.safetensors.'),
    ...errorResponses([400, 404], { 404: `${NOT_FOUND}, a cross-epoch analyzer the family does not declare, or no result yet.` }),
  },
});

const getNeuronGrid = createRoute({
  method: 'get',
  operationId: 'getNeuronGrid',
  path: '/{family}/{variant}/neurons/{neuron}/epochs/{epoch}',
  tags: ['variants'],
  summary: "One neuron's activation over the (a, b) grid, recomputed from a checkpoint",
  description: 'The post-ReLU MLP activation at the `=` position for every input pair, as base64 float32 of shape [p, p].',
  request: { params: neuronGridParamsSchema },
  responses: {
    200: json(neuronGridResponseSchema, 'The grid, grid[a][b].'),
    ...errorResponses([400, 404], { 400: 'Bad input, or a neuron not below d_mlp.', 404: `${NOT_FOUND}, or no checkpoint at that epoch.` }),
  },
});

const getAttentionSlice = createRoute({
  method: 'get',
  operationId: 'getAttentionSlice',
  path: '/{family}/{variant}/attention/{epoch}',
  tags: ['variants'],
  summary: "Every head's attention from one position to another over the (a, b) grid, recomputed from a checkpoint",
  description: 'As base64 float32 of shape [n_heads, p, p].',
  request: { params: attentionSliceParamsSchema, query: attentionSliceQuerySchema },
  responses: {
    200: json(attentionSliceResponseSchema, 'The patterns, patterns[h][a][b].'),
    ...errorResponses([400, 404], { 404: `${NOT_FOUND}, or no checkpoint at that epoch.` }),
  },
});

export function variantRoutes(registry: Registry, jobs: JobRunner, probes = new ProbeProcess()) {
  /** The family and variant named in the path, or a 404. */
  async function resolve(familyName: string, variantName: string) {
    const family = await registry.family(familyName);
    if (!family) throw new ApiError(404, `unknown family "${familyName}"`);
    const variant = await registry.variant(family, variantName);
    if (!variant) throw new ApiError(404, `family ${familyName} has no variant "${variantName}"`);
    const paths = variantPaths(registry.paths.resultsDir, family.name, variant.name);
    return { family, variant, paths, artifacts: artifactPaths(paths.artifactsDir), p: taskParams(family, variant.params).modulus };
  }

  /**
   * As `resolve`, for the routes an epoch change waits for: the variant's folder must exist, but
   * its state (a listing of every checkpoint and artifact file) is not derived.
   */
  async function locate(familyName: string, variantName: string) {
    const family = await registry.family(familyName);
    if (!family) throw new ApiError(404, `unknown family "${familyName}"`);
    const params = parseVariantName(family, variantName)?.params;
    const paths = variantPaths(registry.paths.resultsDir, family.name, variantName);
    if (!params || !(await isDirectory(paths.dir))) throw new ApiError(404, `family ${familyName} has no variant "${variantName}"`);
    return { family, paths, artifacts: artifactPaths(paths.artifactsDir), p: taskParams(family, params).modulus };
  }

  function requireAnalyzer(family: Family, analyzer: string, kind: 'analyzers' | 'cross_epoch_analyzers') {
    if (!family[kind].includes(analyzer))
      throw new ApiError(404, `family ${family.name} has no ${kind === 'analyzers' ? '' : 'cross-epoch '}analyzer "${analyzer}"`);
  }

  /** A recomputed probe view; a missing checkpoint is a 404. */
  async function recomputed(epoch: number, compute: () => Promise<Float32Array>): Promise<Float32Array> {
    try {
      return await compute();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError(404, `no checkpoint at epoch ${epoch}`);
      throw error;
    }
  }

  return routeGroup()
    .openapi(getDetail, async (c) => {
      const { family: familyName, variant: variantName } = c.req.valid('param');
      const { family, variant, paths, artifacts, p } = await resolve(familyName, variantName);
      const record = await readTrainingRecord(paths);
      const config = await readJsonRecord(paths.config);
      const status = await analysisStatus(registry.paths.resultsDir, family, variant.name);
      const analyzed = new Set<number>();
      for (const name of family.analyzers) for (const epoch of await listArtifactEpochs(artifacts, name)) analyzed.add(epoch);
      const arch = family.architecture;
      const body: VariantDetail = {
        family: family.name,
        variant: variant.name,
        params: variant.params,
        config: {
          prime: numberOr(config?.prime, p),
          d_mlp: numberOr(config?.d_mlp, arch.d_mlp),
          n_heads: numberOr(config?.n_heads, arch.n_heads),
          d_model: numberOr(config?.d_model, arch.d_model),
          d_head: numberOr(config?.d_head, arch.d_head),
        },
        numEpochs: numberOr(record?.num_epochs, 0),
        run: runSettings(record),
        checkpointEpochs: variant.checkpointEpochs,
        ...addedCheckpoints(record),
        trainLosses: Array.isArray(record?.train_losses) ? finiteOrNull(record.train_losses) : [],
        testLosses: Array.isArray(record?.test_losses) ? finiteOrNull(record.test_losses) : [],
        ...accuracies(record),
        analyzedEpochs: [...analyzed].sort((a, b) => a - b),
        analyzers: status.analyzers,
      };
      return c.json(body, 200);
    })
    .openapi(deleteVariant, async (c) => {
      const { family: familyName, variant: variantName } = c.req.valid('param');
      // Held first, so a job that has just started on the variant (its folder not yet made) refuses with 409, not 404.
      const admission = jobs.reserve(familyName, variantName, 'delete');
      try {
        const { family, variant, paths } = await resolve(familyName, variantName);
        const doomed = join(dirname(paths.dir), `.deleting-${variant.name}-${randomUUID().slice(0, 8)}`);
        await rename(paths.dir, doomed);
        await rm(doomed, { recursive: true, force: true });
        return c.json({ family: family.name, variant: variant.name, deleted: true as const }, 200);
      } finally {
        admission.release();
      }
    })
    .openapi(getStatus, async (c) => {
      const { family: familyName, variant: variantName } = c.req.valid('param');
      const { family, variant } = await resolve(familyName, variantName);
      return c.json(await analysisStatus(registry.paths.resultsDir, family, variant.name), 200);
    })
    .openapi(getEpochArtifact, async (c) => {
      const { family: familyName, variant: variantName, analyzer, epoch } = c.req.valid('param');
      const { family, artifacts } = await locate(familyName, variantName);
      requireAnalyzer(family, analyzer, 'analyzers');
      const tensors = await readArtifact(artifacts.epochFile(analyzer, epoch));
      if (!tensors) throw new ApiError(404, `no ${analyzer} result at epoch ${epoch}`);
      return c.json({ analyzer, epoch, arrays: toArrays(tensors) }, 200);
    })
    .openapi(getSummary, async (c) => {
      const { family: familyName, variant: variantName, analyzer } = c.req.valid('param');
      const { family, artifacts } = await locate(familyName, variantName);
      requireAnalyzer(family, analyzer, 'analyzers');
      const tensors = await readArtifact(artifacts.summaryFile(analyzer));
      if (!tensors) throw new ApiError(404, `no ${analyzer} summary`);
      const { epochs, ...rest } = tensors;
      return c.json({ analyzer, epochs: epochsOf({ epochs: epochs! }), arrays: toArrays(rest) }, 200);
    })
    .openapi(getCrossEpoch, async (c) => {
      const { family: familyName, variant: variantName, analyzer } = c.req.valid('param');
      const { family, artifacts } = await locate(familyName, variantName);
      requireAnalyzer(family, analyzer, 'cross_epoch_analyzers');
      const tensors = await readArtifact(artifacts.crossEpochFile(analyzer));
      if (!tensors) throw new ApiError(404, `no ${analyzer} result`);
      const { epochs, ...rest } = tensors;
      return c.json({ analyzer, epochs: epochsOf({ epochs: epochs! }), arrays: toArrays(rest) }, 200);
    })
    .openapi(getNeuronGrid, async (c) => {
      const { family: familyName, variant: variantName, neuron, epoch } = c.req.valid('param');
      const { family, paths, p } = await locate(familyName, variantName);
      const dMlp = family.architecture.d_mlp;
      if (neuron >= dMlp)
        throw new ApiError(400, `neuron must be below d_mlp = ${dMlp}`, [{ field: 'neuron', message: `must be 0 … ${dMlp - 1}` }]);
      const grid = await recomputed(epoch, () => probes.neuronGrid(paths.checkpoint(epoch), family.architecture, p, neuron));
      return c.json({ epoch, neuron, p, activations: float32Payload([p, p], grid) }, 200);
    })
    .openapi(getCheckpoint, async (c) => {
      const { family: familyName, variant, epoch } = c.req.valid('param');
      const { family, p } = await locate(familyName, variant);
      const source = checkpointSource(registry.paths.resultsDir, family.name, variant, epoch);
      if (!(await isFile(source.path))) throw new ApiError(404, `no checkpoint at epoch ${epoch}`);
      const { digest } = await readInitWeights(source, modelDims(family.architecture, p));
      return c.json({ family: family.name, variant, epoch, digest }, 200);
    })
    .openapi(getAttentionSlice, async (c) => {
      const { family: familyName, variant: variantName, epoch } = c.req.valid('param');
      const { query, key } = c.req.valid('query');
      const { family, paths, p } = await locate(familyName, variantName);
      const heads = family.architecture.n_heads;
      const slice = await recomputed(epoch, () => probes.attentionSlice(paths.checkpoint(epoch), family.architecture, p, query, key));
      return c.json({ epoch, query, key, p, patterns: float32Payload([heads, p, p], slice) }, 200);
    });
}

/** Float values rounded to 6 significant digits (float32 carries about 7), integers as they are. */
function rounded(values: ArrayLike<number | bigint>): number[] {
  return Array.from(values, (v) => (typeof v === 'bigint' ? Number(v) : Number.isInteger(v) ? v : Number(v.toPrecision(6))));
}

/** Float32 values as little-endian bytes in base64 (see Float32Payload). */
function float32Payload(shape: number[], values: Float32Array): Float32Payload {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i]!, i * 4);
  return { shape, dtype: 'float32', base64: bytes.toString('base64') };
}

function toArrays(tensors: TensorMap): ArrayMap {
  return Object.fromEntries(Object.entries(tensors).map(([key, tensor]) => [key, { shape: tensor.shape, data: rounded(tensor.data) }]));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The settings the training record holds for the run, or null without a complete record. */
function runSettings(record: Record<string, unknown> | undefined): VariantDetail['run'] {
  const {
    data_seed: dataSeed,
    training_fraction: trainingFraction,
    backend,
    init_from: initFrom,
    checkpoint_request: asked,
  } = record ?? {};
  if (typeof dataSeed !== 'number' || typeof trainingFraction !== 'number') return null;
  const checkpointRequest = Array.isArray(asked) && asked.every(Number.isInteger) ? (asked as number[]) : null;
  return {
    dataSeed,
    trainingFraction,
    checkpointRequest,
    // Absent in variants trained by the original system, whose metadata.json has no backend.
    ...(typeof backend === 'string' && { backend }),
    ...(typeof initFrom === 'string' && { initFrom }),
  };
}

/** The checkpoints the adaptive rule added, with why; nothing for a run without the rule (or recorded before it). */
function addedCheckpoints(record: Record<string, unknown> | undefined): Pick<VariantDetail, 'addedCheckpoints'> {
  const added = record?.adaptive_checkpoints;
  if (!Array.isArray(added)) return {};
  return {
    addedCheckpoints: added.flatMap((entry: unknown) => {
      const { epoch, reason } = (entry ?? {}) as { epoch?: unknown; reason?: unknown };
      return Number.isInteger(epoch) && typeof reason === 'string' ? [{ epoch: epoch as number, reason }] : [];
    }),
  };
}

/** The per-epoch accuracies the training record holds, or nothing for a variant trained before they were recorded. */
function accuracies(record: Record<string, unknown> | undefined): Pick<VariantDetail, 'trainAccuracies' | 'testAccuracies'> {
  const { train_accuracies: train, test_accuracies: test } = record ?? {};
  return Array.isArray(train) && Array.isArray(test) ? { trainAccuracies: finiteOrNull(train), testAccuracies: finiteOrNull(test) } : {};
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** A stored per-epoch array as the API serves it: null for anything not a finite number (JSON has no NaN). */
function finiteOrNull(values: readonly unknown[]): (number | null)[] {
  return values.map((value) => (typeof value === 'number' && Number.isFinite(value) ? value : null));
}
