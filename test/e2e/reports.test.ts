/**
 * The Reports page end to end: three small variants trained and analyzed here, the real server,
 * Debian's Chromium. Compare them, follow a click on an overlay into the Visualization page, and
 * reload a deep link. Requires `npm run build` first.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { analyzeVariant } from '../../server/analysis/pipeline.ts';
import { loadFamilies } from '../../server/registry/families.ts';
import { trainVariant } from '../../server/training/train-variant.ts';
import { makeTempWorkbench, type TempWorkbench } from '../helpers/temp-workbench.ts';
import { launchChromium, texts } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';

let workbench: TempWorkbench;
let variants: string[];
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  workbench = await makeTempWorkbench();
  const family = (await loadFamilies(workbench.familiesDir)).families.get(FAMILY)!;
  variants = [];
  for (const [prime, seed, fraction] of [
    [11, 1, 0.5],
    [13, 2, 0.5],
    [13, 3, 0.3],
  ] as const) {
    const trained = await trainVariant({
      resultsDir: workbench.resultsDir,
      family,
      params: { prime, seed },
      training: { num_epochs: 300, checkpoint_epochs: [0, 100, 200], training_fraction: fraction },
    });
    await analyzeVariant({ resultsDir: workbench.resultsDir, family, variant: trained.variant });
    variants.push(trained.variant);
  }
  server = await startServer({ WORKBENCH_RESULTS_DIR: workbench.resultsDir, WORKBENCH_FAMILIES_DIR: workbench.familiesDir });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await workbench?.cleanup();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });
const rows = () => page.locator('reports-page report-table tbody tr');
const checkbox = (variant: string) => page.locator(`reports-page report-table tr[data-variant="${variant}"] input[type=checkbox]`);
const panel = (view: string) => page.locator(`reports-page plot-panel[view="${view}"]`);
const legend = (view: string) => texts(panel(view).locator('.legendtext'));
const query = () => Object.fromEntries(new URL(page.url()).searchParams);

describe('Reports page in Chromium', () => {
  it('compares three variants, and a click on a point opens that variant in the Visualization page at that epoch', async () => {
    await page.goto(`${server.url}/reports?family=${FAMILY}`);
    await eventually(() => rows().count()).toBe(3);
    for (const variant of variants) await checkbox(variant).check();
    // Each variant named by its parameters, and the training fraction, which differs among them.
    await eventually(() => legend('overlay-loss')).toEqual([
      'prime=11, seed=1, training_fraction=0.5',
      'prime=13, seed=2, training_fraction=0.5',
      'prime=13, seed=3, training_fraction=0.3',
    ]);
    for (const view of [
      'overlay-accuracy',
      'overlay-specialization',
      'overlay-head-specialization',
      'overlay-w-in-pr',
      'overlay-flatness',
      'overlay-velocity',
    ])
      await eventually(() => legend(view).then((names) => names.length)).toBe(3);
    await eventually(() => query().selected).toBe(variants.join(','));

    // Click the second variant's test-loss curve at epoch 150.
    const target = await panel('overlay-loss').evaluate((element, variant) => {
      const graph = element.querySelector('.plot-graph') as HTMLElement & {
        data: { x: number[]; y: number[]; legendgroup: string }[];
        _fullLayout: {
          xaxis: { l2p(v: number): number; d2l(v: number): number };
          yaxis: { l2p(v: number): number; d2l(v: number): number };
        };
      };
      const trace = graph.data.find((t) => t.legendgroup === variant)!;
      const i = trace.x.findIndex((x) => x >= 150);
      const area = graph.querySelector('.nsewdrag')!.getBoundingClientRect();
      const { xaxis, yaxis } = graph._fullLayout;
      return { x: area.left + xaxis.l2p(xaxis.d2l(trace.x[i]!)), y: area.top + yaxis.l2p(yaxis.d2l(trace.y[i]!)), epoch: trace.x[i]! };
    }, variants[1]!);
    const before = page.url();
    await page.mouse.move(target.x, target.y);
    await page.mouse.click(target.x, target.y);
    await eventually(() => new URL(page.url()).pathname).toBe('/viz');
    expect(query().family).toBe(FAMILY);
    // The curve clicked, not the last drawn at that epoch (hover lists every variant there).
    expect(query().variant).toBe(variants[1]);
    // The Visualization page opens the variant, its epoch snapped to the nearest analyzed one.
    await eventually(() => page.locator('viz-page plot-panel[view="loss"] .main-svg').count()).toBeGreaterThan(0);
    await eventually(() => query().epoch).toMatch(/^(0|100|200|299)$/);
    // Back returns to the comparison.
    await page.goBack();
    await eventually(() => page.url()).toBe(before);
    await eventually(() => legend('overlay-loss').then((names) => names.length)).toBe(3);
  });

  it('restores the selection, the columns, the plots and the sort from a reloaded link', async () => {
    const link =
      `${server.url}/reports?family=${FAMILY}&selected=${variants[2]},${variants[0]}` +
      `&columns=name,final_test_loss,specialized_total,trajectory_path_length&sort=final_test_loss:desc&plots=overlay-loss,overlay-velocity`;
    await page.goto(link);
    await page.reload();
    await eventually(() => rows().count()).toBe(3);
    await eventually(() => texts(page.locator('reports-page report-table th[data-column]'))).toEqual([
      'Variant',
      'Final test loss ▼',
      'Specialized',
      'Path length',
    ]);
    await eventually(() =>
      page.locator('reports-page plot-panel').evaluateAll((panels) => panels.map((p) => p.getAttribute('view'))),
    ).toEqual(['overlay-loss', 'overlay-velocity']);
    await eventually(() => legend('overlay-velocity')).toEqual([
      'prime=13, seed=3, training_fraction=0.3',
      'prime=11, seed=1, training_fraction=0.5',
    ]);
    expect(await checkbox(variants[1]!).isChecked()).toBe(false);
    expect(await checkbox(variants[0]!).isChecked()).toBe(true);
    // Sorted by final test loss, largest first, as the API's rows say.
    const report = (await (await fetch(`${server.url}/api/reports/${FAMILY}`)).json()) as {
      rows: { name: string; metrics: { final_test_loss: number } }[];
    };
    const expected = [...report.rows].sort((a, b) => b.metrics.final_test_loss - a.metrics.final_test_loss).map((r) => r.name);
    await eventually(() => rows().evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.variant))).toEqual(expected);
  });
});
