import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../frontend/pages/jobs-page.ts';
import type { JobsPage } from '../../frontend/pages/jobs-page.ts';
import type { JobRecord } from '../../shared/jobs.ts';
import { SLOW, deepOne as one, deepQuery } from './deep-query.ts';

const FAMILY = 'modulo_addition_1layer';
const LONG = { timeout: 60_000 };

async function post(path: string, body: unknown = {}): Promise<Response> {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function submitTraining(prime: number, seed: number, numEpochs: number): Promise<JobRecord> {
  const body = {
    kind: 'train',
    family: FAMILY,
    params: { prime, seed },
    training: { num_epochs: numEpochs, checkpoint_epochs: [0] },
    overwrite: true,
  };
  const response = await post('/api/jobs', body);
  expect(response.status).to.equal(202);
  return (await response.json()) as JobRecord;
}

const job = async (id: string) => (await (await fetch(`/api/jobs/${id}`)).json()) as JobRecord;

async function finished(id: string): Promise<JobRecord> {
  await waitUntil(async () => (await job(id)).state === 'succeeded', `job ${id} succeeded`, LONG);
  return job(id);
}

/** A training that runs until cancelled, past its first epochs (so it has a checkpoint to resume from). */
async function longTraining(prime: number, seed: number): Promise<JobRecord> {
  const started = await submitTraining(prime, seed, 1_000_000);
  await waitUntil(async () => ((await job(started.id)).progress.epoch ?? 0) > 2, 'training past its first checkpoint', LONG);
  return started;
}

async function stop(id: string) {
  await post(`/api/jobs/${id}/cancel`);
  await waitUntil(async () => !['queued', 'running'].includes((await job(id)).state), 'job stopped', SLOW);
}

async function loadedPage(): Promise<JobsPage> {
  const page = await fixture<JobsPage>(html`<jobs-page></jobs-page>`);
  await waitUntil(() => rows(page).length > 0, 'jobs listed', SLOW);
  return page;
}

const runTable = (page: JobsPage) => one(page, 'run-table').shadowRoot!;
const rows = (page: JobsPage) => [...(one(page, 'run-table')?.shadowRoot?.querySelectorAll<HTMLTableRowElement>('tbody tr') ?? [])];
const row = (page: JobsPage, id: string) => runTable(page).querySelector<HTMLTableRowElement>(`tr[data-id="${id}"]`);
const cell = (page: JobsPage, id: string, name: string) => row(page, id)?.querySelector(`.${name}`)?.textContent?.trim();
const buttons = (page: JobsPage, id: string) => [...(row(page, id)?.querySelectorAll('button') ?? [])].map((b) => b.textContent!.trim());
const button = (page: JobsPage, id: string, label: string) =>
  [...row(page, id)!.querySelectorAll('button')].find((b) => b.textContent!.trim() === label)!;

async function choose(page: JobsPage, name: string, value: string) {
  const select = one<HTMLSelectElement>(page, `select[name=${name}]`);
  select.value = value;
  select.dispatchEvent(new Event('change'));
  await page.updateComplete;
}

const variantTable = (page: JobsPage) => one(page, 'variant-table').shadowRoot!;
const variantRow = (page: JobsPage, variant: string) => variantTable(page).querySelector(`tr[data-variant="${variant}"]`);
const variantButton = (page: JobsPage, label: string) =>
  [...variantTable(page).querySelectorAll('button')].find((b) => b.textContent!.trim() === label)!;

describe('jobs-page', () => {
  it('lists jobs newest first with their state, final losses and links, and filters them by kind and state', async () => {
    const training = await finished((await submitTraining(7, 31, 20)).id);
    const analysis = await post('/api/jobs', { kind: 'analyze', family: FAMILY, variant: training.variant });
    const analyzeId = ((await analysis.json()) as JobRecord).id;
    await finished(analyzeId);

    const page = await loadedPage();
    const ids = rows(page).map((r) => r.dataset.id);
    expect(ids.indexOf(analyzeId)).to.be.below(ids.indexOf(training.id));
    expect(cell(page, training.id, 'kind')).to.equal('Training');
    expect(cell(page, training.id, 'subject')).to.equal(training.variant);
    expect(cell(page, training.id, 'state')).to.equal('Complete');
    expect(cell(page, training.id, 'result')).to.match(/^train \S+ · test \S+$/);
    expect(cell(page, training.id, 'duration')).to.match(/^\d+ s$/);
    expect(cell(page, analyzeId, 'result')).to.equal('–');
    const links = [...row(page, training.id)!.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).to.deep.equal([
      ['Analyze', `/analysis-run?family=${FAMILY}&variant=${training.variant}`],
      ['View', `/viz?family=${FAMILY}&variant=${training.variant}`],
    ]);

    await choose(page, 'kind', 'analyze');
    expect(rows(page).length).to.be.above(0);
    expect(rows(page).every((r) => r.dataset.kind === 'analyze')).to.equal(true);
    await choose(page, 'kind', '');
    await choose(page, 'state', 'succeeded');
    expect(rows(page).map((r) => r.dataset.id)).to.include.members([training.id, analyzeId]);
    expect(rows(page).every((r) => r.dataset.state === 'succeeded')).to.equal(true);
    await choose(page, 'kind', 'sweep');
    await choose(page, 'state', 'queued');
    expect(rows(page)).to.deep.equal([]);
    expect(runTable(page).querySelector('.empty')!.textContent).to.equal('No job or sweep matches these filters');
  });

  it('cancels a running training, resumes it, and retries it, following its state live', async () => {
    const running = await longTraining(31, 32);
    try {
      const page = await loadedPage();
      await waitUntil(() => cell(page, running.id, 'state') === 'Running', 'running job shown', SLOW);
      expect(buttons(page, running.id)).to.deep.equal(['Cancel']);

      button(page, running.id, 'Cancel').click();
      await waitUntil(() => cell(page, running.id, 'state') === 'Cancelled', 'cancelled', SLOW);
      expect(buttons(page, running.id)).to.deep.equal(['Resume', 'Retry']);

      button(page, running.id, 'Resume').click();
      await waitUntil(() => cell(page, running.id, 'state') === 'Running', 'running again', LONG);
      expect((await job(running.id)).attempts).to.equal(2);
      button(page, running.id, 'Cancel').click();
      await waitUntil(() => cell(page, running.id, 'state') === 'Cancelled', 'cancelled again', SLOW);

      button(page, running.id, 'Retry').click();
      await waitUntil(() => cell(page, running.id, 'state') === 'Running', 'retried', LONG);
      expect((await job(running.id)).attempts).to.equal(3);
    } finally {
      await stop(running.id);
    }
  });

  it("deletes a variant only after a confirmation, and shows the server's refusal while a job holds it", async () => {
    const training = await finished((await submitTraining(5, 33, 20)).id);
    const page = await loadedPage();
    await waitUntil(() => variantRow(page, training.variant), 'variant listed', SLOW);
    variantRow(page, training.variant)!.querySelector('button')!.click();
    await page.updateComplete;
    const question = () => variantTable(page).querySelector('[role=alertdialog] .question')?.textContent;
    await waitUntil(() => question(), 'confirmation asked');
    expect(question()).to.equal(
      `Delete ${training.variant}? Its checkpoints and analysis results are removed from disk; this cannot be undone.`,
    );

    variantButton(page, 'Keep').click();
    await waitUntil(() => !question(), 'confirmation dismissed');
    expect(variantRow(page, training.variant)).to.not.equal(null);
    expect((await fetch(`/api/variants/${FAMILY}/${training.variant}`)).status).to.equal(200);

    variantRow(page, training.variant)!.querySelector('button')!.click();
    await waitUntil(() => question(), 'confirmation asked again');
    variantButton(page, 'Delete variant').click();
    await waitUntil(() => !variantRow(page, training.variant), 'variant gone', SLOW);
    expect(one(page, '[role=status]').textContent).to.equal(`Deleted ${training.variant}.`);
    expect((await fetch(`/api/variants/${FAMILY}/${training.variant}`)).status).to.equal(404);

    const running = await longTraining(37, 34);
    try {
      const busy = await loadedPage();
      await waitUntil(() => variantRow(busy, running.variant), 'running variant listed', SLOW);
      variantRow(busy, running.variant)!.querySelector('button')!.click();
      await waitUntil(() => variantTable(busy).querySelector('[role=alertdialog]'), 'confirmation asked', SLOW);
      variantButton(busy, 'Delete variant').click();
      await waitUntil(() => deepQuery(busy.shadowRoot!, 'section[aria-label=Variants] [role=alert]').length > 0, 'refusal shown', SLOW);
      expect(one(busy, 'section[aria-label=Variants] [role=alert]').textContent).to.match(
        new RegExp(`^variant ${running.variant} is busy: job ${running.id} is training it$`),
      );
      expect(variantRow(busy, running.variant)).to.not.equal(null);
    } finally {
      await stop(running.id);
    }
  });

  it('keeps figures on one line and breaks a variant name only after an underscore, in a narrow window', async () => {
    const training = await finished((await submitTraining(7, 33, 20)).id);
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 420px"><jobs-page></jobs-page></div>`);
    const page = wrapper.querySelector('jobs-page')!;
    await waitUntil(() => row(page, training.id), 'job listed', SLOW);
    const lines = (element: Element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    };
    const figureCells = [...row(page, training.id)!.querySelectorAll('.duration, .progress .figure, td.figure:first-child')];
    expect(figureCells.map(lines)).to.deep.equal(figureCells.map(() => 1));
    // Every break point of the name is right after an underscore.
    const subject = row(page, training.id)!.querySelector('.subject')!;
    expect(subject.textContent).to.equal(training.variant);
    for (const wbr of subject.querySelectorAll('wbr')) expect(wbr.previousSibling!.textContent!.endsWith('_')).to.equal(true);
    expect(subject.querySelectorAll('wbr').length).to.equal(training.variant.split('_').length - 1);
  });
});
