/**
 * Benchmark of the Visualization page (npm run bench:viz), in Debian's Chromium against the real
 * server on a default-sized variant (95 checkpoints, p = 113). Prints medians:
 *   - time from opening a deep link to every plot in view drawn (target ≤ 2 s);
 *   - time from an epoch change to every plot in view showing the new epoch (target ≤ 150 ms),
 *     at several scroll positions: jumps to epochs not shown before (no cached payloads) and
 *     steps to the next checkpoint (the page prefetches neighbours);
 *   - the gzipped size of the shell's own JavaScript (target ≤ 60 KB), and that Plotly is
 *     requested only once /viz is shown.
 * Requires `npm run build` first.
 *
 *   node --import tsx test/bench/viz.bench.ts                 the analyzed run in /tmp/grok-results if there is
 *                                                             one, else a synthetic one trained and analyzed here
 *   options: --results DIR --variant NAME (an analyzed variant to use), --keep (keep the synthetic one),
 *            --opens N (default 5), --changes N (jumps and steps per scroll position, default 5)
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { analysisStatus, analyzeVariant } from '../../server/analysis/pipeline.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { loadFamilies } from '../../server/registry/families.ts';
import { trainVariant } from '../../server/training/train-variant.ts';
import { launchChromium } from '../e2e/helpers/browser.ts';
import { startServer } from '../e2e/helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';
const DEFAULT_RESULTS = '/tmp/grok-results';
const DEFAULT_VARIANT = `${FAMILY}_p113_seed999`;
const VIEWPORT = { width: 1400, height: 900 };

const { values: options } = parseArgs({
  options: {
    results: { type: 'string' },
    variant: { type: 'string' },
    keep: { type: 'boolean', default: false },
    opens: { type: 'string', default: '5' },
    changes: { type: 'string', default: '5' },
  },
});

const distIndex = join(REPO_ROOT, 'dist/index.html');
if (!existsSync(distIndex)) throw new Error('dist/index.html is missing: run `npm run build` first');
const family = (await loadFamilies(join(REPO_ROOT, 'server/families'))).families.get(FAMILY)!;

/** Whether every analyzer (and the cross-epoch one) covers every checkpoint of the variant. */
async function fullyAnalyzed(resultsDir: string, variant: string): Promise<boolean> {
  try {
    const status = await analysisStatus(resultsDir, family, variant);
    return status.checkpointEpochs.length > 0 && status.analyzers.every((a) => a.complete);
  } catch {
    return false;
  }
}

let resultsDir = options.results ?? DEFAULT_RESULTS;
let variant = options.variant ?? DEFAULT_VARIANT;
let synthetic: string | undefined;
if (await fullyAnalyzed(resultsDir, variant)) {
  console.log(`source: existing analyzed variant ${variant} in ${resultsDir}`);
} else if (options.results) {
  throw new Error(`${variant} in ${resultsDir} is not fully analyzed`);
} else {
  synthetic = await mkdtemp(join(tmpdir(), 'bench-viz-'));
  resultsDir = synthetic;
  // 95 checkpoints as the default schedule has, over a short run so the set-up stays in minutes.
  const checkpoints = Array.from({ length: 94 }, (_, i) => i * 2);
  console.log(
    `source: SYNTHETIC variant (no analyzed ${DEFAULT_VARIANT} in ${DEFAULT_RESULTS}): p = 113 trained 200 epochs, 95 checkpoints, then analyzed, in ${synthetic}`,
  );
  let start = performance.now();
  const trained = await trainVariant({
    resultsDir,
    family,
    params: { prime: 113, seed: 999 },
    training: { num_epochs: 200, checkpoint_epochs: checkpoints },
  });
  console.log(`  trained in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  start = performance.now();
  await analyzeVariant({ resultsDir, family, variant: trained.variant });
  console.log(`  analyzed in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  variant = trained.variant;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => `${Math.round(value)} ms`;

// ---- the shell's own JavaScript: dist/index.html's entry and everything it imports statically ----

async function shellScripts(): Promise<{ file: string; gzip: number }[]> {
  const html = await readFile(distIndex, 'utf8');
  const queue = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  const seen = new Map<string, number>();
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    const code = await readFile(join(REPO_ROOT, 'dist', url), 'utf8');
    seen.set(url, gzipSync(code).length);
    // Static `import … from "x"`, `import "x"` and `export … from "x"`; dynamic import("x") is lazy.
    for (const match of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)) {
      queue.push(new URL(match[1]!, `http://x${url}`).pathname);
    }
  }
  return [...seen].map(([file, gzip]) => ({ file, gzip }));
}

const scripts = await shellScripts();
const shellBytes = scripts.reduce((sum, s) => sum + s.gzip, 0);
console.log(
  `shell JavaScript: ${(shellBytes / 1024).toFixed(1)} KB gzipped in ${scripts.length} files (target ≤ 60 KB): ${scripts.map((s) => s.file).join(', ')}`,
);

// ---- the browser measurements ----

const server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });
// A failed measurement must not leave the server (and its probe process) running.
process.on('exit', () => server.process.kill());
const browser = await launchChromium();
/** A fresh browser context (empty HTTP cache). tsx keeps function names with a `__name` helper the page lacks. */
async function newContext() {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript('globalThis.__name = (fn) => fn');
  return context;
}
const deepLink = (epoch: number) => `${server.url}/viz?family=${FAMILY}&variant=${variant}&epoch=${epoch}`;
const detail = (await (await fetch(`${server.url}/api/variants/${FAMILY}/${variant}`)).json()) as { analyzedEpochs: number[] };
const epochs = detail.analyzedEpochs;
console.log(`variant: ${variant}, ${epochs.length} analyzed epochs`);

/**
 * In the page: waits (one check per frame) until every panel in the viewport shows `epoch`, or
 * just a drawn figure when `epoch` is null; returns performance.now() at that frame.
 */
function waitInView(page: Page, epoch: number | null, timeoutMs = 30_000): Promise<number> {
  return page.evaluate(
    ([epoch, timeoutMs]) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now();
        const shows = (panel: Element): boolean => {
          if (!panel.querySelector('.gtitle')) return false; // placeholders have no title
          if (epoch === null) return true;
          if (panel.hasAttribute('busy')) return false;
          const title = panel.querySelector('.gtitle')!.textContent ?? '';
          const marker = panel.querySelector('.annotation-text')?.textContent ?? '';
          const graph = panel.querySelector('.plot-graph') as unknown as { data?: { name?: string; customdata?: unknown[] }[] };
          const star = graph.data?.find((trace) => trace.name === 'Current epoch');
          if (star) return star.customdata?.[0] === epoch;
          return title.includes(`Epoch ${epoch}`) || marker === `Epoch ${epoch}`;
        };
        const check = () => {
          const viz = document.querySelector('app-shell')?.shadowRoot?.querySelector('viz-page');
          const panels = [...(viz?.shadowRoot?.querySelectorAll('plot-panel') ?? [])].filter((panel) => {
            const rect = panel.getBoundingClientRect();
            return rect.bottom > 0 && rect.top < innerHeight;
          });
          if (panels.length > 0 && panels.every(shows)) return resolve(performance.now());
          if (performance.now() - start > timeoutMs) {
            const late = panels
              .filter((panel) => !shows(panel))
              .map((panel) => `${panel.getAttribute('view')} (${panel.querySelector('.gtitle, .annotation-text')?.textContent})`);
            return reject(new Error(`timed out waiting for epoch ${epoch}; not showing it: ${late.join(', ')}`));
          }
          requestAnimationFrame(check);
        };
        check();
      }),
    [epoch, timeoutMs] as const,
  );
}

// Other pages fetch Plotly only in idle time once they are shown (app-shell), never with the shell.
{
  const context = await newContext();
  const page = await context.newPage();
  const plotlyRequests: string[] = [];
  page.on('request', (request) => {
    if (/plotly/i.test(request.url())) plotlyRequests.push(request.url());
  });
  await page.goto(`${server.url}/training`, { waitUntil: 'networkidle' });
  await page.locator('training-page').waitFor();
  const onTraining = plotlyRequests.length;
  await page.locator('site-nav').getByRole('link', { name: 'Visualization', exact: true }).click();
  await page.locator('viz-page').waitFor();
  await page.waitForLoadState('networkidle');
  // With no variant selected nothing is drawn; open one to see Plotly arrive.
  await page.goto(deepLink(epochs[0]!));
  await waitInView(page, null);
  console.log(
    `Plotly requests while on /training (idle-time preload once shown): ${onTraining}; after the viz page drew: ${plotlyRequests.length > 0 ? 'loaded' : 'NOT loaded'}`,
  );
  await context.close();
}

// First draw of the plots in view after opening a deep link (fresh context: nothing cached).
const opens: number[] = [];
for (let i = 0; i < Number(options.opens); i++) {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(deepLink(epochs[(i * 17) % epochs.length]!));
  opens.push(await waitInView(page, null));
  await context.close();
}
console.log(
  `open → plots in view drawn: median ${ms(median(opens))} over ${opens.length} opens (target ≤ 2000 ms); runs ${opens.map(ms).join(', ')}`,
);

// Epoch changes at several scroll positions: jumps to epochs not shown before (nothing cached),
// and steps to the next checkpoint (→ key) half a second apart, as when stepping through.
const context = await newContext();
const page = await context.newPage();
await page.goto(deepLink(epochs[0]!));
await waitInView(page, epochs[0]!);
const positions = ['loss', 'activation', 'attention', 'trajectory', 'trajectory-pc2-pc3', 'dim-trajectory', 'flatness-trajectory'];
const fresh = epochs.slice(1, -positions.length * Number(options.changes)).sort((a, b) => ((a * 7919) % 97) - ((b * 7919) % 97));
const jumps: number[] = [];
const steps: number[] = [];
/** The epoch last chosen (the URL follows the page only once the epoch stays put). */
let current = epochs[0]!;

/** Changes the epoch as the slider does (a jump) or as the → key does (a step); returns the ms until all in view show it. */
async function change(how: 'jump' | 'step', epoch: number): Promise<number> {
  const started = await page.evaluate(
    ([how, index]) => {
      const sidebar = document.querySelector('app-shell')!.shadowRoot!.querySelector('viz-page')!.shadowRoot!.querySelector('viz-sidebar')!;
      const slider = sidebar.shadowRoot!.querySelector('epoch-control')!.shadowRoot!.querySelector<HTMLInputElement>('input[type=range]')!;
      const start = performance.now();
      if (how === 'step') {
        slider.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true, cancelable: true }));
      } else {
        slider.value = String(index);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        slider.dispatchEvent(new Event('change', { bubbles: true }));
      }
      return start;
    },
    [how, epochs.indexOf(epoch)] as const,
  );
  current = epoch;
  return (await waitInView(page, epoch)) - started;
}

for (const view of positions) {
  await page.locator(`viz-page plot-panel[view="${view}"]`).evaluate((panel) => panel.scrollIntoView({ block: 'start' }));
  await waitInView(page, current);
  const jumped: number[] = [];
  const stepped: number[] = [];
  for (let i = 0; i < Number(options.changes); i++) jumped.push(await change('jump', fresh.shift()!));
  for (let i = 0; i < Number(options.changes); i++) {
    await page.waitForTimeout(500);
    const next = epochs[epochs.indexOf(current) + 1]!;
    stepped.push(await change('step', next));
  }
  jumps.push(...jumped);
  steps.push(...stepped);
  console.log(
    `  in view from ${view}: jump median ${ms(median(jumped))} (${jumped.map(ms).join(', ')}); step median ${ms(median(stepped))} (${stepped.map(ms).join(', ')})`,
  );
}
console.log(
  `epoch change → every plot in view shows it (target ≤ 150 ms): jump to an unvisited epoch median ${ms(median(jumps))} over ${jumps.length}; step to the next checkpoint median ${ms(median(steps))} over ${steps.length}`,
);

await context.close();
await browser.close();
await server.stop();
if (synthetic && !options.keep) await rm(synthetic, { recursive: true, force: true });
else if (synthetic) console.log(`kept: --results ${synthetic} --variant ${variant}`);
