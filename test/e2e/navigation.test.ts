/**
 * The shell end to end: the real server on a temporary results folder, real Chromium.
 * Requires `npm run build` first (npm test does it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../version.ts';
import { launchChromium, texts } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

let resultsDir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
/** A page on another origin that embeds one element from the workbench. */
let embedHost: Server;
let embedOrigin: string;

beforeAll(async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'workbench-e2e-'));
  embedHost = createServer();
  await new Promise<void>((resolve) => embedHost.listen(0, '127.0.0.1', resolve));
  embedOrigin = `http://127.0.0.1:${(embedHost.address() as { port: number }).port}`;
  server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir, WORKBENCH_CORS_ORIGINS: embedOrigin });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  embedHost?.close();
  await rm(resultsDir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage();
});

/** The tag of the page element the router has mounted. */
const mountedPage = (p: Page) =>
  p.evaluate(() => document.querySelector('app-shell')?.shadowRoot?.querySelector('main')?.firstElementChild?.localName ?? null);

async function expectPage(tag: string, path: string) {
  await expect.poll(() => mountedPage(page), { timeout: 10_000 }).toBe(tag);
  expect(new URL(page.url()).pathname).toBe(path);
}

describe('site navigation in Chromium', () => {
  it('opens on the Visualization page and shows the version', async () => {
    await page.goto(server.url);
    await expectPage('viz-page', '/viz');
    await expect.poll(() => texts(page.locator('site-nav .version'))).toEqual([`v${APP_VERSION}`]);
  });

  it('on a first run, says what to do first instead of 18 empty plots, and links to Training', async () => {
    await page.goto(server.url);
    await expectPage('viz-page', '/viz');
    const firstRun = page.locator('viz-page .first-run');
    await expect.poll(() => texts(firstRun.locator('h2'))).toEqual(['No variants yet']);
    expect(await page.locator('viz-page plot-panel').count()).toBe(0);
    expect(await texts(page.locator('viz-sidebar .status'))).toEqual(['No variants yet']);
    await firstRun.getByRole('link', { name: 'Training page' }).click();
    await expectPage('training-page', '/training');
  });

  it('moves between pages through every nav link without a full reload, and back/forward work', async () => {
    await page.goto(`${server.url}/viz`);
    await expectPage('viz-page', '/viz');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    const visits: [string, string, string][] = [
      ['Training', 'training-page', '/training'],
      ['Analysis Run', 'analysis-run-page', '/analysis-run'],
      ['Reports', 'reports-page', '/reports'],
      ['Visualization', 'viz-page', '/viz'],
    ];
    for (const [label, tag, path] of visits) {
      await page.locator('site-nav').getByRole('link', { name: label, exact: true }).click();
      await expectPage(tag, path);
      await expect.poll(() => texts(page.locator('site-nav a[aria-current=page]'))).toEqual([label]);
    }
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    await page.goBack();
    await expectPage('reports-page', '/reports');
    await page.goBack();
    await expectPage('analysis-run-page', '/analysis-run');
    await page.goForward();
    await expectPage('reports-page', '/reports');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it.each([
    ['/training', 'training-page'],
    ['/analysis-run', 'analysis-run-page'],
    ['/viz', 'viz-page'],
    ['/reports', 'reports-page'],
  ])('reloading %s lands on the same page', async (path, tag) => {
    await page.goto(`${server.url}${path}`);
    await expectPage(tag, path);
    await page.reload();
    await expectPage(tag, path);
  });

  it('loads Plotly in idle time once another page is shown, and with the shell on /viz, compiled off the main thread', async () => {
    const plotlyRequests = (p: Page) => {
      const urls: string[] = [];
      p.on('request', (request) => {
        if (/plotly/i.test(request.url())) urls.push(request.url());
      });
      return urls;
    };
    // Not with the shell: while the browser is never idle, a shown page requests no Plotly.
    const neverIdle = await browser.newPage();
    await neverIdle.addInitScript(() => {
      window.requestIdleCallback = () => 0;
    });
    const withoutIdle = plotlyRequests(neverIdle);
    await neverIdle.goto(`${server.url}/training`);
    await expect.poll(() => mountedPage(neverIdle), { timeout: 10_000 }).toBe('training-page');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(withoutIdle).toEqual([]);
    await neverIdle.close();

    const onTraining = plotlyRequests(page);
    await page.goto(`${server.url}/training`, { waitUntil: 'domcontentloaded' });
    await expectPage('training-page', '/training');
    await expect.poll(() => onTraining.length, { timeout: 15_000 }).toBeGreaterThan(0);

    const vizPage = await browser.newPage();
    const onViz = plotlyRequests(vizPage);
    await vizPage.goto(`${server.url}/viz`, { waitUntil: 'domcontentloaded' });
    // Requested by the preload link in index.html, before the shell's script has run.
    const preloaded = await vizPage.evaluate(() =>
      [...document.querySelectorAll<HTMLLinkElement>('link[rel=modulepreload]')].map((link) => new URL(link.href).pathname),
    );
    expect(preloaded).toEqual(expect.arrayContaining(['/elements/viz-page.js', expect.stringMatching(/^\/assets\/plotly[^/]*\.js$/)]));
    await expect.poll(() => onViz.length).toBeGreaterThan(0);
    const plotly = await (await fetch(onViz[0]!)).text();
    expect(plotly.startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
    await vizPage.close();
  });

  it('shows a not-found page for unknown client routes', async () => {
    await page.goto(`${server.url}/no/such/page`);
    await expectPage('not-found-page', '/no/such/page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('pages load the family list from the API', async () => {
    await page.goto(`${server.url}/training`);
    await expect
      .poll(() => texts(page.locator('family-select option')))
      .toEqual(['Select family...', 'Modulo Addition (1 Layer)', 'Modulo Subtraction (1 Layer)']);
  });
});

describe('embedding', () => {
  it('loads one page element alone from an HTML page on another origin', async () => {
    embedHost.on('request', (_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><html><body>
        <h1>Lab notebook</h1>
        <training-page api-base="${server.url}"></training-page>
        <script type="module" src="${server.url}/elements/training-page.js"></script>
      </body></html>`);
    });
    await page.goto(embedOrigin);
    await expect.poll(() => texts(page.locator('training-page h1'))).toEqual(['Training']);
    await expect
      .poll(() => texts(page.locator('training-page family-select option')))
      .toEqual(['Select family...', 'Modulo Addition (1 Layer)', 'Modulo Subtraction (1 Layer)']);
  });
});
