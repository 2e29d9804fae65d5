import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../frontend/pages/reports-page.ts';
import type { ReportsPage } from '../../frontend/pages/reports-page.ts';
import type { JobRecord } from '../../shared/jobs.ts';
import { SLOW, deepOne as one, deepQuery } from './deep-query.ts';

const FAMILY = 'modulo_addition_1layer';

/** Runs a job through the real API (the test server's results folder) and waits for it. */
async function runJob(body: unknown): Promise<JobRecord> {
  const response = await fetch('/api/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const job = (await response.json()) as JobRecord;
  expect(response.status, JSON.stringify(job)).to.equal(202);
  await waitUntil(async () => ((await (await fetch(`/api/jobs/${job.id}`)).json()) as JobRecord).state === 'succeeded', 'job done', {
    timeout: 60000,
  });
  return job;
}

const table = (page: ReportsPage) => one(page, 'report-table');
const bodyRows = (page: ReportsPage) => [...table(page).shadowRoot!.querySelectorAll('tbody tr')] as HTMLTableRowElement[];
const rowNames = (page: ReportsPage) => bodyRows(page).map((row) => row.dataset.variant);
const headers = (page: ReportsPage) => [...table(page).shadowRoot!.querySelectorAll('th[data-column]')] as HTMLElement[];
const header = (page: ReportsPage, column: string) => headers(page).find((th) => th.dataset.column === column)!;
const cell = (page: ReportsPage, variant: string, column: string) =>
  table(page).shadowRoot!.querySelector(`tr[data-variant="${variant}"] td[data-column="${column}"]`)!.textContent!.trim();
const panel = (page: ReportsPage, view: string) => deepQuery<HTMLElement>(page.shadowRoot!, `plot-panel[view="${view}"]`)[0]!;
const traces = (page: ReportsPage, view: string) =>
  ((panel(page, view).querySelector('.plot-graph') as unknown as { data?: { name: string }[] }).data ?? []).map((t) => t.name);

describe('reports-page', () => {
  const variants: string[] = [];
  const originalUrl = window.location.href;

  before(async function () {
    // Two trainings and an analysis through real job processes.
    this.timeout(180_000);
    for (const seed of [101, 102]) {
      const job = await runJob({
        kind: 'train',
        family: FAMILY,
        params: { prime: 11, seed },
        training: { num_epochs: 40, checkpoint_epochs: [0, 20], training_fraction: seed === 101 ? 0.3 : 0.6 },
      });
      variants.push(job.variant);
    }
    await runJob({ kind: 'analyze', family: FAMILY, variant: variants[0] });
  });

  afterEach(() => history.replaceState(null, '', originalUrl));

  async function open(query = ''): Promise<ReportsPage> {
    history.replaceState(null, '', `${window.location.pathname}${query}`);
    const page = await fixture<ReportsPage>(html`<reports-page></reports-page>`);
    await waitUntil(() => bodyRows(page).length >= 2, 'rows listed', SLOW);
    return page;
  }

  it('lists every variant with its state, settings and metrics, and says how each column is defined', async () => {
    const page = await open(`?family=${FAMILY}&columns=name,state,param:prime,training_fraction,final_test_loss,specialized_total`);
    expect(rowNames(page)).to.include.members(variants);
    expect(cell(page, variants[0]!, 'state')).to.equal('analyzed');
    expect(cell(page, variants[1]!, 'state')).to.equal('trained');
    expect(cell(page, variants[1]!, 'training_fraction')).to.equal('0.6');
    expect(cell(page, variants[0]!, 'specialized_total')).to.match(/^\d+$/);
    expect(cell(page, variants[1]!, 'specialized_total')).to.equal('');
    const report = (await (await fetch(`/api/reports/${FAMILY}`)).json()) as {
      rows: { name: string; metrics: { final_test_loss: number } }[];
    };
    const { formatNumber } = await import('../../shared/format.ts');
    const loss = report.rows.find((r) => r.name === variants[0])!.metrics.final_test_loss;
    expect(cell(page, variants[0]!, 'final_test_loss')).to.equal(formatNumber(loss));
    expect(header(page, 'final_test_loss').title).to.equal('test loss after the last epoch');
    const definitions = deepQuery(page.shadowRoot!, 'dl.definitions dt').map((dt) => dt.textContent);
    expect(definitions).to.deep.equal(['Variant', 'State', 'Prime (p)', 'Train fraction', 'Final test loss', 'Specialized']);
  });

  it('sorts by a header, filters, chooses columns, and keeps it all in the URL', async () => {
    const page = await open(`?family=${FAMILY}`);
    header(page, 'training_fraction').querySelector('button')!.click();
    await page.updateComplete;
    header(page, 'training_fraction').querySelector('button')!.click();
    await waitUntil(() => header(page, 'training_fraction').getAttribute('aria-sort') === 'descending', 'sorted descending', SLOW);
    expect(rowNames(page).indexOf(variants[1])).to.be.below(rowNames(page).indexOf(variants[0]));
    expect(new URLSearchParams(window.location.search).get('sort')).to.equal('training_fraction:desc');

    const filter = one<HTMLInputElement>(page, 'input[name=filter]');
    filter.value = 'seed=102';
    filter.dispatchEvent(new Event('input'));
    await waitUntil(() => bodyRows(page).length === 1, 'filtered', SLOW);
    expect(rowNames(page)).to.deep.equal([variants[1]]);

    const box = deepQuery<HTMLInputElement>(page.shadowRoot!, 'input[name=column]').find((input) => input.value === 'learning_rate')!;
    box.click();
    await waitUntil(() => header(page, 'learning_rate') !== undefined, 'column shown', SLOW);
    expect(cell(page, variants[1]!, 'learning_rate')).to.equal('0.001');
    await waitUntil(() => new URLSearchParams(window.location.search).get('filter') === 'seed=102', 'filter in the URL', SLOW);
    expect(new URLSearchParams(window.location.search).get('columns')).to.contain('learning_rate');
  });

  it('exports the shown rows and columns as CSV', async () => {
    const page = await open(`?family=${FAMILY}&columns=name,training_fraction&sort=name:asc`);
    const blobs: Blob[] = [];
    const original = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), original.call(URL, blob));
    try {
      one<HTMLButtonElement>(page, 'button[name=export-csv]').click();
    } finally {
      URL.createObjectURL = original;
    }
    const csv = await blobs[0]!.text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).to.equal('name,training_fraction');
    expect(lines).to.include(`${variants[1]},0.6`);
  });

  it('overlays the selected variants, each named by its parameters, and puts the selection in the URL', async () => {
    const page = await open(`?family=${FAMILY}`);
    for (const variant of variants) {
      const checkbox = table(page).shadowRoot!.querySelector<HTMLInputElement>(`tr[data-variant="${variant}"] input[type=checkbox]`)!;
      checkbox.click();
    }
    await waitUntil(() => traces(page, 'overlay-loss').length === 4, 'loss overlay drawn (test and train of each)', SLOW);
    expect(traces(page, 'overlay-loss')).to.deep.equal([
      'prime=11, seed=101, training_fraction=0.3',
      'prime=11, seed=101, training_fraction=0.3',
      'prime=11, seed=102, training_fraction=0.6',
      'prime=11, seed=102, training_fraction=0.6',
    ]);
    // Only the analyzed variant has a specialization curve.
    await waitUntil(() => traces(page, 'overlay-specialization').length === 1, 'specialization drawn', SLOW);
    expect(new URLSearchParams(window.location.search).get('selected')).to.equal(variants.join(','));
    // Every overlay offers its exports.
    const toolbar = [...panel(page, 'overlay-velocity').querySelectorAll('.plot-toolbar button')].map((b) => b.textContent!.trim());
    expect(toolbar).to.deep.equal(['PNG', 'SVG', 'CSV']);
  });

  it("downloads an overlay's CSV at full resolution: every stored epoch, not rounded", async () => {
    const page = await open(`?family=${FAMILY}&selected=${variants[0]}&plots=overlay-loss`);
    await waitUntil(() => traces(page, 'overlay-loss').length === 2, 'loss overlay drawn', SLOW);
    const blobs: Blob[] = [];
    const original = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), original.call(URL, blob));
    try {
      [...panel(page, 'overlay-loss').querySelectorAll<HTMLButtonElement>('.plot-toolbar button')]
        .find((b) => b.textContent!.trim() === 'CSV')!
        .click();
      await waitUntil(() => blobs.length === 1, 'CSV downloaded', SLOW);
    } finally {
      URL.createObjectURL = original;
    }
    const [head, ...rows] = (await blobs[0]!.text()).trim().split('\n');
    expect(head).to.equal(`epoch,${variants[0]}__test_loss,${variants[0]}__train_loss`);
    const detail = (await (await fetch(`/api/variants/${FAMILY}/${variants[0]}`)).json()) as {
      testLosses: number[];
      trainLosses: number[];
    };
    expect(rows).to.deep.equal(detail.testLosses.map((test, epoch) => `${epoch},${test},${detail.trainLosses[epoch]}`));
  });

  it('restores a comparison from its link', async () => {
    const page = await open(`?family=${FAMILY}&selected=${variants[1]}&sort=training_fraction:desc&plots=overlay-loss`);
    await waitUntil(() => traces(page, 'overlay-loss').length === 2, 'overlay of the linked variant', SLOW);
    expect(deepQuery(page.shadowRoot!, 'plot-panel').map((p) => p.getAttribute('view'))).to.deep.equal(['overlay-loss']);
    expect(header(page, 'training_fraction').getAttribute('aria-sort')).to.equal('descending');
    const checked = bodyRows(page)
      .filter((row) => row.querySelector<HTMLInputElement>('input[type=checkbox]')!.checked)
      .map((row) => row.dataset.variant);
    expect(checked).to.deep.equal([variants[1]]);
  });

  it('shows the final accuracies and the epoch test accuracy reaches 99 %, defined, and overlays the accuracies', async () => {
    const accuracy = ['final_train_accuracy', 'final_test_accuracy', 'test_accuracy_99_epoch'];
    const page = await open(`?family=${FAMILY}&columns=name,${accuracy.join(',')}&selected=${variants.join(',')}&plots=overlay-accuracy`);
    const { formatPercent } = await import('../../shared/format.ts');
    const report = (await (await fetch(`/api/reports/${FAMILY}`)).json()) as {
      rows: {
        name: string;
        metrics: { final_train_accuracy: number; final_test_accuracy: number; test_accuracy_99_epoch: number | null };
      }[];
    };
    for (const variant of variants) {
      const { metrics } = report.rows.find((r) => r.name === variant)!;
      expect(cell(page, variant, 'final_train_accuracy')).to.equal(formatPercent(metrics.final_train_accuracy));
      expect(cell(page, variant, 'final_test_accuracy')).to.equal(formatPercent(metrics.final_test_accuracy));
      expect(cell(page, variant, 'test_accuracy_99_epoch')).to.equal(metrics.test_accuracy_99_epoch?.toString() ?? '');
    }
    expect(cell(page, variants[0]!, 'final_train_accuracy')).to.match(/^\d+(\.\d)? %$/);
    expect(deepQuery(page.shadowRoot!, 'dl.definitions dt').map((dt) => dt.textContent)).to.deep.equal([
      'Variant',
      'Final train acc',
      'Final test acc',
      'Test acc ≥ 99 % at',
    ]);
    expect(header(page, 'test_accuracy_99_epoch').title).to.contain('the first epoch whose test accuracy is at least 99 %');
    // Test (solid) and train (dotted) accuracy of each variant, on a percent axis.
    await waitUntil(() => traces(page, 'overlay-accuracy').length === 4, 'accuracy overlay drawn', SLOW);
    const graph = panel(page, 'overlay-accuracy').querySelector('.plot-graph') as unknown as {
      layout: { yaxis: { tickformat: string } };
      data: { line: { dash: string } }[];
    };
    expect(graph.layout.yaxis.tickformat).to.equal('.0%');
    expect(graph.data.map((t) => t.line.dash)).to.deep.equal(['solid', 'dot', 'solid', 'dot']);
  });
});
