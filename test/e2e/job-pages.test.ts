/**
 * The job pages end to end: the real server on a temporary results folder, real Chromium,
 * real training and analysis on small variants. Requires `npm run build` (npm test does it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, texts } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

let resultsDir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'workbench-e2e-jobs-'));
  server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(resultsDir, { recursive: true, force: true });
});
beforeEach(async () => {
  page = await browser.newPage();
});

const LONG = { timeout: 120_000, interval: 250 };
const badge = () => page.locator('job-status .badge');
const figure = (label: string) => page.locator('job-status dl > div', { hasText: label }).locator('dd');

async function fillTraining(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) await page.locator(`training-page input[name=${name}]`).fill(value);
}

async function variantLabels(): Promise<string[]> {
  return texts(page.locator('variant-select option'));
}

describe('Training and Analysis Run pages in Chromium', () => {
  it('trains a variant from the Training page, then analyzes it from the Analysis Run page', async () => {
    await page.goto(`${server.url}/training`);
    await fillTraining({ prime: '13', seed: '3', num_epochs: '300', checkpoints: '0, 100, 200' });
    expect(await texts(page.locator('[data-testid=variant-preview]'))).toEqual(['Variant: modulo_addition_1layer_p13_seed3']);
    await page.getByRole('button', { name: 'Start Training' }).click();

    await expect.poll(() => texts(badge()), LONG).toEqual(['Complete']);
    const summary = page.locator('training-page .summary');
    expect(await texts(summary.locator('dd').first())).toEqual(['modulo_addition_1layer_p13_seed3']);
    expect(await texts(summary.locator('dt:has-text("Checkpoints") + dd'))).toEqual(['4']);
    expect(Number((await texts(summary.locator('dt:has-text("Final train loss") + dd')))[0])).toBeLessThan(Math.log(13));
    // The final epoch's accuracies, in percent: live on the card, then in the summary.
    for (const [card, final] of [
      ['Train accuracy', 'Final train accuracy'],
      ['Test accuracy', 'Final test accuracy'],
    ] as const) {
      const live = await texts(figure(card));
      expect(live).toEqual([expect.stringMatching(/^\d+(\.\d)? %$/)]);
      expect(await texts(summary.locator(`dt:has-text("${final}") + dd`))).toEqual(live);
    }
    // The loss chart drew both loss curves and both accuracy curves.
    expect(await page.locator('loss-chart polyline:not(.accuracy)').count()).toBe(2);
    expect(await page.locator('loss-chart polyline.accuracy').count()).toBe(2);
    // Coming back later, the finished run's summary is still there.
    await page.reload();
    await expect.poll(() => texts(page.locator('training-page .summary dt:has-text("Checkpoints") + dd'))).toEqual(['4']);
    expect(await texts(badge())).toEqual(['Complete']);

    await page.getByRole('link', { name: 'Analyze it →' }).click();
    await expect.poll(() => page.evaluate(() => window.location.pathname)).toBe('/analysis-run');
    await expect.poll(variantLabels).toContain('● prime=13, seed=3 [trained]');
    await expect.poll(() => page.locator('analysis-run-page .analyzer code').count()).toBe(10);
    await page.getByRole('button', { name: 'Run Analysis' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Complete']);
    expect((await texts(page.locator('job-status .message')))[0]).toMatch(
      /^Analysis complete! Artifacts saved to .*modulo_addition_1layer_p13_seed3\/artifacts$/,
    );
    await expect.poll(variantLabels).toContain('◉ prime=13, seed=3 [analyzed]');
    expect(await page.getByRole('link', { name: 'View it →' }).getAttribute('href')).toBe(
      '/viz?family=modulo_addition_1layer&variant=modulo_addition_1layer_p13_seed3',
    );
  });

  it('asks to confirm before overwriting an existing variant', async () => {
    await page.goto(`${server.url}/training`);
    await fillTraining({ prime: '13', seed: '3' });
    await page.locator('training-page .exists').waitFor();
    expect(await page.getByRole('button', { name: 'Start Training' }).isDisabled()).toBe(true);
    await page.locator('training-page input[name=overwrite]').check();
    expect(await page.getByRole('button', { name: 'Start Training' }).isDisabled()).toBe(false);
  });

  it('shows a running training job again after leaving the page and coming back, and cancels it', async () => {
    await page.goto(`${server.url}/training`);
    await fillTraining({ prime: '17', seed: '9', num_epochs: '500000', checkpoints: '0' });
    await page.getByRole('button', { name: 'Start Training' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Running']);
    await expect.poll(async () => (await texts(figure('Trained')))[0], LONG).toMatch(/^[\d,]+ of 500,000 epochs \(0 … 499,999\)$/);

    await page.locator('site-nav').getByRole('link', { name: 'Visualization', exact: true }).click();
    await expect.poll(() => page.evaluate(() => window.location.pathname)).toBe('/viz');
    await page.locator('site-nav').getByRole('link', { name: 'Training', exact: true }).click();

    await expect.poll(() => texts(badge()), LONG).toEqual(['Running']);
    expect(await texts(page.locator('job-status .variant'))).toEqual(['modulo_addition_1layer_p17_seed9']);
    // The form shows the running job's settings, not the defaults, also after a reload.
    await page.reload();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Running']);
    await expect.poll(() => page.locator('training-page input[name=prime]').inputValue()).toBe('17');
    expect(await page.locator('training-page input[name=num_epochs]').inputValue()).toBe('500000');
    expect(await texts(page.locator('[data-testid=variant-preview]'))).toEqual(['Variant: modulo_addition_1layer_p17_seed9']);
    const epochNow = async () => Number((await texts(figure('Trained')))[0]?.split(' of ')[0]?.replaceAll(',', '') ?? NaN);
    const before = await expect.poll(epochNow, LONG).toBeGreaterThan(0).then(epochNow);
    await expect.poll(epochNow, LONG).toBeGreaterThan(before);
    await expect.poll(() => page.locator('loss-chart polyline:not(.accuracy)').count(), LONG).toBe(2);

    await page.locator('job-status').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Cancelled']);
    await page.goto(`${server.url}/analysis-run`);
    await expect.poll(variantLabels).toContain('◐ prime=17, seed=9 [incomplete]');
  });

  it('shows a running analysis again after leaving the Analysis Run page and coming back', async () => {
    // A variant with many checkpoints, so its analysis runs long enough to leave and return.
    const response = await fetch(`${server.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'train',
        family: 'modulo_addition_1layer',
        params: { prime: 29, seed: 2 },
        training: { num_epochs: 60, checkpoint_epochs: Array.from({ length: 59 }, (_, i) => i) },
      }),
    });
    expect(response.status).toBe(202);
    const job = (await response.json()) as { id: string };
    await expect.poll(async () => (await (await fetch(`${server.url}/api/jobs/${job.id}`)).json()).state, LONG).toBe('succeeded');

    await page.goto(`${server.url}/analysis-run?family=modulo_addition_1layer&variant=modulo_addition_1layer_p29_seed2`);
    await expect.poll(() => page.locator('analysis-run-page .analyzer code').count()).toBe(10);
    await page.getByRole('button', { name: 'Run Analysis' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Running']);
    // The analyzers' counts follow the run, before it ends.
    const mostDone = async () =>
      Math.max(
        ...(await texts(page.locator('analysis-run-page .analyzer .done'))).map((t) => Number(/(\d+) \/ 60 epochs/.exec(t)?.[1] ?? 0)),
      );
    await expect.poll(mostDone, LONG).toBeGreaterThan(0);
    expect(await texts(badge())).toEqual(['Running']);

    await page.locator('site-nav').getByRole('link', { name: 'Reports', exact: true }).click();
    await expect.poll(() => page.evaluate(() => window.location.pathname)).toBe('/reports');
    await page.locator('site-nav').getByRole('link', { name: 'Analysis Run', exact: true }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Running']);
    expect(await texts(page.locator('job-status .variant'))).toEqual(['modulo_addition_1layer_p29_seed2']);
    await expect.poll(async () => (await texts(figure('Checkpoint')))[0], LONG).toMatch(/^\d+ of 60$/);
    await page.locator('job-status').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Cancelled']);
  });
});
