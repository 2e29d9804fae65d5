import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisProgress } from '../../../shared/artifacts.ts';
import type { Family } from '../../../shared/family-schema.ts';
import { artifactPaths, readArtifact } from '../../../server/analysis/artifact-store.ts';
import { AnalysisInputError, analysisStatus, analyzeVariant, planAnalysis } from '../../../server/analysis/pipeline.ts';
import { encodeSafetensors } from '../../../server/storage/safetensors.ts';
import { moduloFamily, tempDir, writeSyntheticVariant } from './fixtures.ts';

/** Every file under a folder with a hash of its bytes and its modification time. */
async function snapshotFiles(dir: string) {
  const files = new Map<string, { sha256: string; mtimeMs: number }>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, {
      sha256: createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
      mtimeMs: (await stat(path)).mtimeMs,
    });
  }
  return files;
}

describe('analysis pipeline on a synthetic variant (p = 11, random weights)', () => {
  let family: Family;
  let resultsDir: string;
  let variant: string;
  let artifactsDir: string;
  let progress: AnalysisProgress[];

  beforeAll(async () => {
    family = await moduloFamily();
    resultsDir = await tempDir();
    const synthetic = await writeSyntheticVariant(resultsDir, family, 11, [0, 10, 30]);
    variant = synthetic.variant;
    artifactsDir = synthetic.paths.artifactsDir;
    progress = [];
    await analyzeVariant({ resultsDir, family, variant }, { onProgress: (event) => progress.push(event) });
  });

  it('writes one file per (analyzer, epoch), the summaries, the trajectory and the manifest', async () => {
    const paths = artifactPaths(artifactsDir);
    for (const name of family.analyzers) {
      expect(await readdir(paths.analyzerDir(name))).toEqual(
        expect.arrayContaining(['epoch_00000.safetensors', 'epoch_00010.safetensors', 'epoch_00030.safetensors']),
      );
    }
    for (const name of ['neuron_freq_norm', 'attention_freq', 'effective_dimensionality', 'landscape_flatness', 'coarseness']) {
      const summary = (await readArtifact(paths.summaryFile(name)))!;
      expect(Array.from(summary.epochs!.data as Int32Array)).toEqual([0, 10, 30]);
    }
    expect((await readArtifact(paths.crossEpochFile('parameter_trajectory')))!['all__projections']!.shape).toEqual([3, 3]);
    const manifest = JSON.parse(await readFile(paths.manifest, 'utf8'));
    expect(manifest.family_name).toBe(family.name);
    expect(manifest.variant_params).toEqual({ prime: 11, seed: 1 });
    expect(manifest.analyzers.neuron_freq_norm).toMatchObject({
      epochs_completed: [0, 10, 30],
      shapes: { norm_matrix: [5, 512] },
      dtypes: { norm_matrix: 'F32' },
    });
  });

  it('reports progress per checkpoint and analyzer, in declared order, then the cross-epoch step and completion', () => {
    const perCheckpoint = progress.filter((event) => event.phase === 'checkpoint');
    expect(perCheckpoint.map((event) => event.analyzer).slice(0, family.analyzers.length)).toEqual(family.analyzers);
    expect(perCheckpoint[0]).toMatchObject({
      checkpointIndex: 0,
      checkpointCount: 3,
      epoch: 0,
      fraction: 0,
      message: 'Analyzing checkpoint 0 (1/3)',
    });
    expect(perCheckpoint.at(-1)).toMatchObject({ checkpointIndex: 2, epoch: 30, message: 'Analyzing checkpoint 30 (3/3)' });
    expect(progress.at(-2)).toMatchObject({
      phase: 'cross_epoch',
      fraction: 0.95,
      message: 'Running cross-epoch analysis: parameter_trajectory',
    });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', fraction: 1, message: 'Analysis complete' });
    const fractions = progress.map((event) => event.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('a second run does no work and leaves every file byte for byte (and untouched)', async () => {
    const before = await snapshotFiles(artifactsDir);
    const again = await analyzeVariant({ resultsDir, family, variant });
    expect(again).toMatchObject({ epochsWithWork: [], epochFilesWritten: 0, summariesWritten: [], crossEpochWritten: [] });
    expect(await snapshotFiles(artifactsDir)).toEqual(before);
  });

  it('reports per analyzer which epochs are done', async () => {
    const status = await analysisStatus(resultsDir, family, variant);
    expect(status.checkpointEpochs).toEqual([0, 10, 30]);
    expect(status.analyzers.find((a) => a.name === 'neuron_freq_norm')).toEqual({
      name: 'neuron_freq_norm',
      kind: 'per_epoch',
      epochsDone: [0, 10, 30],
      hasSummary: true,
      complete: true,
    });
    expect(status.analyzers.find((a) => a.name === 'dominant_frequencies')).toMatchObject({ hasSummary: null, complete: true });
    expect(status.analyzers.find((a) => a.name === 'parameter_trajectory')).toMatchObject({
      kind: 'cross_epoch',
      epochsDone: [0, 10, 30],
      complete: true,
    });
  });

  it('force recomputes stale epoch files and refreshes the summary values', async () => {
    const paths = artifactPaths(artifactsDir);
    const truth = await readFile(paths.epochFile('attention_freq', 10));
    const truthSummary = await readFile(paths.summaryFile('attention_freq'));
    // Plant a stale result: every fraction 0.5.
    const stale = (await readArtifact(paths.epochFile('attention_freq', 10)))!;
    (stale.freq_matrix!.data as Float32Array).fill(0.5);
    await writeFile(paths.epochFile('attention_freq', 10), encodeSafetensors(stale));
    await rm(paths.summaryFile('attention_freq'));

    // Without force the stale file stays, and the rebuilt summary reflects it.
    await analyzeVariant({ resultsDir, family, variant, analyzers: ['attention_freq'] });
    const staleSummary = (await readArtifact(paths.summaryFile('attention_freq')))!;
    expect((staleSummary.max_frac_per_head!.data as Float64Array)[4]).toBeCloseTo(0.5, 6); // epoch 10, head 0

    const forced = await analyzeVariant({ resultsDir, family, variant, analyzers: ['attention_freq'], force: true });
    expect(forced).toMatchObject({ epochFilesWritten: 3, summariesWritten: ['attention_freq'], crossEpochWritten: [] });
    expect(await readFile(paths.epochFile('attention_freq', 10))).toEqual(truth);
    expect(await readFile(paths.summaryFile('attention_freq'))).toEqual(truthSummary);
  });

  it('a new checkpoint is analyzed alone, and the summaries and trajectory are extended to it', async () => {
    await writeSyntheticVariant(resultsDir, family, 11, [50]);
    const run = await analyzeVariant({ resultsDir, family, variant });
    expect(run.epochsWithWork).toEqual([50]);
    expect(run.epochFilesWritten).toBe(family.analyzers.length);
    expect(run.crossEpochWritten).toEqual(['parameter_trajectory']);
    const paths = artifactPaths(artifactsDir);
    expect(Array.from((await readArtifact(paths.summaryFile('landscape_flatness')))!.epochs!.data as Int32Array)).toEqual([0, 10, 30, 50]);
    expect((await readArtifact(paths.crossEpochFile('parameter_trajectory')))!['mlp__velocity']!.shape).toEqual([3]);
  });

  it('stops between checkpoints when aborted, and a later run resumes', async () => {
    const dir = await tempDir();
    const { variant: aborted, paths } = await writeSyntheticVariant(dir, family, 11, [0, 1, 2], 2);
    const controller = new AbortController();
    const run = analyzeVariant(
      { resultsDir: dir, family, variant: aborted, analyzers: ['dominant_frequencies'] },
      { signal: controller.signal, onProgress: (event) => event.checkpointIndex === 1 && controller.abort() },
    );
    await expect(run).rejects.toThrow(/abort/i);
    expect(await readdir(join(paths.artifactsDir, 'dominant_frequencies'))).toEqual(['epoch_00000.safetensors', 'epoch_00001.safetensors']);
    expect(
      (await analyzeVariant({ resultsDir: dir, family, variant: aborted, analyzers: ['dominant_frequencies'] })).epochsWithWork,
    ).toEqual([2]);
  });

  it('a run after one killed before its manifest (or mid-write) leaves the same files as one uninterrupted run', async () => {
    const dir = await tempDir();
    const { variant: killed, paths } = await writeSyntheticVariant(dir, family, 11, [0, 1], 3);
    await analyzeVariant({ resultsDir: dir, family, variant: killed });
    const whole = JSON.parse(await readFile(join(paths.artifactsDir, 'manifest.json'), 'utf8'));
    // Killed after its epoch files, before the manifest; a writer's temporary left behind (pid 2^22 + 1 runs nowhere).
    await rm(join(paths.artifactsDir, 'manifest.json'));
    const stale = join(paths.artifactsDir, 'coarseness', `.epoch_00001.safetensors.${2 ** 22 + 1}.0badf00d.tmp`);
    await writeFile(stale, 'half a file');
    await analyzeVariant({ resultsDir: dir, family, variant: killed });
    const resumed = JSON.parse(await readFile(join(paths.artifactsDir, 'manifest.json'), 'utf8'));
    const withoutTimes = (manifest: { analyzers: Record<string, { updated_at?: string }> }) => {
      for (const entry of Object.values(manifest.analyzers)) delete entry.updated_at;
      return manifest;
    };
    expect(withoutTimes(resumed)).toEqual(withoutTimes(whole));
    expect(await readdir(join(paths.artifactsDir, 'coarseness'))).not.toContain(stale.split('/').pop());
  });

  it('validates the request before writing anything', async () => {
    expect(() => planAnalysis(family, ['no_such_analyzer'])).toThrow(AnalysisInputError);
    await expect(analyzeVariant({ resultsDir, family, variant: 'not_a_variant' })).rejects.toThrow(AnalysisInputError);
    await expect(analyzeVariant({ resultsDir, family, variant: `${family.name}_p13_seed5` })).rejects.toThrow(/no checkpoints/);
  });

  it('plans the trajectory’s input analyzer even when only the trajectory is asked for', () => {
    expect(planAnalysis(family, ['parameter_trajectory']).perEpoch.map((a) => a.name)).toEqual(['parameter_snapshot']);
    expect(planAnalysis(family).perEpoch.map((a) => a.name)).toEqual(family.analyzers);
  });
});
