/**
 * The Visualization page end to end: a small variant trained and analyzed here (p = 13,
 * 6 checkpoints), the real server, Debian's Chromium. Requires `npm run build` first.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VIEWS } from '../../frontend/plots/index.ts';
import { decodeFloat32Payload } from '../../shared/artifacts.ts';
import { analyzeVariant } from '../../server/analysis/pipeline.ts';
import { loadFamilies } from '../../server/registry/families.ts';
import { variantPaths } from '../../server/registry/variant-paths.ts';
import { trainVariant } from '../../server/training/train-variant.ts';
import { makeTempWorkbench, type TempWorkbench } from '../helpers/temp-workbench.ts';
import { launchChromium, texts } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const FAMILY = 'modulo_addition_1layer';
const EPOCHS = [0, 40, 80, 120, 160, 199];

let workbench: TempWorkbench;
let variant: string;
/** Trained, never analyzed. */
let unanalyzed: string;
/** Interrupted: checkpoints and training_progress.json, no metadata.json. */
let interrupted: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  workbench = await makeTempWorkbench();
  const family = (await loadFamilies(workbench.familiesDir)).families.get(FAMILY)!;
  const trained = await trainVariant({
    resultsDir: workbench.resultsDir,
    family,
    params: { prime: 13, seed: 3 },
    training: { num_epochs: 200, checkpoint_epochs: EPOCHS.slice(0, -1) },
  });
  expect(trained.checkpointEpochs).toEqual(EPOCHS);
  variant = trained.variant;
  await analyzeVariant({ resultsDir: workbench.resultsDir, family, variant });
  unanalyzed = (
    await trainVariant({ resultsDir: workbench.resultsDir, family, params: { prime: 7, seed: 1 }, training: { num_epochs: 20 } })
  ).variant;
  interrupted = (
    await trainVariant({ resultsDir: workbench.resultsDir, family, params: { prime: 7, seed: 2 }, training: { num_epochs: 20 } })
  ).variant;
  // As a run killed after its last checkpoint leaves it: the progress record (metadata.json without the split), no metadata.json.
  const paths = variantPaths(workbench.resultsDir, FAMILY, interrupted);
  const {
    train_indices: _train,
    test_indices: _test,
    ...progress
  } = JSON.parse(await readFile(paths.metadata, 'utf8')) as Record<string, unknown>;
  await writeFile(paths.progress, JSON.stringify(progress));
  await rm(paths.metadata);
  server = await startServer({ WORKBENCH_RESULTS_DIR: workbench.resultsDir, WORKBENCH_FAMILIES_DIR: workbench.familiesDir });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await workbench?.cleanup();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

const vizUrl = (query: string) => `${server.url}/viz?family=${FAMILY}&variant=${variant}&${query}`;
const panel = (view: string) => page.locator(`viz-page plot-panel[view="${view}"]`);
const title = (view: string) => texts(panel(view).locator('.gtitle'));
const markerLabel = (view: string) => texts(panel(view).locator('.annotation-text').first());
const query = () => Object.fromEntries(new URL(page.url()).searchParams);
/** expect.poll with room for a loaded machine: loading a variant and Plotly can take seconds. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

/** Scrolls a panel into view (panels draw lazily) and waits for its figure. */
async function drawn(view: string): Promise<Locator> {
  const locator = panel(view);
  await locator.scrollIntoViewIfNeeded();
  await locator.locator('.main-svg').first().waitFor();
  return locator;
}

/** Client coordinates of data point (x, y) on a panel's main cartesian axes. */
function pointOnPlot(view: string, x: number, y: number) {
  return panel(view).evaluate(
    (element, [px, py]) => {
      const graph = element.querySelector('.plot-graph') as HTMLElement & {
        _fullLayout: {
          xaxis: { l2p(v: number): number; d2l(v: number): number };
          yaxis: { l2p(v: number): number; d2l(v: number): number };
        };
      };
      const area = graph.querySelector('.nsewdrag')!.getBoundingClientRect();
      const { xaxis, yaxis } = graph._fullLayout;
      return { x: area.left + xaxis.l2p(xaxis.d2l(px!)), y: area.top + yaxis.l2p(yaxis.d2l(py!)) };
    },
    [x, y],
  );
}

async function clickPoint(view: string, x: number, y: number) {
  const at = await pointOnPlot(view, x, y);
  await page.mouse.move(at.x, at.y);
  await page.mouse.click(at.x, at.y);
}

/** The width Plotly drew a panel's figure at. */
const figureWidth = (panel: Locator) =>
  panel
    .locator('.main-svg')
    .first()
    .evaluate((svg) => Number(svg.getAttribute('width')));

describe('Visualization page in Chromium', () => {
  it('draws all 18 plots in page order, titled at the linked epoch', async () => {
    await page.goto(vizUrl('epoch=80'));
    // The panels appear once the family's declared visualizations are in.
    await eventually(() => page.locator('viz-page plot-panel').evaluateAll((panels) => panels.map((p) => p.getAttribute('view')))).toEqual(
      VIEWS.map((v) => v.id),
    );
    for (const view of VIEWS) await drawn(view.id);
    expect(await page.locator('viz-page plot-panel .js-plotly-plot').count()).toBe(18);
    const titles = await Promise.all(VIEWS.map((v) => title(v.id).then((t) => t[0])));
    expect(titles).toEqual([
      'Training Progress',
      'Embedding Fourier Coefficients - Epoch 80',
      'Neuron 0 Activations - Epoch 80',
      'Neuron Frequency Specialization - Epoch 80',
      'Neuron Specialization Over Training',
      'Specialized Neurons by Frequency Over Training',
      'Attention Heads (= ← a) — Epoch 80',
      'Attention Head Frequency Specialization — Epoch 80',
      'Attention Head Specialization Over Training',
      'Parameter Trajectory (All Parameters)',
      'Parameter Trajectory 3D (All Parameters)',
      'Parameter Trajectory PC1 vs PC3 (All Parameters)',
      'Parameter Trajectory PC2 vs PC3 (All Parameters)',
      'Component Velocity Comparison',
      'Effective Dimensionality (Participation Ratio)',
      expect.stringMatching(/^W_in Singular Values — Epoch 80 \(PR = \d+\.\d\)$/),
      'Landscape Flatness — Mean Delta Loss',
      expect.stringMatching(/^Perturbation Distribution — Epoch 80 \(Flatness Ratio: \d\.\d\d\)$/),
    ]);
    for (const view of ['loss', 'spec-trajectory', 'spec-freq', 'attn-spec', 'velocity', 'dim-trajectory', 'flatness-trajectory']) {
      expect(await markerLabel(view)).toEqual(['Epoch 80']);
    }
    expect(await texts(page.locator('viz-sidebar .status'))).toEqual([`Variant: ${variant} | State: analyzed | 6 checkpoints`]);
  });

  it('scrubbing moves markers without redrawing, re-renders per-epoch plots, and adds no history', async () => {
    await page.goto(vizUrl('epoch=0'));
    await drawn('loss');
    await drawn('freq');
    const historyLength = await page.evaluate(() => history.length);
    // Tag the loss plot's traces: a relayout keeps them, a redraw would replace them.
    await panel('loss').evaluate((p) => ((p.querySelector('.scatterlayer') as HTMLElement).dataset.tag = 'kept'));
    // Count URL writes: stepping through four epochs in quick succession should write the URL once, when it stops.
    await page.evaluate(() => {
      const replace = history.replaceState.bind(history);
      (window as unknown as { urlWrites: number }).urlWrites = 0;
      history.replaceState = (...args) => ((window as unknown as { urlWrites: number }).urlWrites++, replace(...args));
    });
    const slider = page.locator('viz-sidebar epoch-control input[type=range]');
    await slider.focus();
    for (const key of ['End', 'ArrowLeft', 'ArrowLeft', 'ArrowRight']) await page.keyboard.press(key);
    await eventually(() => title('freq')).toEqual(['Embedding Fourier Coefficients - Epoch 160']);
    await eventually(() => markerLabel('loss')).toEqual(['Epoch 160']);
    await eventually(() => texts(page.locator('viz-sidebar epoch-control .label'))).toEqual(['Epoch 160 (checkpoint 5 of 6)']);
    expect(await panel('loss').locator('.scatterlayer[data-tag=kept]').count()).toBe(1);
    await eventually(() => query().epoch).toBe('160'); // the URL follows once the selection stays put
    expect(await page.evaluate(() => (window as unknown as { urlWrites: number }).urlWrites)).toBe(1);
    expect(await page.evaluate(() => history.length)).toBe(historyLength);

    // The trajectory star follows by restyle.
    await drawn('trajectory');
    const starEpoch = () =>
      panel('trajectory').evaluate(
        (p) => (p.querySelector('.plot-graph') as unknown as { data: { customdata: number[] }[] }).data[2]!.customdata[0],
      );
    expect(await starEpoch()).toBe(160);
    await page.locator('viz-sidebar epoch-control input[type=number]').fill('37');
    await page.locator('viz-sidebar epoch-control input[type=number]').press('Enter');
    await eventually(starEpoch).toBe(40);
    await eventually(() => title('trajectory')).toEqual(['Parameter Trajectory (All Parameters)']);
  });

  it('an epoch change redraws the recomputed heatmaps from the decoded grids, then moves markers just off screen', async () => {
    await page.goto(vizUrl('epoch=0'));
    // The attention heads at the top: the specialization-by-frequency plot above is near, not on, screen.
    await panel('attention').evaluate((p) => p.scrollIntoView({ block: 'start' }));
    await drawn('attention');
    await eventually(() => title('attention')).toEqual(['Attention Heads (= ← a) — Epoch 0']);
    const slider = page.locator('viz-sidebar epoch-control input[type=range]');
    await slider.evaluate((input: HTMLInputElement) => {
      input.value = '3';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await eventually(() => title('attention')).toEqual(['Attention Heads (= ← a) — Epoch 120']);
    const response = await (await fetch(`${server.url}/api/variants/${FAMILY}/${variant}/attention/120?query=2&key=0`)).json();
    const expected = decodeFloat32Payload(response.patterns).data;
    const z = await panel('attention').evaluate((p) =>
      (p.querySelector('.plot-graph') as unknown as { data: { z: number[][] }[] }).data.map((t) => t.z),
    );
    expect(z.flat(2)).toEqual(Array.from(expected));
    await eventually(() => markerLabel('spec-freq')).toEqual(['Epoch 120']);
  });

  it('clicking a point on a summary or trajectory plot jumps to the nearest analyzed epoch', async () => {
    await page.goto(vizUrl('epoch=0'));
    await drawn('spec-trajectory');
    await clickPoint('spec-trajectory', 118, 0);
    await eventually(() => query().epoch).toBe('120');
    await eventually(() => markerLabel('spec-trajectory')).toEqual(['Epoch 120']);
    await drawn('freq');
    await eventually(() => title('freq')).toEqual(['Embedding Fourier Coefficients - Epoch 120']);

    await drawn('trajectory');
    const checkpoint = await panel('trajectory').evaluate((p) => {
      const trace = (p.querySelector('.plot-graph') as unknown as { data: { x: number[]; y: number[] }[] }).data[1]!;
      return { x: trace.x[1]!, y: trace.y[1]! };
    });
    await clickPoint('trajectory', checkpoint.x, checkpoint.y);
    await eventually(() => query().epoch).toBe('40');
  });

  it('clicking a column of the frequency-clusters heatmap selects that neuron', async () => {
    await page.goto(vizUrl('epoch=199'));
    await drawn('clusters');
    await clickPoint('clusters', 7, 3);
    await eventually(() => query().neuron).toBe('7');
    await eventually(() => texts(page.locator('viz-sidebar label:has(input[name=neuron]) > span').first())).toEqual(['Neuron 7']);
    await drawn('activation');
    await eventually(() => title('activation')).toEqual(['Neuron 7 Activations - Epoch 199']);
  });

  it('a pasted deep link restores the view, and reloading keeps it', async () => {
    await page.goto(vizUrl('epoch=120&neuron=5&pair=1,0&group=mlp&sv=W_Q&head=2&metric=flatness_ratio'));
    const expectRestored = async () => {
      await eventually(() => texts(page.locator('viz-sidebar epoch-control .label'))).toEqual(['Epoch 120 (checkpoint 4 of 6)']);
      const views: [string, string][] = [
        ['activation', 'Neuron 5 Activations - Epoch 120'],
        ['attention', 'Attention Heads (b ← a) — Epoch 120'],
        ['trajectory', 'Parameter Trajectory (Mlp)'],
        ['flatness-trajectory', 'Landscape Flatness — Flatness Ratio'],
      ];
      for (const [view, expected] of views) {
        await drawn(view);
        await eventually(() => title(view)).toEqual([expected]);
      }
      await drawn('sv-spectrum');
      await eventually(() => title('sv-spectrum').then((t) => t[0])).toMatch(/^W_Q Head 2 Singular Values — Epoch 120/);
      expect(await page.locator('viz-sidebar input[name=group][value=mlp]').isChecked()).toBe(true);
      expect(await page.locator('viz-sidebar select[name=sv]').inputValue()).toBe('W_Q');
      expect(await page.locator('viz-sidebar input[name=head]').inputValue()).toBe('2');
      expect(query()).toMatchObject({
        epoch: '120',
        neuron: '5',
        pair: '1,0',
        group: 'mlp',
        sv: 'W_Q',
        head: '2',
        metric: 'flatness_ratio',
      });
    };
    await expectRestored();
    await page.reload();
    await expectRestored();
  });

  it('keeps the view when the researcher leaves through the nav and comes back', async () => {
    await page.goto(vizUrl('epoch=120&neuron=5'));
    await drawn('activation');
    await eventually(() => title('activation')).toEqual(['Neuron 5 Activations - Epoch 120']);
    await page.locator('site-nav').getByRole('link', { name: 'Training', exact: true }).click();
    await eventually(() => new URL(page.url()).pathname).toBe('/training');
    await page.locator('site-nav').getByRole('link', { name: 'Visualization', exact: true }).click();
    await eventually(() => query()).toMatchObject({ variant, epoch: '120', neuron: '5' });
    await drawn('activation');
    await eventually(() => title('activation')).toEqual(['Neuron 5 Activations - Epoch 120']);
  });

  it('snaps a deep-linked epoch to the nearest analyzed one', async () => {
    await page.goto(vizUrl('epoch=45'));
    await eventually(() => query().epoch).toBe('40');
    await eventually(() => title('freq')).toEqual(['Embedding Fourier Coefficients - Epoch 40']);
  });

  it('shows placeholders with no variant selected and for an unknown variant, whose name the picker shows, selecting nothing', async () => {
    await page.goto(`${server.url}/viz`);
    const lossMessage = () => texts(page.locator('viz-page plot-panel[view="loss"] .plot-message span'));
    await eventually(lossMessage).toEqual(['Select a variant']);
    expect(await texts(page.locator('viz-sidebar .status'))).toEqual(['No variant selected']);
    expect(await page.locator('viz-page family-select').count()).toBe(1);
    await page.goto(`${server.url}/viz?family=${FAMILY}&variant=${FAMILY}_p13_seed404`);
    await eventually(lossMessage).toEqual(['Variant not found']);
    const picker = page.locator('viz-sidebar select[name=variant]');
    expect(await picker.inputValue()).toBe('');
    expect(await texts(picker.locator('option:checked'))).toEqual([`Not found: ${FAMILY}_p13_seed404`]);
    expect(await texts(page.locator('viz-sidebar .status'))).toEqual([`Variant not found: ${FAMILY}_p13_seed404`]);
  });

  it("names the variant in the tab title and shows its run's settings in the sidebar", async () => {
    await page.goto(vizUrl('epoch=80'));
    await eventually(() => page.title()).toBe(`Visualization — ${variant} · Training Dynamics Workbench`);
    const run = page.locator('viz-sidebar .run');
    await eventually(() => texts(run.locator('dt'))).toEqual(['Training fraction', 'Data seed', 'Epochs', 'Backend']);
    const values = await texts(run.locator('dd'));
    expect(values.slice(0, 3)).toEqual(['0.3', '598', '200 (0 … 199)']);
    expect(['native', 'portable']).toContain(values[3]);
  });

  it('links "Run analysis first" to the Analysis Run page with the variant filled in', async () => {
    await page.goto(`${server.url}/viz?family=${FAMILY}&variant=${unanalyzed}`);
    const link = panel('freq').getByRole('link', { name: 'Run analysis first' });
    await link.waitFor();
    await link.click();
    await eventually(() => new URL(page.url()).pathname).toBe('/analysis-run');
    await eventually(() => page.locator('analysis-run-page select[name=variant]').inputValue()).toBe(unanalyzed);
    await eventually(() => page.locator('analysis-run-page .analyzer code').count()).toBe(10);
  });

  it("draws an interrupted variant's loss curve from its training progress", async () => {
    await page.goto(`${server.url}/viz?family=${FAMILY}&variant=${interrupted}`);
    const loss = await drawn('loss');
    await eventually(() => texts(page.locator('viz-sidebar .status'))).toEqual([`Variant: ${interrupted} | State: incomplete`]);
    expect(await loss.locator('.plot-message').count()).toBe(0);
    expect(await texts(loss.locator('.legendtext'))).toEqual(expect.arrayContaining(['Train Loss', 'Test Loss']));
  });

  it('widens the plots when the sidebar is hidden', async () => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.goto(vizUrl('epoch=80'));
    const loss = await drawn('loss');
    const width = () => figureWidth(loss);
    const before = await width();
    await page.locator('viz-sidebar button.toggle').click();
    await eventually(width).toBeGreaterThan(before + 200);
  });

  it('fits every plot to the page after the sidebar is shown again while scrolled away', async () => {
    await page.goto(vizUrl('epoch=80'));
    const loss = await drawn('loss');
    const lossWidth = () => figureWidth(loss);
    const before = await lossWidth();
    const toggle = page.locator('viz-sidebar button.toggle');
    await toggle.click();
    await eventually(lossWidth).toBeGreaterThan(before + 200);
    await page.evaluate(() => window.scrollTo(0, 3000));
    await page.waitForTimeout(1000);
    await toggle.click();
    await page.waitForTimeout(1000);
    await page.evaluate(() => window.scrollTo(0, 0));
    await eventually(lossWidth).toBe(before);
    // Every figure near the viewport fits its panel, and none off screen (still as wide as drawn) widens the page.
    const overflows = () =>
      page.locator('viz-page plot-panel').evaluateAll((panels) => {
        const wide = panels
          .filter((panel) => {
            const { top, bottom } = panel.getBoundingClientRect();
            const near = bottom > 0 && top < window.innerHeight;
            return near && Number(panel.querySelector('.main-svg')?.getAttribute('width') ?? 0) > panel.clientWidth;
          })
          .map((panel) => panel.getAttribute('view'));
        const { scrollWidth, clientWidth } = document.documentElement;
        return scrollWidth > clientWidth ? [`page ${scrollWidth} > ${clientWidth}`, ...wide] : wide;
      });
    await eventually(overflows).toEqual([]);
    // Each drawn figure fits once scrolled to, the ones last drawn with the sidebar hidden included.
    for (const view of VIEWS.map((v) => v.id)) {
      if ((await panel(view).locator('.main-svg').count()) === 0) continue;
      await panel(view).scrollIntoViewIfNeeded();
      await eventually(overflows).toEqual([]);
    }
  });

  it('labels the epoch marker inside the plot at the last epoch', async () => {
    await page.goto(vizUrl('epoch=199'));
    const loss = await drawn('loss');
    await eventually(() => markerLabel('loss')).toEqual(['Epoch 199']);
    const [label, plot] = await Promise.all([
      loss.locator('.annotation').first().boundingBox(),
      loss.locator('.main-svg').first().boundingBox(),
    ]);
    expect(label!.x + label!.width).toBeLessThanOrEqual(plot!.x + plot!.width);
  });
});
