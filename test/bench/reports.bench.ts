/**
 * Benchmark of the Reports page (npm run bench:reports), in Debian's Chromium against the real
 * server, on 50 synthetic variants of 25,000 epochs (metadata.json losses with a grokking drop
 * and spikes, accuracies that jump with them, the four summaries and the parameter trajectory at
 * 95 checkpoints, written here: the page reads files, so how they were made does not matter).
 * Prints the CPU model and medians:
 *   - open → the table's 50 rows drawn (target ≤ 1 s), with the server's row cache cold and warm;
 *   - selecting 10 variants → every overlay drawn with their 25,000-epoch curves (target ≤ 1.5 s);
 *   - the curves' answer size for those 10 variants.
 * Requires `npm run build` first.
 *
 *   node --import tsx test/bench/reports.bench.ts [--runs N (default 5)] [--keep]
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { artifactPaths } from '../../server/analysis/artifact-store.ts';
import { stackSummary } from '../../server/analysis/summary.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { variantPaths } from '../../server/registry/variant-paths.ts';
import { OVERLAY_IDS } from '../../frontend/plots/overlays.ts';
import { writeSafetensors } from '../../server/storage/safetensors.ts';
import { launchChromium } from '../e2e/helpers/browser.ts';
import { startServer } from '../e2e/helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';
const VARIANTS = 50;
const EPOCHS = 25_000;
const COMPARED = 10;

const { values: options } = parseArgs({ options: { runs: { type: 'string', default: '5' }, keep: { type: 'boolean', default: false } } });
const runs = Number(options.runs);
if (!existsSync(join(REPO_ROOT, 'dist/index.html'))) throw new Error('dist/index.html is missing: run `npm run build` first');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => `${Math.round(value)} ms`;

/** A seeded generator, so every run of the benchmark writes the same files. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

// ---- 50 synthetic variants -------------------------------------------------------------------

const resultsDir = await mkdtemp(join(tmpdir(), 'bench-reports-'));
const names: string[] = [];
const checkpoints = Array.from({ length: 95 }, (_, i) => Math.round((i / 94) * (EPOCHS - 1)));
for (let v = 0; v < VARIANTS; v++) {
  const seed = v + 1;
  const name = `${FAMILY}_p113_seed${seed}`;
  names.push(name);
  const rand = random(seed);
  const paths = variantPaths(resultsDir, FAMILY, name);
  const grok = 5000 + rand() * 15_000;
  const train = Array.from({ length: EPOCHS }, (_, e) => 4.7 * Math.exp(-e / 300) + 1e-7 + 1e-3 * rand());
  const test = Array.from(
    { length: EPOCHS },
    (_, e) => 1e-6 + 8 / (1 + Math.exp((e - grok) / 400)) + 0.01 * rand() * (e < grok ? 1 : 0.001),
  );
  for (let k = 0; k < 5; k++) test[Math.floor(rand() * EPOCHS)] = 20 * rand() + 5; // spikes
  // Shares of 3,830 training and 8,939 test pairs (p = 113, fraction 0.3): memorized early, generalized at the drop.
  const share = (correct: number, pairs: number) => Math.round(Math.min(1, Math.max(0, correct)) * pairs) / pairs;
  const trainAccuracies = train.map((loss) => share(Math.exp(-loss), 3830));
  const testAccuracies = test.map((loss) => share(Math.exp(-loss), 8939));
  await mkdir(paths.checkpointsDir, { recursive: true });
  await writeFile(paths.checkpoint(EPOCHS - 1), '');
  await writeFile(
    paths.metadata,
    JSON.stringify({
      train_losses: train,
      test_losses: test,
      train_accuracies: trainAccuracies,
      test_accuracies: testAccuracies,
      checkpoint_epochs: checkpoints,
      num_epochs: EPOCHS,
      family: FAMILY,
      params: { prime: 113, seed },
      data_seed: 598,
      training_fraction: [0.3, 0.4, 0.5][v % 3],
      checkpoint_request: null,
      init_from: null,
      optimizer: { learning_rate: 1e-3, weight_decay: 1, beta1: 0.9, beta2: 0.98, eps: 1e-8 },
      backend: 'native',
      wall_time_seconds: 3000,
      app_version: 'bench',
      segments: [],
    }),
  );
  const artifacts = artifactPaths(paths.artifactsDir);
  const progress = checkpoints.map((e) => 1 / (1 + Math.exp(-(e - grok) / 1500)));
  const write = async (analyzer: string, rows: Record<string, number | number[]>[]) => {
    await mkdir(artifacts.analyzerDir(analyzer), { recursive: true });
    await writeSafetensors(artifacts.summaryFile(analyzer), stackSummary(checkpoints, rows));
  };
  await write(
    'neuron_freq_norm',
    progress.map((p) => ({
      specialized_count_total: Math.round(400 * p),
      specialized_count_low: Math.round(150 * p),
      specialized_count_mid: Math.round(150 * p),
      specialized_count_high: Math.round(100 * p),
    })),
  );
  await write(
    'attention_freq',
    progress.map((p) => ({
      max_frac_per_head: [0.2 + 0.7 * p, 0.2 + 0.6 * p, 0.3 + 0.5 * p, 0.2 + 0.7 * p],
      mean_specialization: 0.2 + 0.6 * p,
    })),
  );
  await write(
    'effective_dimensionality',
    progress.map((p) => ({ pr_W_in: 90 - 60 * p })),
  );
  await write(
    'landscape_flatness',
    progress.map((p) => ({ flatness_ratio: 0.2 + 0.7 * p })),
  );
  await mkdir(artifacts.analyzerDir('parameter_trajectory'), { recursive: true });
  await writeSafetensors(artifacts.crossEpochFile('parameter_trajectory'), {
    epochs: { dtype: 'I32', shape: [checkpoints.length], data: Int32Array.from(checkpoints) },
    all__velocity: {
      dtype: 'F32',
      shape: [checkpoints.length - 1],
      data: Float32Array.from(checkpoints.slice(1), (_, i) => 0.05 / (1 + i)),
    },
  });
}
console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`);
console.log(`data: ${VARIANTS} synthetic variants of ${EPOCHS.toLocaleString('en-US')} epochs, 95 checkpoints each, in ${resultsDir}`);

// ---- the browser measurements ----------------------------------------------------------------

const server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });
process.on('exit', () => server.process.kill());
const browser = await launchChromium();
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // tsx keeps function names with a `__name` helper the page lacks.
  await context.addInitScript('globalThis.__name = (fn) => fn');
  return context.newPage();
}

/** In the page: performance.now() at the first frame where the table shows `count` rows. */
function tableDrawn(page: Page, count: number): Promise<number> {
  return page.evaluate(
    (count) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        const check = () => {
          const reports = document.querySelector('app-shell')?.shadowRoot?.querySelector('reports-page');
          const table = reports?.shadowRoot?.querySelector('report-table');
          if ((table?.shadowRoot?.querySelectorAll('tbody tr').length ?? 0) >= count) return resolve(performance.now());
          if (performance.now() - start > 60_000) return reject(new Error('the table never showed its rows'));
          requestAnimationFrame(check);
        };
        check();
      }),
    count,
  );
}

const tableOpens: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  const page = await newPage();
  await page.goto(`${server.url}/reports?family=${FAMILY}`);
  // performance.now() counts from the navigation's start.
  tableOpens.push(await tableDrawn(page, VARIANTS));
  await page.context().close();
}
const [cold, ...warm] = tableOpens;
console.log(
  `open → table of ${VARIANTS} rows drawn (target ≤ 1000 ms): median ${ms(median(warm))} over ${warm.length} opens (${warm.map(ms).join(', ')}); first open, server cache cold: ${ms(cold!)}`,
);

const compared = names.slice(0, COMPARED);
const overlays: number[] = [];
for (let i = 0; i < runs; i++) {
  const page = await newPage();
  await page.goto(`${server.url}/reports?family=${FAMILY}`);
  await tableDrawn(page, VARIANTS);
  // Plotly ready (its bundle sets window.Plotly once evaluated), as it is once the page has been open a moment.
  await page.waitForFunction(() => 'Plotly' in window, undefined, { timeout: 30_000 });
  const elapsed = await page.evaluate(
    ({ selected, overlayCount }) =>
      new Promise<number>((resolve, reject) => {
        const reports = document.querySelector('app-shell')!.shadowRoot!.querySelector('reports-page')!;
        const table = reports.shadowRoot!.querySelector('report-table')!;
        const start = performance.now();
        for (const variant of selected)
          table.dispatchEvent(new CustomEvent('report-select', { detail: { variant, checked: true }, bubbles: true, composed: true }));
        const drawn = (panel: Element) => {
          const graph = panel.querySelector('.plot-graph') as unknown as { data?: { legendgroup?: string }[] } | null;
          return (
            panel.querySelector('.main-svg') !== null &&
            !panel.hasAttribute('busy') &&
            new Set((graph?.data ?? []).map((trace) => trace.legendgroup)).size === selected.length
          );
        };
        const check = () => {
          const panels = [...reports.shadowRoot!.querySelectorAll('plot-panel')];
          if (panels.length === overlayCount && panels.every(drawn)) return resolve(performance.now() - start);
          if (performance.now() - start > 60_000) return reject(new Error('the overlays were never drawn'));
          requestAnimationFrame(check);
        };
        check();
      }),
    { selected: compared, overlayCount: OVERLAY_IDS.length },
  );
  overlays.push(elapsed);
  await page.context().close();
}
console.log(
  `select ${COMPARED} variants → all ${OVERLAY_IDS.length} overlays drawn with their ${EPOCHS.toLocaleString('en-US')}-epoch curves (target ≤ 1500 ms): median ${ms(median(overlays))} over ${overlays.length} (${overlays.map(ms).join(', ')})`,
);

const curves = await fetch(`${server.url}/api/reports/${FAMILY}/curves?variants=${compared.join(',')}&width=1300`);
const body = await curves.text();
console.log(
  `curves answer for ${COMPARED} variants at 1,300 px: ${(body.length / 1024).toFixed(0)} KB (full-resolution losses would be ~${((COMPARED * 2 * EPOCHS * 20) / 1024 / 1024).toFixed(0)} MB)`,
);

await browser.close();
await server.stop();
if (options.keep) console.log(`kept: ${resultsDir}`);
else await rm(resultsDir, { recursive: true, force: true });
