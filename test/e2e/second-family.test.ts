/**
 * The second family end to end: modulo_subtraction_1layer trained from the Training page, analyzed
 * from the Analysis Run page and opened in the Visualization page, with no code naming it; and a
 * family declaring fewer visualizations, whose page shows only those. Requires `npm run build`.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VIEWS } from '../../frontend/plots/index.ts';
import type { VariantDetail } from '../../shared/artifacts.ts';
import { makeTempWorkbench, type TempWorkbench } from '../helpers/temp-workbench.ts';
import { launchChromium, texts } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const FAMILY = 'modulo_subtraction_1layer';
const VARIANT = 'modulo_subtraction_1layer_p13_seed3';
/** A copy of the subtraction family that declares three of the 18 views. */
const FEW = {
  name: 'few_views',
  variant: 'few_views_p13_seed3',
  visualizations: ['loss_curves', 'dominant_frequencies_bar', 'flatness_trajectory'],
};

let workbench: TempWorkbench;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  workbench = await makeTempWorkbench();
  const subtraction = JSON.parse(await readFile(join(workbench.familiesDir, FAMILY, 'family.json'), 'utf8')) as Record<string, unknown>;
  await mkdir(join(workbench.familiesDir, FEW.name));
  const few = { ...subtraction, name: FEW.name, visualizations: FEW.visualizations, variant_pattern: `${FEW.name}_p{prime}_seed{seed}` };
  await writeFile(join(workbench.familiesDir, FEW.name, 'family.json'), JSON.stringify(few));
  server = await startServer({ WORKBENCH_RESULTS_DIR: workbench.resultsDir, WORKBENCH_FAMILIES_DIR: workbench.familiesDir });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await workbench?.cleanup();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

const LONG = { timeout: 180_000, interval: 250 };
const badge = () => page.locator('job-status .badge');
const panelViews = () => page.locator('viz-page plot-panel').evaluateAll((panels) => panels.map((p) => p.getAttribute('view')));

describe('a second family, declared by family.json alone', () => {
  it('trains, analyzes and visualizes a modular-subtraction variant through the pages', async () => {
    await page.goto(`${server.url}/training`);
    await page.locator('training-page family-select select').selectOption(FAMILY);
    for (const [name, value] of Object.entries({ prime: '13', seed: '3', num_epochs: '300', checkpoints: '0, 100, 200' })) {
      await page.locator(`training-page input[name=${name}]`).fill(value);
    }
    expect(await texts(page.locator('[data-testid=variant-preview]'))).toEqual([`Variant: ${VARIANT}`]);
    await page.getByRole('button', { name: 'Start Training' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Complete']);
    // 300 full-batch epochs on (a − b) mod 13 fit the training pairs: its labels are learnable.
    const finalTrain = Number((await texts(page.locator('training-page .summary dt:has-text("Final train loss") + dd')))[0]);
    expect(finalTrain).toBeLessThan(0.1 * Math.log(13));

    await page.getByRole('link', { name: 'Analyze it →' }).click();
    await expect.poll(() => page.evaluate(() => window.location.search)).toBe(`?family=${FAMILY}&variant=${VARIANT}`);
    await expect.poll(() => page.locator('analysis-run-page .analyzer code').count()).toBe(10);
    await page.getByRole('button', { name: 'Run Analysis' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Complete']);

    await page.getByRole('link', { name: 'View it →' }).click();
    await expect.poll(() => page.evaluate(() => window.location.pathname)).toBe('/viz');
    await expect.poll(panelViews).toEqual(VIEWS.map((view) => view.id));
    for (const view of ['loss', 'freq', 'activation', 'attention', 'perturbation']) {
      const panel = page.locator(`viz-page plot-panel[view="${view}"]`);
      await panel.scrollIntoViewIfNeeded();
      await panel.locator('.main-svg').first().waitFor({ timeout: 30_000 });
    }

    const detail = (await (await fetch(`${server.url}/api/variants/${FAMILY}/${VARIANT}`)).json()) as VariantDetail;
    expect(detail.config.prime).toBe(13);
    expect(detail.analyzedEpochs).toEqual([0, 100, 200, 299]);
    expect(detail.analyzers.every((analyzer) => analyzer.complete)).toBe(true);
  });

  it('shows only the views a family declares', async () => {
    // The trained variant, filed under the other family by that family's variant pattern.
    await cp(join(workbench.resultsDir, FAMILY, VARIANT), join(workbench.resultsDir, FEW.name, FEW.variant), { recursive: true });
    await page.goto(`${server.url}/viz?family=${FEW.name}&variant=${FEW.variant}`);
    await expect.poll(panelViews).toEqual(['loss', 'freq', 'flatness-trajectory']);
    expect(await texts(page.locator('viz-page section h2'))).toEqual([
      'Training Progress',
      'Embedding and Neurons',
      'Loss Landscape Flatness',
    ]);
    for (const view of ['loss', 'freq', 'flatness-trajectory']) {
      await page.locator(`viz-page plot-panel[view="${view}"] .main-svg`).first().waitFor({ timeout: 30_000 });
    }
  });
});
