/**
 * Benchmark of a full analysis (npm run bench:analysis): wall time in total and per analyzer, and
 * the disk the artifacts take. Target on the 2-core machine: ≤ 5 minutes and ≤ 500 MB for a
 * default run (95 checkpoints, p = 113).
 *
 *   node --import tsx test/bench/analysis.bench.ts                 synthetic: 95 checkpoints of random weights
 *   node --import tsx test/bench/analysis.bench.ts --from DIR      a copy of a trained variant folder DIR
 *   options: --checkpoints N (synthetic only, default 95), --keep (leave the temporary results folder)
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCheckpointEpochs } from '../../shared/checkpoint-schedule.ts';
import { familySchema } from '../../shared/family-schema.ts';
import { analyzeVariant } from '../../server/analysis/pipeline.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { selectGemm } from '../../server/engine/gemm/gemm.ts';
import { modelDims } from '../../server/engine/weights.ts';
import { variantPaths } from '../../server/registry/variant-paths.ts';
import { initWeights } from '../../server/training/init.ts';
import { writeCheckpoint } from '../../server/training/variant-files.ts';

const { values: options } = parseArgs({
  options: { from: { type: 'string' }, checkpoints: { type: 'string', default: '95' }, keep: { type: 'boolean', default: false } },
});
const family = familySchema.parse(
  JSON.parse(await readFile(join(REPO_ROOT, 'server/families/modulo_addition_1layer/family.json'), 'utf8')),
);
const resultsDir = await mkdtemp(join(tmpdir(), 'bench-analysis-'));
const gemm = selectGemm();

let variant: string;
if (options.from) {
  variant = basename(options.from);
  await cp(options.from, variantPaths(resultsDir, family.name, variant).dir, {
    recursive: true,
    filter: (src) => !src.includes('/artifacts'),
  });
  console.log(`source: copy of ${options.from}`);
} else {
  const p = 113;
  variant = `${family.name}_p${p}_seed999`;
  const dims = modelDims(family.architecture, p);
  const epochs = defaultCheckpointEpochs(25_000).slice(-Number(options.checkpoints));
  for (const epoch of epochs)
    await writeCheckpoint(variantPaths(resultsDir, family.name, variant).checkpoint(epoch), initWeights(dims, epoch), dims);
  console.log(`source: SYNTHETIC variant, ${epochs.length} checkpoints of random N(0, 0.0707²) weights, p = ${p} (no trained run used)`);
}
console.log(`matrix-multiply backend: ${gemm.name}`);

const start = performance.now();
const cpuStart = cpuSeconds();
const result = await analyzeVariant({ resultsDir, family, variant, gemm });
const total = (performance.now() - start) / 1000;
// CPU time (all threads and helper processes, BLAS included) against 2 cores × wall time shows how
// much of the machine other programs took on a shared machine.
console.log(
  `\nfull analysis of ${result.checkpointEpochs.length} checkpoints: ${total.toFixed(1)} s wall, ${(cpuSeconds() - cpuStart).toFixed(1)} s CPU`,
);
for (const [label, ms] of Object.entries(result.timings).sort((a, b) => b[1] - a[1])) {
  console.log(`  ${label.padEnd(26)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${((ms / 1000 / total) * 100).toFixed(1).padStart(5)} %`);
}

const artifactsDir = variantPaths(resultsDir, family.name, variant).artifactsDir;
let disk = 0;
console.log('\ndisk:');
for (const entry of (await readdir(artifactsDir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
  const size = entry.isDirectory() ? await folderSize(join(artifactsDir, entry.name)) : (await stat(join(artifactsDir, entry.name))).size;
  disk += size;
  console.log(`  ${entry.name.padEnd(26)} ${(size / 1e6).toFixed(2).padStart(8)} MB`);
}
console.log(`  ${'total'.padEnd(26)} ${(disk / 1e6).toFixed(2).padStart(8)} MB`);

const again = performance.now();
const second = await analyzeVariant({ resultsDir, family, variant, gemm });
console.log(
  `\nsecond run (resume, nothing to do): ${((performance.now() - again) / 1000).toFixed(2)} s, ${second.epochFilesWritten} files written`,
);

if (options.keep) console.log(`results kept in ${resultsDir}`);
else await rm(resultsDir, { recursive: true, force: true });

/** CPU seconds of this process and its finished child processes (Linux /proc), else of this process only. */
function cpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // utime, stime, cutime, cstime are fields 14–17 of stat(5), 12–15 after the command name; in clock ticks (100 Hz)
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}

async function folderSize(dir: string): Promise<number> {
  let size = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) size += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return size;
}
