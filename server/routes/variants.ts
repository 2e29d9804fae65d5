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
 *
 * Stored arrays are JSON numbers; the recomputed grids, the largest responses and the ones an
 * epoch change waits for, are base64 float32 (Float32Payload).
 *
 * Every path segment is validated (names by `nameSegment`, numbers as plain digits) and analyzer
 * names must be ones the family declares, so no request can reach a file outside the variant folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { Hono } from 'hono';
import { z } from 'zod';
import { nameSegment } from '../../shared/api.ts';
import { parseVariantName } from '../../shared/variant-name.ts';
import type {
  ArrayMap,
  AttentionSliceResponse,
  CrossEpochResponse,
  EpochArtifactResponse,
  Float32Payload,
  NeuronGridResponse,
  SummaryResponse,
  VariantDetail,
} from '../../shared/artifacts.ts';
import type { Family } from '../../shared/family-schema.ts';
import { artifactPaths, epochsOf, listArtifactEpochs, readArtifact } from '../analysis/artifact-store.ts';
import { analysisStatus } from '../analysis/pipeline.ts';
import { ProbeProcess } from '../analysis/probe-process.ts';
import { ApiError } from '../http/errors.ts';
import { validate } from '../http/validate.ts';
import type { Registry } from '../registry/registry.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import type { TensorMap } from '../storage/safetensors.ts';

const count = z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number);
const variantParams = z.object({ family: nameSegment, variant: nameSegment });
const analyzerParams = variantParams.extend({ analyzer: nameSegment });
const positionQuery = z.object({
  query: count.pipe(z.number().max(2, 'must be a position 0, 1 or 2')).default(2),
  key: count.pipe(z.number().max(2, 'must be a position 0, 1 or 2')).default(0),
});

export function variantRoutes(registry: Registry, probes = new ProbeProcess()) {
  /** The family and variant named in the path, or a 404. */
  async function resolve(familyName: string, variantName: string) {
    const family = await registry.family(familyName);
    if (!family) throw new ApiError(404, `unknown family "${familyName}"`);
    const variant = await registry.variant(family, variantName);
    if (!variant) throw new ApiError(404, `family ${familyName} has no variant "${variantName}"`);
    const paths = variantPaths(registry.paths.resultsDir, family.name, variant.name);
    return { family, variant, paths, artifacts: artifactPaths(paths.artifactsDir), p: variant.params.prime! };
  }

  /**
   * As `resolve`, for the routes an epoch change waits for: the variant's folder must exist, but
   * its state (a listing of every checkpoint and artifact file) is not derived.
   */
  async function locate(familyName: string, variantName: string) {
    const family = await registry.family(familyName);
    if (!family) throw new ApiError(404, `unknown family "${familyName}"`);
    const params = parseVariantName(family, variantName);
    const paths = variantPaths(registry.paths.resultsDir, family.name, variantName);
    if (!params || !(await isDirectory(paths.dir))) throw new ApiError(404, `family ${familyName} has no variant "${variantName}"`);
    return { family, paths, artifacts: artifactPaths(paths.artifactsDir), p: params.prime! };
  }

  function requireAnalyzer(family: Family, analyzer: string, kind: 'analyzers' | 'cross_epoch_analyzers') {
    if (!family[kind].includes(analyzer)) throw new ApiError(404, `family ${family.name} has no ${kind === 'analyzers' ? '' : 'cross-epoch '}analyzer "${analyzer}"`);
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

  return new Hono()
    .get('/:family/:variant', validate('param', variantParams), async (c) => {
      const { family: familyName, variant: variantName } = c.req.valid('param');
      const { family, variant, paths, artifacts, p } = await resolve(familyName, variantName);
      const metadata = await readJson(paths.metadata);
      const config = await readJson(paths.config);
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
        numEpochs: numberOr(metadata?.num_epochs, 0),
        checkpointEpochs: variant.checkpointEpochs,
        trainLosses: numbersOr(metadata?.train_losses),
        testLosses: numbersOr(metadata?.test_losses),
        analyzedEpochs: [...analyzed].sort((a, b) => a - b),
        analyzers: status.analyzers,
      };
      return c.json(body, 200);
    })
    .get('/:family/:variant/status', validate('param', variantParams), async (c) => {
      const { family: familyName, variant: variantName } = c.req.valid('param');
      const { family, variant } = await resolve(familyName, variantName);
      return c.json(await analysisStatus(registry.paths.resultsDir, family, variant.name), 200);
    })
    .get('/:family/:variant/artifacts/:analyzer/epochs/:epoch', validate('param', analyzerParams.extend({ epoch: count })), async (c) => {
      const { family: familyName, variant: variantName, analyzer, epoch } = c.req.valid('param');
      const { family, artifacts } = await locate(familyName, variantName);
      requireAnalyzer(family, analyzer, 'analyzers');
      const tensors = await readArtifact(artifacts.epochFile(analyzer, epoch));
      if (!tensors) throw new ApiError(404, `no ${analyzer} result at epoch ${epoch}`);
      return c.json({ analyzer, epoch, arrays: toArrays(tensors) } satisfies EpochArtifactResponse, 200);
    })
    .get('/:family/:variant/summaries/:analyzer', validate('param', analyzerParams), async (c) => {
      const { family: familyName, variant: variantName, analyzer } = c.req.valid('param');
      const { family, artifacts } = await locate(familyName, variantName);
      requireAnalyzer(family, analyzer, 'analyzers');
      const tensors = await readArtifact(artifacts.summaryFile(analyzer));
      if (!tensors) throw new ApiError(404, `no ${analyzer} summary`);
      const { epochs, ...rest } = tensors;
      return c.json({ analyzer, epochs: epochsOf({ epochs: epochs! }), arrays: toArrays(rest) } satisfies SummaryResponse, 200);
    })
    .get('/:family/:variant/cross-epoch/:analyzer', validate('param', analyzerParams), async (c) => {
      const { family: familyName, variant: variantName, analyzer } = c.req.valid('param');
      const { family, artifacts } = await locate(familyName, variantName);
      requireAnalyzer(family, analyzer, 'cross_epoch_analyzers');
      const tensors = await readArtifact(artifacts.crossEpochFile(analyzer));
      if (!tensors) throw new ApiError(404, `no ${analyzer} result`);
      const { epochs, ...rest } = tensors;
      return c.json({ analyzer, epochs: epochsOf({ epochs: epochs! }), arrays: toArrays(rest) } satisfies CrossEpochResponse, 200);
    })
    .get('/:family/:variant/neurons/:neuron/epochs/:epoch', validate('param', variantParams.extend({ neuron: count, epoch: count })), async (c) => {
      const { family: familyName, variant: variantName, neuron, epoch } = c.req.valid('param');
      const { family, paths, p } = await locate(familyName, variantName);
      const dMlp = family.architecture.d_mlp;
      if (neuron >= dMlp) throw new ApiError(400, `neuron must be below d_mlp = ${dMlp}`, [{ field: 'neuron', message: `must be 0 … ${dMlp - 1}` }]);
      const grid = await recomputed(epoch, () => probes.neuronGrid(paths.checkpoint(epoch), family.architecture, p, neuron));
      const body: NeuronGridResponse = { epoch, neuron, p, activations: float32Payload([p, p], grid) };
      return c.json(body, 200);
    })
    .get('/:family/:variant/attention/:epoch', validate('param', variantParams.extend({ epoch: count })), validate('query', positionQuery), async (c) => {
      const { family: familyName, variant: variantName, epoch } = c.req.valid('param');
      const { query, key } = c.req.valid('query');
      const { family, paths, p } = await locate(familyName, variantName);
      const heads = family.architecture.n_heads;
      const slice = await recomputed(epoch, () => probes.attentionSlice(paths.checkpoint(epoch), family.architecture, p, query, key));
      const body: AttentionSliceResponse = { epoch, query, key, p, patterns: float32Payload([heads, p, p], slice) };
      return c.json(body, 200);
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

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function numbersOr(value: unknown): number[] {
  return Array.isArray(value) ? (value as number[]) : [];
}
