/**
 * The Reports rows and curves (docs/ARCHITECTURE.md §11) against an independent recomputation:
 * small-prime variants trained and analyzed here, every metric recomputed from metadata.json, the
 * per-epoch artifact files and the checkpoints themselves (W_in's singular values by ml-matrix, the
 * path length from the checkpoint weights, the final accuracies by a naive forward of the stored
 * split), never from the summaries the service reads. Also the cache (a rewritten file is read
 * again), variants without accuracies, the curves' downsampling, the routes and the CLI.
 */
import { execFile } from 'node:child_process';
import { readFile, rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Family } from '../../../shared/family-schema.ts';
import { curvesResponseSchema, formatCell, reportColumns, reportResponseSchema, type ReportRow } from '../../../shared/reports.ts';
import { artifactPaths, readArtifact } from '../../../server/analysis/artifact-store.ts';
import { analyzeVariant } from '../../../server/analysis/pipeline.ts';
import { ApiError } from '../../../server/http/errors.ts';
import { routeGroup } from '../../../server/http/openapi.ts';
import { sendError } from '../../../server/http/errors.ts';
import { loadFamilies } from '../../../server/registry/families.ts';
import { Registry } from '../../../server/registry/registry.ts';
import { variantPaths } from '../../../server/registry/variant-paths.ts';
import { downsampleCurve, ReportService } from '../../../server/reports/report-service.ts';
import { reportRoutes } from '../../../server/routes/reports.ts';
import { readSafetensors } from '../../../server/storage/safetensors.ts';
import { writeJsonAtomic } from '../../../server/storage/atomic-write.ts';
import { trainVariant } from '../../../server/training/train-variant.ts';
import { modelDims } from '../../../server/engine/weights.ts';
import { readCheckpoint } from '../../../server/training/variant-files.ts';
import { naiveAccuracy } from '../../helpers/naive-forward.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';

const FAMILY = 'modulo_addition_1layer';
const run = promisify(execFile);
const MAIN = new URL('../../../server/cli/main.ts', import.meta.url).pathname;

let wb: TempWorkbench;
let family: Family;
let registry: Registry;
let analyzed: string[];
let trainedOnly: string;

beforeAll(async () => {
  wb = await makeTempWorkbench();
  family = (await loadFamilies(wb.familiesDir)).families.get(FAMILY)!;
  registry = new Registry(wb);
  // A checkpoint at the next-to-last epoch holds the weights the final train accuracy is measured with (before the last update).
  const a = await trainVariant({
    resultsDir: wb.resultsDir,
    family,
    params: { prime: 13, seed: 1 },
    training: { num_epochs: 400, checkpoint_epochs: [0, 100, 200, 300, 398] },
  });
  const b = await trainVariant({
    resultsDir: wb.resultsDir,
    family,
    params: { prime: 11, seed: 2 },
    training: { num_epochs: 300, checkpoint_epochs: [0, 150, 298], training_fraction: 0.6, data_seed: 7 },
  });
  analyzed = [a.variant, b.variant];
  for (const variant of analyzed) await analyzeVariant({ resultsDir: wb.resultsDir, family, variant });
  trainedOnly = (await trainVariant({ resultsDir: wb.resultsDir, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 30 } }))
    .variant;
}, 240_000);

afterAll(async () => {
  await wb?.cleanup();
});

// ---- the independent recomputation -----------------------------------------------------------

const WEIGHT_KEYS = [
  'embed.W_E',
  'pos_embed.W_pos',
  'blocks.0.attn.W_Q',
  'blocks.0.attn.W_K',
  'blocks.0.attn.W_V',
  'blocks.0.attn.W_O',
  'blocks.0.mlp.W_in',
  'blocks.0.mlp.W_out',
  'unembed.W_U',
];

interface Accuracies {
  train_accuracies?: number[];
  test_accuracies?: number[];
}

/** The accuracy metrics from metadata.json's per-epoch accuracies; null without them (variants trained before they were recorded). */
function accuracyMetrics({ train_accuracies: train, test_accuracies: test }: Accuracies) {
  let grokked: number | null = null;
  for (let e = 0; test && e < test.length && grokked === null; e++) if (test[e]! >= 0.99) grokked = e;
  return {
    final_train_accuracy: train ? train[train.length - 1]! : null,
    final_test_accuracy: test ? test[test.length - 1]! : null,
    test_accuracy_99_epoch: grokked,
  };
}

async function expected(variant: string) {
  const paths = variantPaths(wb.resultsDir, FAMILY, variant);
  const artifacts = artifactPaths(paths.artifactsDir);
  const metadata = JSON.parse(await readFile(paths.metadata, 'utf8')) as Accuracies & {
    params: { prime: number };
    train_indices: number[];
    test_indices: number[];
    train_losses: number[];
    test_losses: number[];
    checkpoint_epochs: number[];
    data_seed: number;
    training_fraction: number;
    num_epochs: number;
    optimizer: { learning_rate: number; weight_decay: number };
  };
  const test = metadata.test_losses;
  let peakEpoch = 0;
  for (let e = 0; e < test.length; e++) if (test[e]! > test[peakEpoch]!) peakEpoch = e;
  let below1: number | null = null;
  let below1e3: number | null = null;
  for (let e = 0; e < test.length; e++) {
    if (below1 === null && test[e]! < 1) below1 = e;
    if (below1e3 === null && test[e]! < 1e-3) below1e3 = e;
  }
  const last = metadata.checkpoint_epochs.at(-1)!;

  // neuron_freq_norm at the last epoch: a neuron is specialized when its largest fraction is ≥ 0.9 (float32).
  const norm = (await readArtifact(artifacts.epochFile('neuron_freq_norm', last)))!.norm_matrix!;
  const [nFreq, neurons] = norm.shape as [number, number];
  const counts = { total: 0, low: 0, mid: 0, high: 0 };
  for (let n = 0; n < neurons; n++) {
    let dom = 0;
    for (let f = 1; f < nFreq; f++) if (norm.data[f * neurons + n]! > norm.data[dom * neurons + n]!) dom = f;
    if (norm.data[dom * neurons + n]! < Math.fround(0.9)) continue;
    counts.total++;
    if (dom < Math.floor(nFreq / 3)) counts.low++;
    else if (dom < Math.floor((2 * nFreq) / 3)) counts.mid++;
    else counts.high++;
  }
  // attention_freq: each head's largest frequency fraction.
  const freq = (await readArtifact(artifacts.epochFile('attention_freq', last)))!.freq_matrix!;
  const [freqs, heads] = freq.shape as [number, number];
  const headMax = Array.from({ length: heads }, (_, h) =>
    Math.max(...Array.from({ length: freqs }, (_, f) => Number(freq.data[f * heads + h]))),
  );
  // landscape_flatness: share of Δ below a tenth of the baseline.
  const flat = (await readArtifact(artifacts.epochFile('landscape_flatness', last)))!;
  const baseline = Number(flat.baseline_loss!.data[0]);
  const deltas = Array.from(flat.delta_losses!.data, Number);
  const flatness = deltas.filter((d) => d < 0.1 * baseline).length / deltas.length;

  // From the checkpoints: W_in's participation ratio and the trajectory's path length.
  const checkpoints = await Promise.all(metadata.checkpoint_epochs.map(async (e) => (await readSafetensors(paths.checkpoint(e))).tensors));
  const wIn = checkpoints.at(-1)!['blocks.0.mlp.W_in']!;
  const [rows, cols] = wIn.shape as [number, number];
  const matrix = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) matrix.set(i, j, Number(wIn.data[i * cols + j]));
  const singular = new SingularValueDecomposition(matrix, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  }).diagonal;
  const sum = singular.reduce((a, s) => a + s, 0);
  const sumSq = singular.reduce((a, s) => a + s * s, 0);
  let path = 0;
  for (let i = 1; i < checkpoints.length; i++) {
    let squared = 0;
    for (const key of WEIGHT_KEYS) {
      const before = checkpoints[i - 1]![key]!.data;
      const after = checkpoints[i]![key]!.data;
      for (let j = 0; j < after.length; j++) squared += (Number(after[j]) - Number(before[j])) ** 2;
    }
    path += Math.sqrt(squared);
  }

  // The final accuracies from the weights and the stored split: checkpoint e holds the weights after e + 1 updates, those
  // of test accuracy e and of train accuracy e + 1.
  const d = modelDims(family.architecture, metadata.params.prime);
  const weightsAt = (epoch: number) => readCheckpoint(paths.checkpoint(epoch), d);
  const forwardAccuracy = {
    train: naiveAccuracy(await weightsAt(metadata.num_epochs - 2), d, metadata.train_indices),
    test: naiveAccuracy(await weightsAt(metadata.num_epochs - 1), d, metadata.test_indices),
  };
  return {
    training: {
      data_seed: metadata.data_seed,
      training_fraction: metadata.training_fraction,
      num_epochs: metadata.num_epochs,
      learning_rate: metadata.optimizer.learning_rate,
      weight_decay: metadata.optimizer.weight_decay,
    },
    losses: {
      final_train_loss: metadata.train_losses.at(-1),
      final_test_loss: test.at(-1),
      peak_test_loss: test[peakEpoch],
      peak_test_loss_epoch: peakEpoch,
      test_below_1_epoch: below1,
      test_below_0_001_epoch: below1e3,
      analyzed_epoch: last,
      specialized_total: counts.total,
      specialized_low: counts.low,
      specialized_mid: counts.mid,
      specialized_high: counts.high,
    },
    accuracy: accuracyMetrics(metadata),
    forwardAccuracy,
    headMax,
    flatness,
    participationRatio: (sum * sum) / sumSq,
    path,
  };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('report rows', () => {
  it('match an independent recomputation from metadata.json, the epoch files and the checkpoints', async () => {
    const rows = await new ReportService(registry).rows(family);
    expect(rows.map((row) => row.name)).toEqual([trainedOnly, analyzed[1], analyzed[0]]); // p7 < p11 < p13
    for (const variant of analyzed) {
      const row = rows.find((r) => r.name === variant)!;
      const want = await expected(variant);
      expect(row.state).toBe('analyzed');
      expect(row.training).toEqual(want.training);
      expect(row.metrics).toMatchObject(want.losses);
      expect(row.metrics).toMatchObject(want.accuracy);
      expect(row.metrics.final_train_accuracy).toBe(want.forwardAccuracy.train);
      expect(row.metrics.final_test_accuracy).toBe(want.forwardAccuracy.test);
      expect(row.metrics.head_max_frac).toHaveLength(want.headMax.length);
      row.metrics.head_max_frac!.forEach((value, h) => expect(value).toBeCloseTo(want.headMax[h]!, 6));
      expect(row.metrics.flatness_ratio).toBeCloseTo(want.flatness, 10);
      expect(relative(row.metrics.w_in_participation_ratio!, want.participationRatio)).toBeLessThan(1e-4);
      expect(relative(row.metrics.trajectory_path_length!, want.path)).toBeLessThan(1e-4);
      expect(want.path).toBeGreaterThan(0);
    }
    // The second variant's own settings, read from metadata.json rather than from its name.
    expect(rows.find((r) => r.name === analyzed[1])!.training).toMatchObject({ data_seed: 7, training_fraction: 0.6 });
  });

  it("show an interrupted variant's settings and losses so far, from training_progress.json", async () => {
    const paths = variantPaths(wb.resultsDir, FAMILY, trainedOnly);
    const record = JSON.parse(await readFile(paths.metadata, 'utf8')) as {
      num_epochs: number;
      training_fraction: number;
      test_losses: number[];
    };
    await rename(paths.metadata, paths.progress);
    try {
      const row = (await new ReportService(registry).rows(family)).find((r) => r.name === trainedOnly)!;
      expect(row.state).toBe('incomplete');
      expect(row.training).toMatchObject({ num_epochs: record.num_epochs, training_fraction: record.training_fraction });
      expect(row.metrics.final_test_loss).toBe(record.test_losses.at(-1));
    } finally {
      await rename(paths.progress, paths.metadata);
    }
  });

  it('leaves the analysis metrics empty for a variant that is only trained', async () => {
    const row = (await new ReportService(registry).rows(family)).find((r) => r.name === trainedOnly)!;
    expect(row.state).toBe('trained');
    expect(row.metrics.final_test_loss).toEqual(expect.any(Number));
    const {
      final_train_loss,
      final_test_loss,
      peak_test_loss,
      peak_test_loss_epoch,
      test_below_1_epoch,
      test_below_0_001_epoch,
      final_train_accuracy,
      final_test_accuracy,
      test_accuracy_99_epoch,
      ...analysis
    } = row.metrics;
    void [final_train_loss, final_test_loss, peak_test_loss, peak_test_loss_epoch, test_below_1_epoch, test_below_0_001_epoch];
    void [final_train_accuracy, final_test_accuracy, test_accuracy_99_epoch];
    expect(Object.values(analysis).every((value) => value === null)).toBe(true);
  });

  it('are cached until a file of the variant changes', async () => {
    const service = new ReportService(registry);
    const before = (await service.rows(family)).find((r) => r.name === trainedOnly)!;
    expect((await service.rows(family)).find((r) => r.name === trainedOnly)).toEqual(before);
    const path = variantPaths(wb.resultsDir, FAMILY, trainedOnly).metadata;
    const metadata = JSON.parse(await readFile(path, 'utf8')) as { test_losses: number[] };
    const original = [...metadata.test_losses];
    metadata.test_losses[metadata.test_losses.length - 1] = 1e-5;
    await writeJsonAtomic(path, metadata);
    try {
      const after = (await service.rows(family)).find((r) => r.name === trainedOnly)!;
      expect(after.metrics.final_test_loss).toBe(1e-5);
      expect(after.metrics.test_below_0_001_epoch).toBe(original.length - 1);
    } finally {
      metadata.test_losses = original;
      await writeJsonAtomic(path, metadata);
    }
  });

  /** Runs `check` with the trained-only variant's metadata.json changed by `change`, then puts the file back. */
  async function withMetadata(change: (metadata: Accuracies) => void, check: (path: string) => Promise<void>) {
    const path = variantPaths(wb.resultsDir, FAMILY, trainedOnly).metadata;
    const original = JSON.parse(await readFile(path, 'utf8')) as Accuracies;
    const metadata = structuredClone(original);
    change(metadata);
    await writeJsonAtomic(path, metadata);
    try {
      await check(path);
    } finally {
      await writeJsonAtomic(path, original);
    }
  }

  it('give the first epoch whose test accuracy reaches 99 %, as the recomputation reads it from the file', async () => {
    const service = new ReportService(registry);
    await withMetadata(
      (metadata) => {
        // 98 of 99 test pairs right from epoch 10 (just below 99 %), 99 of 100 from epoch 20 (exactly 99 %).
        metadata.test_accuracies = metadata.test_accuracies!.map((_, e) => (e < 10 ? 0.25 : e < 20 ? 98 / 99 : 99 / 100));
        metadata.train_accuracies = metadata.train_accuracies!.map((_, e) => (e < 5 ? 0.5 : 1));
      },
      async (path) => {
        const row = (await service.rows(family)).find((r) => r.name === trainedOnly)!;
        const want = accuracyMetrics(JSON.parse(await readFile(path, 'utf8')) as Accuracies);
        expect(want.test_accuracy_99_epoch).toBe(20);
        expect(row.metrics).toMatchObject(want);
        const cells = Object.fromEntries(
          reportColumns(family)
            .filter((column) => column.id in want)
            .map((column) => [column.id, formatCell(column, row)]),
        );
        expect(cells).toEqual({ final_train_accuracy: '100 %', final_test_accuracy: '99 %', test_accuracy_99_epoch: '20' });
      },
    );
  });

  it('leave the accuracy cells and curves empty for a variant trained before accuracies were recorded', async () => {
    const service = new ReportService(registry);
    await withMetadata(
      (metadata) => {
        delete metadata.train_accuracies;
        delete metadata.test_accuracies;
      },
      async () => {
        const row = (await service.rows(family)).find((r) => r.name === trainedOnly)!;
        expect(row.metrics).toMatchObject({ final_train_accuracy: null, final_test_accuracy: null, test_accuracy_99_epoch: null });
        expect(row.metrics.final_test_loss).toEqual(expect.any(Number));
        const accuracyColumns = reportColumns(family).filter((column) => column.id.includes('accuracy'));
        expect(accuracyColumns.map((column) => formatCell(column, row))).toEqual(['', '', '']);
        const answer = await service.curves(family, [trainedOnly]);
        if ('missing' in answer) throw new Error('missing');
        expect(answer.variants[0]!.curves.map((c) => c.series)).toEqual(['train_loss', 'test_loss']);
      },
    );
  });
  it('skip diverged epochs (null in metadata.json: JSON has no NaN) in the loss metrics and curves', async () => {
    const service = new ReportService(registry);
    type Losses = Accuracies & { train_losses: (number | null)[]; test_losses: (number | null)[] };
    await withMetadata(
      (metadata) => {
        const losses = metadata as Losses;
        losses.test_losses[0] = null; // the epoch a peak search starts from
        losses.test_losses[3] = null;
        losses.train_losses[losses.train_losses.length - 1] = null;
      },
      async (path) => {
        const { train_losses: train, test_losses: test } = JSON.parse(await readFile(path, 'utf8')) as Losses;
        const finiteTest = test.map((loss, epoch) => ({ loss, epoch })).filter((point) => point.loss !== null);
        const highest = finiteTest.reduce((best, point) => (point.loss! > best.loss! ? point : best));
        const row = (await service.rows(family)).find((r) => r.name === trainedOnly)!;
        expect(row.metrics).toMatchObject({
          final_train_loss: null,
          final_test_loss: test.at(-1),
          peak_test_loss: highest.loss,
          peak_test_loss_epoch: highest.epoch,
        });
        const answer = await service.curves(family, [trainedOnly]);
        if ('missing' in answer) throw new Error('missing');
        const [trainCurve, testCurve] = answer.variants[0]!.curves;
        expect(trainCurve!.epochs).not.toContain(train.length - 1);
        expect(testCurve!.epochs).not.toContain(3);
        expect([...trainCurve!.values, ...testCurve!.values].every(Number.isFinite)).toBe(true);
      },
    );
  });
});

describe('report curves', () => {
  it('thin every series to at most two points per pixel column, keeping its extremes, first and last points', async () => {
    const answer = await new ReportService(registry).curves(family, [analyzed[0]!], undefined, 50);
    if ('missing' in answer) throw new Error('missing');
    const test = answer.variants[0]!.curves.find((c) => c.series === 'test_loss')!;
    const metadata = JSON.parse(await readFile(variantPaths(wb.resultsDir, FAMILY, analyzed[0]!).metadata, 'utf8')) as {
      test_losses: number[];
    };
    expect(test.points).toBe(400);
    expect(test.epochs.length).toBeLessThanOrEqual(2 * 50 + 2);
    expect(test.epochs[0]).toBe(0);
    expect(test.epochs.at(-1)).toBe(399);
    const max = Math.max(...metadata.test_losses);
    const min = Math.min(...metadata.test_losses);
    expect(test.values).toContain(Number(max.toPrecision(6)));
    expect(test.values).toContain(Number(min.toPrecision(6)));
    test.epochs.forEach((epoch, i) => expect(test.values[i]).toBe(Number(metadata.test_losses[epoch]!.toPrecision(6))));
    // Every series the variant has results for, at its checkpoints (velocity at the later epoch of each step).
    const series = Object.fromEntries(answer.variants[0]!.curves.map((c) => [c.series, c.epochs]));
    expect(series.specialized_total).toEqual([0, 100, 200, 300, 398, 399]);
    expect(series.velocity).toEqual([100, 200, 300, 398, 399]);
    expect(Object.keys(series).sort()).toEqual(
      [
        'train_accuracy',
        'test_accuracy',
        'flatness_ratio',
        'mean_head_specialization',
        'specialized_high',
        'specialized_low',
        'specialized_mid',
        'specialized_total',
        'test_loss',
        'train_loss',
        'velocity',
        'w_in_participation_ratio',
      ].sort(),
    );
  });

  it('keep a one-epoch spike of a 25,000-epoch curve, and ten such curves stay small', () => {
    const values = Float64Array.from({ length: 25_000 }, (_, e) => 4 * Math.exp(-e / 3000) + 1e-4 * Math.sin(e));
    values[17_321] = 50;
    values[9_876] = 1e-9;
    const curve = downsampleCurve('test_loss', { epochs: Int32Array.from({ length: 25_000 }, (_, i) => i), values }, 1000);
    expect(curve.epochs).toContain(17_321);
    expect(curve.epochs).toContain(9_876);
    expect(curve.epochs.length).toBeLessThanOrEqual(2002);
    const tenVariants = JSON.stringify(Array.from({ length: 10 }, () => [curve, curve]));
    expect(tenVariants.length).toBeLessThan(1_000_000);
  });
});

describe('report routes', () => {
  function app() {
    const group = routeGroup().route('/reports', reportRoutes(registry));
    group.onError((error, c) =>
      error instanceof ApiError ? sendError(c, error.status, error.message, error.fields) : sendError(c, 500, String(error)),
    );
    return group;
  }

  it('answer the rows and the curves as their schemas declare', async () => {
    const rows = await app().request(`/reports/${FAMILY}`);
    expect(rows.status).toBe(200);
    const report = reportResponseSchema.parse(await rows.json());
    expect(report.rows).toHaveLength(3);
    const curves = await app().request(`/reports/${FAMILY}/curves?variants=${analyzed.join(',')}&series=test_loss,velocity&width=60`);
    expect(curves.status).toBe(200);
    const body = curvesResponseSchema.parse(await curves.json());
    expect(body.variants.map((v) => v.variant)).toEqual(analyzed);
    expect(body.variants[0]!.curves.map((c) => c.series)).toEqual(['test_loss', 'velocity']);
    expect(body.width).toBe(60);
  });

  it('answer every stored point, not rounded, for width=full (a download)', async () => {
    const response = await app().request(`/reports/${FAMILY}/curves?variants=${trainedOnly}&series=test_loss&width=full`);
    expect(response.status).toBe(200);
    const body = curvesResponseSchema.parse(await response.json());
    const metadata = JSON.parse(await readFile(variantPaths(wb.resultsDir, FAMILY, trainedOnly).metadata, 'utf8')) as {
      test_losses: number[];
    };
    expect(body.width).toBe('full');
    expect(body.variants[0]!.curves[0]).toEqual({
      series: 'test_loss',
      epochs: metadata.test_losses.map((_, epoch) => epoch),
      values: metadata.test_losses,
      points: metadata.test_losses.length,
    });
  });

  it.each([
    [`/reports/no_such_family`, 404, 'unknown family "no_such_family"'],
    [`/reports/${FAMILY}/curves?variants=${FAMILY}_p17_seed1`, 404, `has no variant "${FAMILY}_p17_seed1"`],
    [`/reports/${FAMILY}/curves`, 400, 'variants'],
    [`/reports/${FAMILY}/curves?variants=x&series=loss`, 400, '"loss" is not a series'],
    [`/reports/${FAMILY}/curves?variants=x&series=`, 400, 'name at least one series'],
    [`/reports/${FAMILY}/curves?variants=x&width=10`, 400, 'width'],
    [`/reports/${FAMILY}/curves?variants=x&width=fullest`, 400, 'must be a whole number of pixels, or full'],
    [`/reports/${FAMILY}/curves?variants=../x`, 400, 'is not a variant name'],
  ])('%s → %i', async (path, status, message) => {
    const response = await app().request(path);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
  });
});

describe('workbench report', () => {
  async function report(...args: string[]) {
    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      MAIN,
      'report',
      '--family',
      FAMILY,
      '--results',
      wb.resultsDir,
      ...args,
    ]);
    return stdout;
  }

  it('prints the same rows as JSON, CSV and an aligned table', async () => {
    const rows = await new ReportService(registry).rows(family);
    const json = reportResponseSchema.parse(JSON.parse(await report('--format', 'json')));
    expect(json.rows).toEqual(rows);
    const columns = reportColumns(family);
    const csv = (await report('--format', 'csv')).trim().split('\n');
    expect(csv[0]).toBe(columns.map((c) => c.id).join(','));
    expect(csv).toHaveLength(rows.length + 1);
    const finalTest = columns.findIndex((c) => c.id === 'final_test_loss');
    rows.forEach((row: ReportRow, i) => expect(Number(csv[i + 1]!.split(',')[finalTest])).toBe(row.metrics.final_test_loss));
    const table = (await report()).trimEnd().split('\n');
    expect(table[0]).toMatch(/^Variant\s+State\s+Prime \(p\)\s+Seed\s+Train fraction/);
    expect(table[0]).not.toContain('Learning rate'); // the default columns; --columns all shows every one
    expect((await report('--columns', 'all')).split('\n')[0]).toContain('Learning rate');
    expect((await report('--columns', 'name,final_test_loss')).split('\n')[0]).toMatch(/^Variant\s+Final test loss$/);
    // The accuracy columns as the page shows them: shares as percentages, the 99 % epoch empty ('–') when never reached.
    const accuracy = (await report('--columns', 'name,final_train_accuracy,final_test_accuracy,test_accuracy_99_epoch'))
      .trimEnd()
      .split('\n');
    expect(accuracy[0]).toMatch(/^Variant\s+Final train acc\s+Final test acc\s+Test acc ≥ 99 % at$/);
    const columnsById = new Map(columns.map((column) => [column.id, column]));
    rows.forEach((row, i) =>
      expect(accuracy[i + 2]!.split(/\s{2,}/)).toEqual([
        row.name,
        ...['final_train_accuracy', 'final_test_accuracy', 'test_accuracy_99_epoch'].map(
          (id) => formatCell(columnsById.get(id)!, row) || '–',
        ),
      ]),
    );
    expect(accuracy[2]).toMatch(/ %/);
    expect(table.slice(2).map((line) => line.split(/\s+/)[0])).toEqual(rows.map((row) => row.name));
  });

  it('refuses an unknown family or format with code 2', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', MAIN, 'report', '--family', 'nope'])).rejects.toMatchObject({ code: 2 });
    await expect(report('--format', 'xml')).rejects.toMatchObject({ code: 2 });
  });
});
