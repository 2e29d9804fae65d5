/**
 * The Reports data (docs/ARCHITECTURE.md §11): one row per variant of a family with metrics derived
 * from its stored results (metadata.json, the analyzers' summaries, the parameter trajectory), and
 * each variant's full-resolution curves, downsampled per request for the plot's width.
 *
 * What a variant's files give is computed once and cached under a signature of those files
 * (inode, size and mtime of each): a retrained or re-analyzed variant writes new files (atomic
 * renames change the inode), so its next request recomputes it, and nothing else is ever stale.
 * The state is not cached: it comes from the registry's listing on every request.
 */
import { stat } from 'node:fs/promises';
import { downsampleIndices } from '../../shared/downsample.ts';
import type { Family } from '../../shared/family-schema.ts';
import {
  CURVE_SERIES_IDS,
  CURVE_WIDTH,
  type CurveWidth,
  GROKKED_TEST_ACCURACY,
  type Curve,
  type CurveSeriesId,
  type CurvesResponse,
  type ReportMetrics,
  type ReportRow,
  type ReportTraining,
} from '../../shared/reports.ts';
import { artifactPaths, readArtifact, type ArtifactPaths } from '../analysis/artifact-store.ts';
import type { Registry } from '../registry/registry.ts';
import { variantPaths, type VariantPaths } from '../registry/variant-paths.ts';
import { readTrainingRecord } from '../storage/read-json.ts';
import type { TensorMap } from '../storage/safetensors.ts';

/** The analyzers whose files feed the report, by what they give. */
const SUMMARIES = {
  neurons: 'neuron_freq_norm',
  heads: 'attention_freq',
  dimensionality: 'effective_dimensionality',
  flatness: 'landscape_flatness',
} as const;
const TRAJECTORY = 'parameter_trajectory';

/** A series at full resolution: epochs ascending, one value each. */
interface Series {
  epochs: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** What one variant's files give, cached under their signature. */
interface VariantData {
  signature: string;
  training: ReportTraining;
  metrics: ReportMetrics;
  series: Partial<Record<CurveSeriesId, Series>>;
}

/** Variants whose data stay in memory (a 25,000-epoch run's loss and accuracy curves are ~800 KB as float64). */
const CACHE_ENTRIES = 256;

export class ReportService {
  private readonly cache = new Map<string, VariantData>();

  constructor(private readonly registry: Registry) {}

  /** Every variant of the family, in the registry's order (by domain parameters). */
  async rows(family: Family): Promise<ReportRow[]> {
    const variants = await this.registry.listVariants(family);
    return Promise.all(
      variants.map(async (variant) => {
        const data = await this.data(family, variant.name);
        return { name: variant.name, family: family.name, params: variant.params, state: variant.state, ...pick(data) };
      }),
    );
  }

  /**
   * The named variants' series, each thinned to at most two points per pixel column of a plot
   * `width` pixels wide (its minimum and maximum, so no spike disappears; first and last kept).
   * Returns undefined for a variant the family does not have.
   */
  async curves(
    family: Family,
    names: readonly string[],
    series: readonly CurveSeriesId[] = CURVE_SERIES_IDS,
    width: CurveWidth = CURVE_WIDTH.default,
  ): Promise<CurvesResponse | { missing: string }> {
    const variants = [];
    for (const name of names) {
      const variant = await this.registry.variant(family, name);
      if (!variant) return { missing: name };
      const data = await this.data(family, name);
      const curves: Curve[] = [];
      for (const id of series) {
        const full = data.series[id];
        if (full) curves.push(width === 'full' ? everyPoint(id, full) : downsampleCurve(id, full, width));
      }
      variants.push({ variant: name, curves });
    }
    return { family: family.name, width, variants };
  }

  /** The variant's data, from the cache while its files are unchanged. */
  private async data(family: Family, name: string): Promise<VariantData> {
    const paths = variantPaths(this.registry.paths.resultsDir, family.name, name);
    const artifacts = artifactPaths(paths.artifactsDir);
    const files = [
      paths.metadata,
      paths.progress,
      ...Object.values(SUMMARIES).map((analyzer) => artifacts.summaryFile(analyzer)),
      artifacts.crossEpochFile(TRAJECTORY),
    ];
    const signature = (await Promise.all(files.map(fileSignature))).join('|');
    const cached = this.cache.get(paths.dir);
    if (cached?.signature === signature) {
      // Most recently used last, so the oldest entry is dropped first.
      this.cache.delete(paths.dir);
      this.cache.set(paths.dir, cached);
      return cached;
    }
    const data = { signature, ...(await readVariantData(paths, artifacts)) };
    this.cache.delete(paths.dir);
    this.cache.set(paths.dir, data);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return data;
  }
}

function pick({ training, metrics }: VariantData): Pick<ReportRow, 'training' | 'metrics'> {
  return { training, metrics };
}

async function fileSignature(path: string): Promise<string> {
  try {
    const info = await stat(path);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return '-';
  }
}

/** A result file that cannot be read counts as missing (the report shows what it can). */
async function readOptional(path: string): Promise<TensorMap | undefined> {
  try {
    return await readArtifact(path);
  } catch {
    return undefined;
  }
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** A stored per-epoch array, null (a diverged epoch: JSON has no NaN) read as NaN; null unless every entry is one or the other. */
function numbers(value: unknown): number[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' || v === null) ? value.map((v: number | null) => v ?? NaN) : null;
}

async function readVariantData(paths: VariantPaths, artifacts: ArtifactPaths): Promise<Omit<VariantData, 'signature'>> {
  const [metadata, neurons, heads, dimensionality, flatness, trajectory] = await Promise.all([
    // A run still training or interrupted shows its settings and losses so far (training_progress.json).
    readTrainingRecord(paths),
    readOptional(artifacts.summaryFile(SUMMARIES.neurons)),
    readOptional(artifacts.summaryFile(SUMMARIES.heads)),
    readOptional(artifacts.summaryFile(SUMMARIES.dimensionality)),
    readOptional(artifacts.summaryFile(SUMMARIES.flatness)),
    readOptional(artifacts.crossEpochFile(TRAJECTORY)),
  ]);
  const optimizer = (metadata?.optimizer ?? {}) as Record<string, unknown>;
  const training: ReportTraining = {
    data_seed: numberOrNull(metadata?.data_seed),
    training_fraction: numberOrNull(metadata?.training_fraction),
    num_epochs: numberOrNull(metadata?.num_epochs),
    learning_rate: numberOrNull(optimizer.learning_rate),
    weight_decay: numberOrNull(optimizer.weight_decay),
    ...(typeof metadata?.init_digest === 'string' && { init: metadata.init_digest }),
  };
  const train = numbers(metadata?.train_losses);
  const test = numbers(metadata?.test_losses);
  // Absent in variants trained before accuracies were recorded: their accuracy cells and curves stay empty.
  const trainAccuracy = numbers(metadata?.train_accuracies);
  const testAccuracy = numbers(metadata?.test_accuracies);
  const series: VariantData['series'] = {};
  const perEpoch = (id: CurveSeriesId, values: number[] | null) => {
    if (values && values.length > 0) series[id] = { epochs: Int32Array.from(values, (_, i) => i), values };
  };
  perEpoch('train_loss', train);
  perEpoch('test_loss', test);
  perEpoch('train_accuracy', trainAccuracy);
  perEpoch('test_accuracy', testAccuracy);

  const summarySeries = (tensors: TensorMap | undefined, key: string): Series | undefined => {
    const epochs = tensors?.epochs?.data;
    const values = tensors?.[key];
    if (!epochs || !values || values.shape.length !== 1 || values.data.length !== epochs.length || epochs.length === 0) return undefined;
    return { epochs: Array.from(epochs, Number), values: Array.from(values.data, Number) };
  };
  const assign = (id: CurveSeriesId, value: Series | undefined) => {
    if (value) series[id] = value;
  };
  assign('specialized_total', summarySeries(neurons, 'specialized_count_total'));
  assign('specialized_low', summarySeries(neurons, 'specialized_count_low'));
  assign('specialized_mid', summarySeries(neurons, 'specialized_count_mid'));
  assign('specialized_high', summarySeries(neurons, 'specialized_count_high'));
  assign('mean_head_specialization', summarySeries(heads, 'mean_specialization'));
  assign('w_in_participation_ratio', summarySeries(dimensionality, 'pr_W_in'));
  assign('flatness_ratio', summarySeries(flatness, 'flatness_ratio'));

  // Velocity belongs to the later epoch of each step, as the Visualization page draws it.
  const trajectoryEpochs = trajectory?.epochs ? Array.from(trajectory.epochs.data, Number) : [];
  const velocity = trajectory?.['all__velocity'];
  let pathLength: number | null = null;
  if (velocity && trajectoryEpochs.length >= 2 && velocity.data.length === trajectoryEpochs.length - 1) {
    const values = Array.from(velocity.data, Number);
    series.velocity = { epochs: trajectoryEpochs.slice(1), values };
    // velocity[i] = ‖θᵢ₊₁ − θᵢ‖ / (epochᵢ₊₁ − epochᵢ), so each step's length is velocity × gap.
    pathLength = values.reduce((sum, v, i) => sum + v * (trajectoryEpochs[i + 1]! - trajectoryEpochs[i]!), 0);
  } else if (trajectoryEpochs.length === 1) {
    pathLength = 0;
  }

  const last = (id: CurveSeriesId): number | null => {
    const s = series[id];
    return s && s.values.length > 0 ? s.values[s.values.length - 1]! : null;
  };
  const analyzedEpochs = [neurons, heads, dimensionality, flatness]
    .map((tensors) => tensors?.epochs?.data)
    .filter((epochs) => epochs && epochs.length > 0)
    .map((epochs) => Number(epochs![epochs!.length - 1]));
  const headRows = heads?.['max_frac_per_head'];
  const headEpochs = heads?.epochs?.data.length ?? 0;
  const headMaxFrac =
    headRows && headRows.shape.length === 2 && headRows.shape[0] === headEpochs && headEpochs > 0
      ? Array.from(headRows.data.slice((headEpochs - 1) * headRows.shape[1]!), Number)
      : null;

  const metrics: ReportMetrics = {
    final_train_loss: numberOrNull(train?.at(-1)),
    final_test_loss: numberOrNull(test?.at(-1)),
    ...peak(test),
    test_below_1_epoch: firstBelow(test, 1),
    test_below_0_001_epoch: firstBelow(test, 1e-3),
    final_train_accuracy: numberOrNull(trainAccuracy?.at(-1)),
    final_test_accuracy: numberOrNull(testAccuracy?.at(-1)),
    test_accuracy_99_epoch: firstAtLeast(testAccuracy, GROKKED_TEST_ACCURACY),
    analyzed_epoch: analyzedEpochs.length > 0 ? Math.max(...analyzedEpochs) : null,
    specialized_total: last('specialized_total'),
    specialized_low: last('specialized_low'),
    specialized_mid: last('specialized_mid'),
    specialized_high: last('specialized_high'),
    head_max_frac: headMaxFrac,
    w_in_participation_ratio: last('w_in_participation_ratio'),
    flatness_ratio: last('flatness_ratio'),
    trajectory_path_length: pathLength,
  };
  return { training, metrics, series };
}

/** The highest finite test loss and its first epoch; NaN epochs are skipped. */
function peak(test: number[] | null): Pick<ReportMetrics, 'peak_test_loss' | 'peak_test_loss_epoch'> {
  let at = -1;
  for (let e = 0; e < (test?.length ?? 0); e++) if (Number.isFinite(test![e]) && (at < 0 || test![e]! > test![at]!)) at = e;
  return at < 0 ? { peak_test_loss: null, peak_test_loss_epoch: null } : { peak_test_loss: test![at]!, peak_test_loss_epoch: at };
}

/** The first epoch whose loss is below `threshold`, or null. */
function firstBelow(losses: number[] | null, threshold: number): number | null {
  const epoch = losses?.findIndex((loss) => loss < threshold) ?? -1;
  return epoch >= 0 ? epoch : null;
}

/** The first epoch whose accuracy is at least `threshold`, or null. */
function firstAtLeast(accuracies: number[] | null, threshold: number): number | null {
  const epoch = accuracies?.findIndex((accuracy) => accuracy >= threshold) ?? -1;
  return epoch >= 0 ? epoch : null;
}

/** Float values rounded to 6 significant digits, as every stored array the API serves. */
const rounded = (value: number) => (Number.isInteger(value) ? value : Number(value.toPrecision(6)));

/** A whole series as stored, for a download; a diverged (non-finite) value is left out, as JSON has no NaN. */
function everyPoint(series: CurveSeriesId, full: Series): Curve {
  const indices = Array.from({ length: full.values.length }, (_, i) => i).filter((i) => Number.isFinite(full.values[i]));
  return { series, epochs: indices.map((i) => full.epochs[i]!), values: indices.map((i) => full.values[i]!), points: full.values.length };
}

/** A series thinned to each pixel column's minimum and maximum (`width` columns), first and last kept. */
export function downsampleCurve(series: CurveSeriesId, full: Series, width: number): Curve {
  // JSON has no NaN or infinity: a diverged value is left out of the drawn line.
  const indices = downsampleIndices(full.values, 2 * width).filter((i) => Number.isFinite(full.values[i]));
  return {
    series,
    epochs: indices.map((i) => full.epochs[i]!),
    values: indices.map((i) => rounded(full.values[i]!)),
    points: full.values.length,
  };
}
