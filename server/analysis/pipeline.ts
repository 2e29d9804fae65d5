/**
 * The analysis pipeline (spec §4.1): for every checkpoint with work to do, one forward pass of the
 * full p×p probe, the queued analyzers in the family's declared order, one artifact file per
 * (analyzer, epoch); then the summaries, rebuilt from the epoch files; then the cross-epoch
 * analyzers over all checkpoints; then the manifest.
 *
 * Resumable: an (analyzer, epoch) whose file exists is skipped, so a second run does no work and
 * rewrites nothing. `force` recomputes every file. Unlike the original, summaries are rebuilt from
 * the epoch files whenever their analyzer did work (a forced run refreshes them), and a cross-epoch
 * result is recomputed whenever the set of checkpoints it covers changed.
 *
 * Plain data in, files out: safe to call from a job process.
 */
import { readFile } from 'node:fs/promises';
import type { AnalysisManifest, AnalysisProgress, AnalysisStatus, AnalyzerStatus } from '../../shared/artifacts.ts';
import { taskParams, type Family } from '../../shared/family-schema.ts';
import type { ModularOperation } from '../../shared/modular-operations.ts';
import { parseVariantName } from '../../shared/variant-name.ts';
import { selectGemm, type Gemm } from '../engine/gemm/gemm.ts';
import { probeForward, type ProbeResult } from '../engine/probe-forward.ts';
import { modelDims, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { listCheckpointEpochs } from '../registry/registry.ts';
import { variantPaths } from '../registry/variant-paths.ts';
import { removeStaleTemporaries, writeJsonAtomic } from '../storage/atomic-write.ts';
import type { TensorMap } from '../storage/safetensors.ts';
import { readCheckpoint } from '../training/variant-files.ts';
import type { Analyzer, EpochContext } from './analyzer.ts';
import { ANALYZERS } from './analyzers/index.ts';
import { CROSS_EPOCH_ANALYZERS, type CrossEpochAnalyzer } from './analyzers/parameter-trajectory.ts';
import { artifactPaths, epochsOf, listArtifactEpochs, readArtifact, writeArtifact, type ArtifactPaths } from './artifact-store.ts';
import { fourier2d, fourierBasis, frequencyVarianceFractions, type FourierBasis } from './fourier.ts';
import { gridLoss } from './grid-loss.ts';
import { stackSummary } from './summary.ts';
import { pathExists } from '../storage/path-exists.ts';

export interface AnalyzeRequest {
  resultsDir: string;
  family: Family;
  variant: string;
  /** A subset of the family's analyzers and cross-epoch analyzers; all of them when omitted. */
  analyzers?: readonly string[];
  /** Recompute results that already exist. */
  force?: boolean;
  /** Matrix-multiply backend; the engine's default selection when omitted. */
  gemm?: Gemm;
}

export interface AnalyzeHooks {
  onProgress?: (progress: AnalysisProgress) => void;
  /** Checked between checkpoints: files already written stay, and a later run resumes from them. */
  signal?: AbortSignal;
}

export interface AnalyzeResult {
  checkpointEpochs: number[];
  /** Checkpoints that had at least one analyzer to run. */
  epochsWithWork: number[];
  epochFilesWritten: number;
  summariesWritten: string[];
  crossEpochWritten: string[];
  /** Wall time in ms: per analyzer (compute + write), "load" (checkpoints), "forward" (probe passes), "summaries". */
  timings: Record<string, number>;
}

/** A request naming analyzers the family does not offer, or a variant that cannot be analyzed. */
export class AnalysisInputError extends Error {}

export interface AnalysisPlan {
  perEpoch: Analyzer[];
  crossEpoch: CrossEpochAnalyzer[];
}

/**
 * The analyzers to run, in the family's declared order: the requested ones (default: all the family
 * declares), plus the per-epoch analyzer each selected cross-epoch analyzer reads.
 */
export function planAnalysis(family: Family, requested?: readonly string[]): AnalysisPlan {
  const offered = [...family.analyzers, ...family.cross_epoch_analyzers];
  const unknown = (requested ?? []).filter((name) => !offered.includes(name));
  if (unknown.length > 0) {
    throw new AnalysisInputError(`family ${family.name} has no analyzer ${unknown.join(', ')}; it offers ${offered.join(', ')}`);
  }
  const wanted = new Set(requested ?? offered);
  const crossEpoch = family.cross_epoch_analyzers
    .filter((name) => wanted.has(name))
    .map((name) => implemented(CROSS_EPOCH_ANALYZERS, name));
  for (const analyzer of crossEpoch) wanted.add(analyzer.requires);
  const dependencies = crossEpoch.map((analyzer) => analyzer.requires).filter((name) => !family.analyzers.includes(name));
  const perEpoch = [...new Set([...family.analyzers, ...dependencies])]
    .filter((name) => wanted.has(name))
    .map((name) => implemented(ANALYZERS, name)());
  return { perEpoch, crossEpoch };
}

function implemented<T>(registry: ReadonlyMap<string, T>, name: string): T {
  const analyzer = registry.get(name);
  if (!analyzer) throw new AnalysisInputError(`analyzer ${name} is declared by the family but not implemented by this server`);
  return analyzer;
}

/** The variant's folders and sizes, or an AnalysisInputError when it cannot be analyzed. */
export async function openVariant(resultsDir: string, family: Family, variant: string) {
  const params = parseVariantName(family, variant)?.params;
  if (!params) throw new AnalysisInputError(`"${variant}" is not a variant name of family ${family.name}`);
  const paths = variantPaths(resultsDir, family.name, variant);
  const checkpointEpochs = await listCheckpointEpochs(paths.checkpointsDir);
  if (checkpointEpochs.length === 0) throw new AnalysisInputError(`variant ${variant} has no checkpoints in ${paths.checkpointsDir}`);
  const { modulus } = taskParams(family, params);
  return { params, paths, artifacts: artifactPaths(paths.artifactsDir), checkpointEpochs, dims: modelDims(family.architecture, modulus) };
}

export async function analyzeVariant(request: AnalyzeRequest, hooks: AnalyzeHooks = {}): Promise<AnalyzeResult> {
  const { family, variant, force = false } = request;
  const plan = planAnalysis(family, request.analyzers);
  const { params, paths, artifacts, checkpointEpochs, dims } = await openVariant(request.resultsDir, family, variant);
  // Temporaries of a run killed mid-write (this job holds the variant, so no live writer is there but us).
  await removeStaleTemporaries(paths.dir);
  const gemm = request.gemm ?? selectGemm();
  const timings: Record<string, number> = {};
  const time = <T>(label: string, work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      timings[label] = (timings[label] ?? 0) + performance.now() - start;
    }
  };

  // Work queue: per analyzer, the checkpoint epochs whose file is missing (all of them with force).
  const queue = new Map<string, Set<number>>();
  for (const analyzer of plan.perEpoch) {
    const done = new Set(force ? [] : await listArtifactEpochs(artifacts, analyzer.name));
    const missing = checkpointEpochs.filter((epoch) => !done.has(epoch));
    if (missing.length > 0) queue.set(analyzer.name, new Set(missing));
  }
  const epochsWithWork = checkpointEpochs.filter((epoch) => [...queue.values()].some((epochs) => epochs.has(epoch)));
  const crossShare = plan.crossEpoch.length > 0 ? 0.95 : 1;
  const report = (progress: AnalysisProgress) => hooks.onProgress?.(progress);

  let epochFilesWritten = 0;
  const sampleResults = new Map<string, TensorMap>();
  if (epochsWithWork.length > 0) {
    const basis = fourierBasis(dims.p);
    const loss = gridLoss(dims, family.task.operation, gemm);
    try {
      for (const [i, epoch] of epochsWithWork.entries()) {
        hooks.signal?.throwIfAborted();
        const message = `Analyzing checkpoint ${epoch} (${i + 1}/${epochsWithWork.length})`;
        const due = plan.perEpoch.filter((analyzer) => queue.get(analyzer.name)?.has(epoch));
        const loadStart = performance.now();
        const weights = await readCheckpoint(paths.checkpoint(epoch), dims);
        timings.load = (timings.load ?? 0) + performance.now() - loadStart;
        const context = epochContext(epoch, dims, weights, basis, gemm, family.task.operation, loss, time);
        for (const [j, analyzer] of due.entries()) {
          const fraction = ((i + j / due.length) / epochsWithWork.length) * crossShare;
          report({
            phase: 'checkpoint',
            checkpointIndex: i,
            checkpointCount: epochsWithWork.length,
            epoch,
            analyzer: analyzer.name,
            fraction,
            message,
          });
          const forwardBefore = timings.forward ?? 0;
          const start = performance.now();
          const result = await analyzer.compute(context);
          await writeArtifact(artifacts.epochFile(analyzer.name, epoch), result);
          // The shared forward pass is timed on its own, not charged to whichever analyzer asked first.
          timings[analyzer.name] = (timings[analyzer.name] ?? 0) + performance.now() - start - ((timings.forward ?? 0) - forwardBefore);
          sampleResults.set(analyzer.name, result);
          epochFilesWritten++;
        }
      }
    } finally {
      for (const analyzer of plan.perEpoch) analyzer.close?.();
    }
  }

  const summariesWritten: string[] = [];
  const summariesStart = performance.now();
  for (const analyzer of plan.perEpoch) {
    if (analyzer.summarize && (await rebuildSummary(artifacts, analyzer, queue.has(analyzer.name)))) summariesWritten.push(analyzer.name);
  }
  timings.summaries = performance.now() - summariesStart;

  const crossEpochWritten: string[] = [];
  for (const analyzer of plan.crossEpoch) {
    const stored = await readArtifact(artifacts.crossEpochFile(analyzer.name));
    const current = stored !== undefined && sameEpochs(epochsOf(stored), checkpointEpochs);
    if (!force && current && !queue.has(analyzer.requires)) continue;
    hooks.signal?.throwIfAborted();
    report({
      phase: 'cross_epoch',
      checkpointIndex: epochsWithWork.length,
      checkpointCount: epochsWithWork.length,
      epoch: null,
      analyzer: analyzer.name,
      fraction: crossShare,
      message: `Running cross-epoch analysis: ${analyzer.name}`,
    });
    const start = performance.now();
    const inputs: TensorMap[] = [];
    for (const epoch of checkpointEpochs) {
      const input = await readArtifact(artifacts.epochFile(analyzer.requires, epoch));
      if (!input) throw new Error(`${analyzer.name} needs ${analyzer.requires} at epoch ${epoch}, which has no result`);
      inputs.push(input);
    }
    await writeArtifact(artifacts.crossEpochFile(analyzer.name), analyzer.compute(checkpointEpochs, inputs));
    timings[analyzer.name] = performance.now() - start;
    crossEpochWritten.push(analyzer.name);
  }

  await updateManifest(artifacts, family.name, params, plan, sampleResults, crossEpochWritten);
  report({
    phase: 'done',
    checkpointIndex: epochsWithWork.length,
    checkpointCount: epochsWithWork.length,
    epoch: null,
    analyzer: null,
    fraction: 1,
    message: 'Analysis complete',
  });
  return { checkpointEpochs, epochsWithWork, epochFilesWritten, summariesWritten, crossEpochWritten, timings };
}

function epochContext(
  epoch: number,
  dims: ModelDims,
  weights: ModelWeights,
  basis: FourierBasis,
  gemm: Gemm,
  operation: ModularOperation,
  loss: (weights: ModelWeights) => number,
  time: <T>(label: string, work: () => T) => T,
): EpochContext {
  let activations: ProbeResult | undefined;
  let fractions: Float32Array | undefined;
  const context: EpochContext = {
    epoch,
    dims,
    weights,
    basis,
    gemm,
    operation,
    probe: () => (activations ??= time('forward', () => probeForward(weights, architectureOf(dims), dims.p, gemm))),
    probeLoss: loss,
    neuronFractions: () =>
      (fractions ??= frequencyVarianceFractions(fourier2d(context.probe().mlpPost, dims.dMlp, basis, gemm), dims.dMlp, dims.p)),
  };
  return context;
}

/**
 * Rewrites summary.safetensors from every epoch file of the analyzer when the analyzer did work,
 * or the summary is missing or covers other epochs than the files. Returns whether it wrote.
 */
async function rebuildSummary(artifacts: ArtifactPaths, analyzer: Analyzer, didWork: boolean): Promise<boolean> {
  const epochs = await listArtifactEpochs(artifacts, analyzer.name);
  const path = artifacts.summaryFile(analyzer.name);
  if (!didWork) {
    const stored = await readArtifact(path);
    if (stored && sameEpochs(epochsOf(stored), epochs)) return false;
  }
  const rows = [];
  for (const epoch of epochs) rows.push(analyzer.summarize!((await readArtifact(artifacts.epochFile(analyzer.name, epoch)))!));
  await writeArtifact(path, stackSummary(epochs, rows));
  return true;
}

function architectureOf(dims: ModelDims) {
  return { n_heads: dims.nHeads, d_model: dims.dModel, d_head: dims.dHead, d_mlp: dims.dMlp };
}

function sameEpochs(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((epoch, i) => epoch === b[i]);
}

/**
 * Brings manifest.json up to date with the result files of the planned analyzers: an analyzer that
 * did work, or whose entry is missing or lists other epochs than its files, is described anew. So a
 * run that resumes the work of one killed before it wrote the manifest (its files all there, or
 * some) leaves the same manifest as one uninterrupted run. Writes only when an entry changed.
 */
async function updateManifest(
  artifacts: ArtifactPaths,
  familyName: string,
  params: Record<string, number>,
  plan: AnalysisPlan,
  sampleResults: ReadonlyMap<string, TensorMap>,
  crossEpochWritten: readonly string[],
): Promise<void> {
  let manifest: AnalysisManifest = { family_name: familyName, variant_params: params, analyzers: {} };
  let stored = false;
  try {
    manifest = { ...manifest, analyzers: (JSON.parse(await readFile(artifacts.manifest, 'utf8')) as AnalysisManifest).analyzers ?? {} };
    stored = true;
  } catch {
    // No manifest yet, or an unreadable one: it is metadata only, so start afresh.
  }
  const updatedAt = new Date().toISOString();
  let changed = !stored;
  const describe = (name: string, tensors: TensorMap, epochs: number[]) => {
    manifest.analyzers[name] = {
      epochs_completed: epochs,
      shapes: Object.fromEntries(Object.entries(tensors).map(([key, tensor]) => [key, tensor.shape])),
      dtypes: Object.fromEntries(Object.entries(tensors).map(([key, tensor]) => [key, tensor.dtype])),
      updated_at: updatedAt,
    };
    changed = true;
  };
  const outdated = (name: string, epochs: number[]) => {
    const entry = manifest.analyzers[name];
    return !entry || !Array.isArray(entry.epochs_completed) || !sameEpochs(entry.epochs_completed, epochs);
  };
  for (const analyzer of plan.perEpoch) {
    const epochs = await listArtifactEpochs(artifacts, analyzer.name);
    if (epochs.length === 0) continue;
    // The newest epoch's result, as an uninterrupted run samples the last one it computed.
    const sample =
      sampleResults.get(analyzer.name) ??
      (outdated(analyzer.name, epochs) ? await readArtifact(artifacts.epochFile(analyzer.name, epochs.at(-1)!)) : undefined);
    if (sample) describe(analyzer.name, sample, epochs);
  }
  for (const analyzer of plan.crossEpoch) {
    const result = await readArtifact(artifacts.crossEpochFile(analyzer.name));
    if (result && (crossEpochWritten.includes(analyzer.name) || outdated(analyzer.name, epochsOf(result))))
      describe(analyzer.name, result, epochsOf(result));
  }
  if (changed) await writeJsonAtomic(artifacts.manifest, manifest, 2);
}

/** Per analyzer of the family, which epochs are done: what the Analysis Run page shows. */
export async function analysisStatus(resultsDir: string, family: Family, variant: string): Promise<AnalysisStatus> {
  const paths = variantPaths(resultsDir, family.name, variant);
  const artifacts = artifactPaths(paths.artifactsDir);
  const checkpointEpochs = await listCheckpointEpochs(paths.checkpointsDir);
  const covers = (epochs: number[]) => checkpointEpochs.length > 0 && checkpointEpochs.every((epoch) => epochs.includes(epoch));
  const analyzers: AnalyzerStatus[] = [];
  for (const name of family.analyzers) {
    const epochsDone = await listArtifactEpochs(artifacts, name);
    const summarizes = ANALYZERS.get(name)?.().summarize !== undefined;
    analyzers.push({
      name,
      kind: 'per_epoch',
      epochsDone,
      hasSummary: summarizes ? await pathExists(artifacts.summaryFile(name)) : null,
      complete: covers(epochsDone),
    });
  }
  for (const name of family.cross_epoch_analyzers) {
    const stored = await readArtifact(artifacts.crossEpochFile(name));
    const epochsDone = stored ? epochsOf(stored) : [];
    analyzers.push({
      name,
      kind: 'cross_epoch',
      epochsDone,
      hasSummary: null,
      complete: sameEpochs(epochsDone, checkpointEpochs) && epochsDone.length > 0,
    });
  }
  return { family: family.name, variant, checkpointEpochs, analyzers };
}
