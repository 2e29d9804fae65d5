import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../frontend/components/plot-panel.ts';
import type { PlotClickEvent, PlotPanel, PlotVisibleEvent } from '../../frontend/components/plot-panel.ts';
import {
  activationSpec,
  dominantFrequenciesSpec,
  lossSpec,
  perturbationSpec,
  PLACEHOLDER,
  placeholderSpec,
  specializationTrajectorySpec,
  withEpochMarker,
  type NdArray,
} from '../../frontend/plots/index.ts';

const nd = (data: number[], shape = [data.length]): NdArray => ({ shape, data });
const summary = {
  epochs: [0, 10, 20, 30],
  specialized_count_total: nd([1, 4, 9, 16]),
  specialized_count_low: nd([0, 1, 2, 3]),
  specialized_count_mid: nd([1, 2, 3, 4]),
  specialized_count_high: nd([0, 1, 4, 9]),
  specialized_count_per_freq: nd([0, 1, 1, 2, 2, 3, 3, 4], [4, 2]),
};
const trajectorySpec = (epoch: number) => specializationTrajectorySpec(summary, epoch);
const barsSpec = (epoch: number) => dominantFrequenciesSpec({ coefficients: nd([2, 0.5, 1.5, 0.2, 0.1]) }, epoch);

interface GraphDiv extends HTMLDivElement {
  layout: { shapes: { x0: number }[]; annotations: { text: string }[] };
  data: { name?: string }[];
  emit(event: string, data: unknown): void;
}
/** Runs `action` with downloads caught instead of saved: each anchor click's file name and, for text exports, its Blob. */
async function interceptDownloads(action: (files: { name: string; blob?: Blob }[]) => Promise<void>) {
  const files: { name: string; blob?: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  const { click } = HTMLAnchorElement.prototype;
  const { createObjectURL } = URL;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    files.push({ name: this.download, blob: blobs.get(this.href) });
  };
  URL.createObjectURL = (blob: Blob) => {
    const url = createObjectURL(blob);
    blobs.set(url, blob);
    return url;
  };
  try {
    await action(files);
  } finally {
    HTMLAnchorElement.prototype.click = click;
    URL.createObjectURL = createObjectURL;
  }
  return files;
}

const graphOf = (panel: PlotPanel) => panel.querySelector('.plot-graph') as GraphDiv;
const texts = (root: ParentNode, selector: string) => [...root.querySelectorAll(selector)].map((node) => node.textContent);

async function drawn(spec = trajectorySpec(10), attrs = html``) {
  const panel = await fixture<PlotPanel>(
    html`<plot-panel view="spec-trajectory" variant="v1" .epoch=${10} .spec=${spec}>${attrs}</plot-panel>`,
  );
  await waitUntil(() => panel.querySelector('.main-svg'), 'Plotly did not draw', { timeout: 15000 });
  await panel.whenSettled();
  return panel;
}

describe('plot-panel', () => {
  // First, while Plotly has not loaded yet in this page.
  it("shows its view's title and a loading state in the figure's place at once, before Plotly has drawn", async () => {
    const panel = await fixture<PlotPanel>(html`<plot-panel view="spec-trajectory" .spec=${trajectorySpec(10)}></plot-panel>`);
    expect(panel.querySelector('.main-svg')).to.equal(null);
    expect(texts(panel, '.plot-message > *')).to.deep.equal(['Neuron Specialization Trajectory', 'Loading…']);
    expect(panel.querySelector('.plot-area')!.getBoundingClientRect().height).to.equal(300);
    await waitUntil(() => panel.querySelector('.main-svg'), 'Plotly did not draw', { timeout: 15000 });
    await panel.updateComplete;
    expect(panel.querySelector('.plot-message')).to.equal(null);
  });

  it('shows a placeholder as its message without Plotly, "Run analysis first" linking to the Analysis Run page', async () => {
    const panel = await drawn();
    panel.analysisHref = '/analysis-run?family=f&variant=v1';
    panel.spec = placeholderSpec(PLACEHOLDER.runAnalysisFirst);
    await panel.updateComplete;
    const link = panel.querySelector<HTMLAnchorElement>('.plot-message a')!;
    expect([link.textContent, link.getAttribute('href')]).to.deep.equal(['Run analysis first', '/analysis-run?family=f&variant=v1']);
    await waitUntil(() => !panel.querySelector('.main-svg'), 'the figure was not removed');
    panel.spec = placeholderSpec(PLACEHOLDER.selectVariant);
    await panel.updateComplete;
    expect(panel.querySelector('.plot-message a')).to.equal(null);
    expect(texts(panel, '.plot-message > *')).to.deep.equal(['Neuron Specialization Trajectory', 'Select a variant']);
  });

  it('draws with Plotly into light DOM', async () => {
    const panel = await drawn();
    expect(panel.shadowRoot).to.equal(null);
    expect(panel.querySelector('.js-plotly-plot')).to.equal(graphOf(panel));
    expect(texts(panel, '.gtitle')).to.deep.equal(['Neuron Specialization Over Training']);
    expect(texts(panel, '.annotation-text')).to.deep.equal(['Epoch 10']);
  });

  it('moves the epoch marker through react, without redrawing the traces', async () => {
    const panel = await drawn();
    const graph = graphOf(panel);
    const traceLayer = graph.querySelector('.scatterlayer');
    const tracePath = graph.querySelector('.scatterlayer path.js-line');
    panel.spec = withEpochMarker(panel.spec!, 30);
    await panel.updateComplete;
    await panel.whenSettled();
    expect(graph.layout.shapes[0]!.x0).to.equal(30);
    expect(texts(panel, '.annotation-text')).to.deep.equal(['Epoch 30']);
    expect(graph.querySelector('.scatterlayer')).to.equal(traceLayer);
    expect(graph.querySelector('.scatterlayer path.js-line')).to.equal(tracePath);
  });

  it('reacts to a new spec in the same graph, dropping patches of the old one', async () => {
    const panel = await drawn(barsSpec(10));
    const graph = graphOf(panel);
    panel.spec = barsSpec(20);
    await panel.updateComplete;
    await panel.whenSettled();
    expect(graphOf(panel)).to.equal(graph);
    expect(texts(panel, '.gtitle')).to.deep.equal(['Embedding Fourier Coefficients - Epoch 20']);
  });

  it('re-dispatches a Plotly click as a composed plot-click', async () => {
    const panel = await drawn();
    const heard = oneEvent(document, 'plot-click') as Promise<PlotClickEvent>;
    graphOf(panel).emit('plotly_click', { points: [{ x: 20, y: 9, customdata: undefined, curveNumber: 0, pointNumber: 2 }] });
    const event = await heard;
    expect(event.composed).to.equal(true);
    expect(event.detail).to.deep.include({ view: 'spec-trajectory', x: 20, y: 9, curveNumber: 0, pointNumber: 2 });
  });

  it('takes the point drawn nearest the pointer when a click reports one per trace (x unified)', async () => {
    const panel = await drawn();
    const graph = graphOf(panel);
    const top = graph.getBoundingClientRect().top;
    const yaxis = { _offset: 30, c2p: (v: number) => 100 - 10 * v };
    // Drawn at top + 30 + 90 (y = 1) and top + 30 + 50 (y = 5); Plotly lists the last trace first.
    const points = [
      { x: 20, y: 5, curveNumber: 1, pointNumber: 2, yaxis },
      { x: 20, y: 1, curveNumber: 0, pointNumber: 2, yaxis },
    ];
    for (const [pointerY, curve] of [
      [top + 118, 0],
      [top + 84, 1],
    ]) {
      const heard = oneEvent(document, 'plot-click') as Promise<PlotClickEvent>;
      graph.emit('plotly_click', { points, event: { clientY: pointerY } });
      expect((await heard).detail.curveNumber).to.equal(curve);
    }
  });

  it('labels the accuracy axis 0 % … 100 %, not at the loss grid (Plotly syncs overlaying axes by default)', async () => {
    const epochs = Array.from({ length: 50 }, (_, e) => e);
    const losses = {
      trainLosses: epochs.map((e) => 4 * 0.8 ** e),
      testLosses: epochs.map((e) => 4.5 * 0.9 ** e),
      trainAccuracies: epochs.map((e) => Math.min(1, e / 10)),
      testAccuracies: epochs.map((e) => Math.min(1, e / 40)),
    };
    const panel = await drawn(lossSpec(losses, [0, 10, 20], 10));
    const accuracyTicks = [...panel.querySelectorAll('.y2tick text')].map((tick) => tick.textContent);
    expect(accuracyTicks).to.include.members(['0%', '100%']);
  });

  it('follows its container width', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="width: 400px"><plot-panel view="spec-trajectory" .spec=${trajectorySpec(10)}></plot-panel></div>`,
    );
    const panel = wrapper.querySelector('plot-panel')!;
    await waitUntil(() => panel.querySelector('.main-svg'), 'not drawn', { timeout: 15000 });
    const svgWidth = () => Number(panel.querySelector('.main-svg')!.getAttribute('width'));
    expect(svgWidth()).to.equal(400);
    wrapper.style.width = '700px';
    await waitUntil(() => svgWidth() === 700, 'did not resize');
  });

  it('fits its container after a width change while off screen, and never widens the page meanwhile', async () => {
    // As the Visualization page's sidebar toggled while scrolled away: the sidebar hidden (wide), the
    // far panel drawn, the sidebar shown (narrow) with the near panel off screen and its marker moved.
    const narrow = window.innerWidth - 100;
    const wide = window.innerWidth + 200;
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="width: ${narrow}px">
        <plot-panel lazy view="spec-trajectory" .spec=${trajectorySpec(10)}></plot-panel>
        <div style="height: 3000px"></div>
        <plot-panel lazy view="spec-trajectory" .spec=${trajectorySpec(10)}></plot-panel>
      </div>`,
    );
    const [near, far] = [...wrapper.querySelectorAll('plot-panel')] as [PlotPanel, PlotPanel];
    const svgWidth = (panel: PlotPanel) => Number(panel.querySelector('.main-svg')?.getAttribute('width'));
    const pageFits = () => document.documentElement.scrollWidth <= document.documentElement.clientWidth;
    try {
      await waitUntil(() => svgWidth(near) === narrow, 'not drawn', { timeout: 15000 });
      wrapper.style.width = `${wide}px`;
      await waitUntil(() => svgWidth(near) === wide, 'did not widen');
      far.scrollIntoView();
      await waitUntil(() => svgWidth(far) === wide, 'far panel not drawn', { timeout: 15000 });
      await waitUntil(() => !near.inViewport, 'near panel still in view');
      wrapper.style.width = `${narrow}px`;
      near.spec = withEpochMarker(near.spec!, 30);
      await waitUntil(() => svgWidth(far) === narrow, 'far panel did not narrow');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pageFits(), 'an off-screen panel widens the page').to.equal(true);
      window.scrollTo(0, 0);
      await waitUntil(() => near.inViewport, 'near panel not back in view');
      await near.whenSettled();
      await waitUntil(() => svgWidth(near) === narrow, `near panel kept ${svgWidth(near)} px`, { timeout: 3000 });
      expect(texts(near, '.annotation-text')).to.deep.equal(['Epoch 30']);
      expect(pageFits()).to.equal(true);
    } finally {
      window.scrollTo(0, 0);
    }
  });

  it("draws the perturbation histogram's mean and median labels apart however close the two values", async () => {
    // The mean just below, then just above, the median.
    for (const deltas of [
      [0, 0.5, 0.6, 0.61, 0.62, 1],
      [0, 0.4, 0.5, 0.51, 0.52, 1.2],
    ]) {
      const spec = perturbationSpec({ baseline_loss: nd([1], [1]), delta_losses: nd(deltas) }, 0);
      const panel = await drawn(spec);
      const [mean, median] = [...panel.querySelectorAll('.annotation')].map((label) => label.getBoundingClientRect());
      const plotArea = panel.querySelector('.nsewdrag')!.getBoundingClientRect();
      expect(texts(panel, '.annotation-text')).to.have.length(2);
      const apart =
        mean!.bottom <= median!.top || median!.bottom <= mean!.top || mean!.right <= median!.left || median!.right <= mean!.left;
      expect(apart, `labels overlap: ${JSON.stringify([mean, median])}`).to.equal(true);
      for (const label of [mean!, median!]) expect(label.left >= plotArea.left && label.right <= plotArea.right).to.equal(true);
    }
  });

  it('purges on disconnect and re-plots with its restyle on reconnect', async () => {
    const panel = await drawn();
    panel.restyleTraces({ update: { name: ['Restyled'] }, traceIndices: [0] });
    await panel.whenSettled();
    expect(graphOf(panel).data[0]!.name).to.equal('Restyled');
    const parent = panel.parentElement!;
    panel.remove();
    await waitUntil(() => !graphOf(panel).querySelector('.main-svg'), 'not purged');
    expect((graphOf(panel) as unknown as { data?: unknown }).data).to.equal(undefined);
    parent.append(panel);
    await waitUntil(() => panel.querySelector('.main-svg'), 'not re-plotted');
    await panel.whenSettled();
    expect(graphOf(panel).data[0]!.name).to.equal('Restyled');
  });

  it('with lazy, draws only once scrolled into view, and says so', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="height: 300px; overflow: auto">
        <div style="height: 3000px"></div>
        <plot-panel lazy view="spec-trajectory" .spec=${trajectorySpec(10)}></plot-panel>
      </div>`,
    );
    const panel = wrapper.querySelector('plot-panel')!;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await panel.whenSettled();
    expect(panel.querySelector('.main-svg')).to.equal(null);
    expect(panel.inViewport).to.equal(false);
    panel.spec = withEpochMarker(panel.spec!, 30);
    const visible = oneEvent(panel, 'plot-visible') as Promise<PlotVisibleEvent>;
    wrapper.scrollTop = 3000;
    expect((await visible).detail).to.deep.equal({ view: 'spec-trajectory' });
    expect(panel.inViewport).to.equal(true);
    await waitUntil(() => panel.querySelector('.main-svg'), 'not drawn in view', { timeout: 15000 });
    await panel.whenSettled();
    expect(texts(panel, '.annotation-text')).to.deep.equal(['Epoch 30']);
  });

  it('with lazy, tells whether it is near or on screen even before the observer first reports', async () => {
    const container = await fixture<HTMLDivElement>(html`<div><div style="height: ${window.innerHeight + 50}px"></div></div>`);
    const spacer = container.firstElementChild as HTMLDivElement;
    const near = Object.assign(document.createElement('plot-panel'), { lazy: true, view: 'loss' as const });
    const far = Object.assign(document.createElement('plot-panel'), { lazy: true, view: 'loss' as const });
    container.append(near);
    container.after(Object.assign(document.createElement('div'), { style: 'height: 3000px' }), far);
    // Connected this task: no observer report yet, so both answers come from the position.
    expect([near.inViewport, near.onScreen]).to.deep.equal([true, false]);
    expect([far.inViewport, far.onScreen]).to.deep.equal([false, false]);
    spacer.style.height = '0px';
    expect(near.onScreen).to.equal(true);
    far.previousElementSibling!.remove();
    far.remove();
  });

  it('draws the 3-D trajectory', async () => {
    const spec = {
      data: [{ type: 'scatter3d' as const, mode: 'lines' as const, x: [0, 1, 2], y: [0, 1, 0], z: [1, 0, 1] }],
      layout: { height: 300 },
    };
    const panel = await fixture<PlotPanel>(html`<plot-panel view="trajectory-3d" .spec=${spec}></plot-panel>`);
    await waitUntil(() => panel.querySelector('.gl-container'), 'no 3-D scene', { timeout: 15000 });
    await panel.whenSettled();
    expect((graphOf(panel) as unknown as { _fullLayout: { scene?: unknown } })._fullLayout.scene).to.not.equal(undefined);
  });

  it("brings Plotly's CSS into the shadow root that holds it", async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    const panel = document.createElement('plot-panel');
    panel.view = 'spec-trajectory';
    panel.spec = trajectorySpec(10);
    root.append(panel);
    await waitUntil(() => panel.querySelector('.main-svg'), 'not drawn', { timeout: 15000 });
    expect(getComputedStyle(panel.querySelector('.main-svg')!).position).to.equal('absolute');
    expect(getComputedStyle(panel.querySelector('.plot-toolbar')!).display).to.equal('flex');
  });

  it('exports PNG, SVG and CSV named {variant}__{view}__epoch{NNNNN}, the CSV one tidy table', async () => {
    const panel = await drawn();
    const [png, svg, csv] = [...panel.querySelectorAll<HTMLButtonElement>('.plot-toolbar button')];
    const downloads = await interceptDownloads(async (files) => {
      csv!.click();
      png!.click();
      await waitUntil(() => files.length === 2, 'no PNG download', { timeout: 10000 });
      svg!.click();
      await waitUntil(() => files.length === 3, 'no SVG download', { timeout: 10000 });
    });
    expect(downloads.map((file) => file.name)).to.deep.equal([
      'v1__spec-trajectory__epoch00010.csv',
      'v1__spec-trajectory__epoch00010.png',
      'v1__spec-trajectory__epoch00010.svg',
    ]);
    expect(await downloads[0]!.blob!.text()).to.equal(
      'epoch,total,low_freq,mid_freq,high_freq\n0,1,0,1,0\n10,4,1,2,1\n20,9,2,3,4\n30,16,3,4,9\n',
    );
  });

  it('exports every epoch of a thinned line, and names the selection the figure depends on', async () => {
    const epochs = 2400;
    const losses = {
      trainLosses: Array.from({ length: epochs }, (_, e) => 1 / (e + 1)),
      testLosses: Array.from({ length: epochs }, () => 2),
    };
    const loss = await fixture<PlotPanel>(
      html`<plot-panel view="loss" variant="v1" .epoch=${100} .spec=${lossSpec(losses, [100], 100)}></plot-panel>`,
    );
    const activation = await fixture<PlotPanel>(
      html`<plot-panel
        view="activation"
        variant="v1"
        .epoch=${100}
        .spec=${activationSpec({ activations: { shape: [2, 2], data: [1, 2, 3, 4] } }, 7, 100)}
      ></plot-panel>`,
    );
    const csvButton = (panel: PlotPanel) => panel.querySelectorAll<HTMLButtonElement>('.plot-toolbar button')[2]!;
    const downloads = await interceptDownloads(async () => {
      csvButton(loss).click();
      csvButton(activation).click();
    });
    expect(downloads.map((file) => file.name)).to.deep.equal(['v1__loss__epoch00100.csv', 'v1__activation__neuron7__epoch00100.csv']);
    const lossRows = (await downloads[0]!.blob!.text()).trimEnd().split('\n');
    expect(lossRows.length).to.equal(epochs + 1);
    expect([lossRows[0], lossRows[100 + 1], lossRows[epochs]]).to.deep.equal([
      'epoch,train_loss,test_loss,analyzed',
      `100,${1 / 101},2,true`,
      `${epochs - 1},${1 / epochs},2,false`,
    ]);
    expect(await downloads[1]!.blob!.text()).to.equal('a,b,activation\n0,0,1\n0,1,2\n1,0,3\n1,1,4\n');
  });

  it('disables export for a placeholder', async () => {
    const panel = await fixture<PlotPanel>(html`<plot-panel view="loss" .spec=${null}></plot-panel>`);
    expect([...panel.querySelectorAll('button')].every((b) => b.disabled)).to.equal(true);
  });
});
