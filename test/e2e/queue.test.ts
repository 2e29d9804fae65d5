/**
 * The job queue and sweeps end to end: the real server with one job slot (WORKBENCH_MAX_JOBS=1) on a
 * temporary results folder, real Chromium. Jobs queued from the Training page wait their turn in
 * order, the Jobs page shows their places and cancels one, and a small sweep from the Sweep form
 * trains to the end. Requires `npm run build` (npm test does it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, texts } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

let resultsDir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'workbench-e2e-queue-'));
  server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir, WORKBENCH_MAX_JOBS: '1' });
  browser = await launchChromium();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(resultsDir, { recursive: true, force: true });
});

const LONG = { timeout: 120_000, interval: 250 };
const variant = (seed: number, prime = 11) => `modulo_addition_1layer_p${prime}_seed${seed}`;
const badge = () => page.locator('job-status .badge');
const place = () => page.locator('job-status .place');
const jobRow = (name: string) =>
  page.locator('run-table tbody tr', { has: page.locator('.subject', { hasText: new RegExp(`^${name}$`) }) });
const rowState = (name: string) => texts(jobRow(name).locator('.state'));

async function fillTraining(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) await page.locator(`training-page param-form input[name=${name}]`).fill(value);
}

async function startTraining() {
  await page.getByRole('button', { name: 'Start Training' }).click();
}

describe('the job queue and sweeps in Chromium, one job slot', () => {
  it('queues training jobs behind a running one, shows their places, and cancels a queued one from the Jobs page', async () => {
    await page.goto(`${server.url}/training`);
    await fillTraining({ prime: '11', seed: '1', num_epochs: '1000000', checkpoints: '0' });
    await startTraining();
    await expect.poll(() => texts(badge()), LONG).toEqual(['Running']);

    // Start stays available: the next jobs queue behind the running one, in order.
    await fillTraining({ seed: '2', num_epochs: '60', checkpoints: '' });
    await startTraining();
    await expect.poll(() => texts(page.locator('job-status .variant')), LONG).toEqual([variant(2)]);
    expect(await texts(badge())).toEqual(['Queued']);
    expect(await texts(place())).toEqual(['next in line']);
    await fillTraining({ seed: '3' });
    await startTraining();
    await expect.poll(() => texts(place()), LONG).toEqual(['2nd in line']);
    expect(await texts(page.locator('job-status .variant'))).toEqual([variant(3)]);
    // The same variant again: the server refuses, and says why.
    await startTraining();
    await expect
      .poll(() => texts(page.locator('training-page section[aria-label=Parameters] [role=alert]')), LONG)
      .toEqual([expect.stringMatching(new RegExp(`^variant ${variant(3)} is busy: job \\S+ is queued for training it$`))]);

    await page.locator('site-nav').getByRole('link', { name: 'Jobs', exact: true }).click();
    await expect.poll(() => page.evaluate(() => window.location.pathname)).toBe('/jobs');
    await expect.poll(() => page.title()).toBe('Jobs · Training Dynamics Workbench');
    await expect.poll(() => texts(page.locator('run-table tbody .subject')), LONG).toEqual([variant(3), variant(2), variant(1)]);
    expect(await texts(page.locator('run-table tbody .state'))).toEqual(['Queued · 2nd in line', 'Queued · next in line', 'Running']);

    await jobRow(variant(2)).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => rowState(variant(2)), LONG).toEqual(['Cancelled']);
    await expect.poll(() => rowState(variant(3)), LONG).toEqual(['Queued · next in line']);
    expect(await texts(jobRow(variant(2)).getByRole('button'))).toEqual(['Resume', 'Retry']);

    // Stopping the running job frees the slot: the queued one runs to the end.
    await jobRow(variant(1)).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => rowState(variant(1)), LONG).toEqual(['Cancelled']);
    await expect.poll(() => rowState(variant(3)), LONG).toEqual(['Complete']);
    expect((await texts(jobRow(variant(3)).locator('.result')))[0]).toMatch(/^train \S+ · test \S+$/);
  });

  it('runs a small sweep from the Sweep form to the end, and lists it on the Jobs page', async () => {
    await page.goto(`${server.url}/training`);
    const sweepForm = page.locator('sweep-form');
    await sweepForm.locator('input[name=sweep_prime]').fill('11, 13');
    await sweepForm.locator('input[name=sweep_seed]').fill('5');
    await sweepForm.locator('input[name=sweep_num_epochs]').fill('60');
    expect(await texts(sweepForm.locator('[data-testid=sweep-preview]'))).toEqual(['2 variants in the grid']);
    await sweepForm.getByRole('button', { name: 'Start sweep' }).click();

    await expect.poll(() => texts(sweepForm.locator('.sweep .variant')), LONG).toEqual([variant(5), variant(5, 13)]);
    await expect.poll(() => texts(sweepForm.locator('.sweep .headline')), LONG).toEqual(['Sweep complete · 2 complete']);
    expect(await texts(sweepForm.locator('.sweep .state'))).toEqual(['Complete', 'Complete']);

    await page.locator('site-nav').getByRole('link', { name: 'Jobs', exact: true }).click();
    const sweepRow = page.locator('run-table tbody tr[data-kind=sweep]');
    await expect.poll(() => texts(sweepRow.locator('.state')), LONG).toEqual(['Complete']);
    expect(await texts(sweepRow.locator('.subject'))).toEqual(['2 variants']);
    expect(await texts(sweepRow.locator('.result'))).toEqual(['2 complete']);
  });
});
