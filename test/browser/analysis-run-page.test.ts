import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../frontend/pages/analysis-run-page.ts';
import type { AnalysisRunPage } from '../../frontend/pages/analysis-run-page.ts';
import type { VariantsResponse } from '../../shared/api.ts';
import type { JobRecord } from '../../shared/jobs.ts';
import { SLOW, deepOne as one, deepQuery } from './deep-query.ts';

const FAMILY = 'modulo_addition_1layer';

/** Trains a tiny variant through the real API (the test server's results folder) and waits for it. */
async function trainTinyVariant(seed: number): Promise<string> {
  const response = await fetch('/api/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'train',
      family: FAMILY,
      params: { prime: 7, seed },
      training: { num_epochs: 20, checkpoint_epochs: [0, 10] },
    }),
  });
  const job = (await response.json()) as JobRecord;
  await waitUntil(
    async () => ((await (await fetch(`/api/jobs/${job.id}`)).json()) as JobRecord).state === 'succeeded',
    'training finished',
    { timeout: 20000 },
  );
  return job.variant;
}

/** Starts a training job long enough to still run while a test looks at it; cancel it afterwards. */
async function startLongTraining(seed: number): Promise<JobRecord> {
  const response = await fetch('/api/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'train',
      family: FAMILY,
      params: { prime: 5, seed },
      training: { num_epochs: 1_000_000, checkpoint_epochs: [0] },
    }),
  });
  const job = (await response.json()) as JobRecord;
  expect(response.status, JSON.stringify(job)).to.equal(202);
  const listed = async () =>
    ((await (await fetch(`/api/families/${FAMILY}/variants`)).json()) as VariantsResponse).variants.some(
      (v) => v.name === job.variant && v.state === 'training',
    );
  await waitUntil(listed, 'the training variant is listed', SLOW);
  return job;
}

const cancelJob = (id: string) =>
  fetch(`/api/jobs/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
const statusText = (page: AnalysisRunPage) => one(page, 'job-status').shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

const runButton = (page: AnalysisRunPage) =>
  deepQuery<HTMLButtonElement>(page.shadowRoot!, 'button').find((b) => b.textContent!.includes('Run Analysis'))!;
const variantOptions = (page: AnalysisRunPage) => [...one(page, 'variant-select').shadowRoot!.querySelectorAll('option')];

async function chooseVariant(page: AnalysisRunPage, variant: string) {
  const select = one<HTMLSelectElement>(page, 'select[name=variant]');
  select.value = variant;
  select.dispatchEvent(new Event('change'));
  await waitUntil(() => deepQuery(page.shadowRoot!, '.analyzer code').length > 0, 'analyzers listed', SLOW);
}

describe('analysis-run-page', () => {
  let variant: string;
  before(async () => {
    variant = await trainTinyVariant(1);
  });

  it('lists variants with their state, nothing pre-selected, and Run disabled until one is chosen', async () => {
    const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
    await waitUntil(() => variantOptions(page).length > 1, 'variants loaded', SLOW);
    const options = variantOptions(page);
    expect(options[0]!.selected).to.equal(true);
    expect(options[0]!.textContent!.trim()).to.equal('Select variant...');
    expect(options.map((o) => o.textContent!.trim())).to.include('● prime=7, seed=1 [trained]');
    expect(runButton(page).disabled).to.equal(true);
  });

  it('says in the status what to do in every state: select, then run', async () => {
    const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
    await waitUntil(() => variantOptions(page).length > 1, 'variants loaded', SLOW);
    expect(statusText(page)).to.equal('Select a variant to analyze');
    await chooseVariant(page, variant);
    await waitUntil(() => statusText(page).startsWith('Ready'), 'ready', SLOW);
    expect(statusText(page)).to.equal(`Ready to analyze ${variant} with 10 of 10 analyzers: press Run Analysis.`);
  });

  it('says it is loading, not that there are no variants, while they are on their way', async () => {
    const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
    const seen = new Set<string>();
    const look = () => {
      const status = page.shadowRoot?.querySelector('job-status');
      if (status?.shadowRoot) seen.add(statusText(page));
      return variantOptions(page).length > 1;
    };
    await waitUntil(look, 'variants loaded', { ...SLOW, interval: 5 });
    expect([...seen].filter((text) => text.startsWith('No variants'))).to.deep.equal([]);
    expect([...seen]).to.include('Select a variant to analyze');
  });

  it('says so when the URL names a variant the family does not have', async () => {
    const before = window.location.href;
    history.replaceState(null, '', `?family=${FAMILY}&variant=${FAMILY}_p7_seed404`);
    try {
      const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
      await waitUntil(() => page.shadowRoot!.querySelector('.error'), 'error shown', SLOW);
      expect(page.shadowRoot!.querySelector('.error')!.textContent).to.contain(
        `names variant "${FAMILY}_p7_seed404", which ${FAMILY} does not have`,
      );
      expect(one<HTMLSelectElement>(page, 'select[name=variant]').value).to.equal('');
    } finally {
      history.replaceState(null, '', before);
    }
  });

  it('opens on the variant named in the URL', async () => {
    const before = window.location.href;
    history.replaceState(null, '', `?family=${FAMILY}&variant=${variant}`);
    try {
      const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
      await waitUntil(() => deepQuery(page.shadowRoot!, '.analyzer code').length > 0, 'analyzers listed', SLOW);
      expect(one<HTMLSelectElement>(page, 'select[name=variant]').value).to.equal(variant);
    } finally {
      history.replaceState(null, '', before);
    }
  });

  it("shows a variant's training job under Status while it trains", async () => {
    const job = await startLongTraining(77);
    try {
      const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
      await waitUntil(() => variantOptions(page).some((o) => o.value === job.variant), 'variants loaded', SLOW);
      const select = one<HTMLSelectElement>(page, 'select[name=variant]');
      select.value = job.variant;
      select.dispatchEvent(new Event('change'));
      const status = () => one(page, 'job-status').shadowRoot!;
      await waitUntil(() => status().querySelector('.badge')?.textContent === 'Running', 'training shown', SLOW);
      expect(status().querySelector('.variant')!.textContent).to.equal(job.variant);
      expect(one(page, '.notice').textContent).to.contain('its progress is shown under Status');
      expect(runButton(page).disabled).to.equal(true);
    } finally {
      await cancelJob(job.id);
    }
  });

  it("shows the family's analyzers with what exists, all chosen by default", async () => {
    const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
    await waitUntil(() => variantOptions(page).length > 1, 'variants loaded', SLOW);
    await chooseVariant(page, variant);
    const names = deepQuery(page.shadowRoot!, '.analyzer code').map((c) => c.textContent!.trim());
    expect(names).to.deep.equal([
      'attention_freq',
      'attention_patterns',
      'dominant_frequencies',
      'neuron_activations',
      'neuron_freq_norm',
      'parameter_snapshot',
      'effective_dimensionality',
      'landscape_flatness',
      'coarseness',
      'parameter_trajectory (cross-epoch)',
    ]);
    expect(deepQuery(page.shadowRoot!, '.done').map((d) => d.textContent!.trim())[0]).to.equal('0 / 3 epochs');
    // Each analyzer says what it computes and what share of an analysis it takes.
    const flatness = deepQuery(page.shadowRoot!, '.analyzer').find((a) => a.querySelector('code')!.textContent === 'landscape_flatness')!;
    expect(flatness.querySelector('.description')!.textContent).to.contain('random directions');
    expect(flatness.querySelector('.cost')!.textContent).to.equal('≈ 86 % of the time');
    expect(deepQuery(page.shadowRoot!, '.analyzer .description')).to.have.length(10);
    const boxes = deepQuery<HTMLInputElement>(page.shadowRoot!, '.analyzer input[type=checkbox]:not([name=force])');
    expect(boxes.every((b) => b.checked)).to.equal(true);
    expect(runButton(page).disabled).to.equal(false);

    // "None" unticks everything and Run is disabled; "All" brings them back.
    deepQuery<HTMLButtonElement>(page.shadowRoot!, 'button')
      .find((b) => b.textContent === 'None')!
      .click();
    await page.updateComplete;
    expect(runButton(page).disabled).to.equal(true);
    deepQuery<HTMLButtonElement>(page.shadowRoot!, 'button')
      .find((b) => b.textContent === 'All')!
      .click();
    await page.updateComplete;
    expect(runButton(page).disabled).to.equal(false);
  });

  it('runs the chosen analyzers and shows the completion summary with a link to the visualization', async () => {
    const page = await fixture<AnalysisRunPage>(html`<analysis-run-page></analysis-run-page>`);
    await waitUntil(() => variantOptions(page).length > 1, 'variants loaded', SLOW);
    await chooseVariant(page, variant);
    for (const box of deepQuery<HTMLInputElement>(page.shadowRoot!, '.analyzer input[type=checkbox]')) {
      if (!['dominant_frequencies', 'parameter_snapshot'].includes(box.name) && box.checked) box.click();
    }
    await page.updateComplete;
    runButton(page).click();
    await waitUntil(() => one(page, 'job-status')?.shadowRoot?.textContent?.includes('Complete'), 'analysis completed', { timeout: 30000 });
    const link = deepQuery<HTMLAnchorElement>(page.shadowRoot!, 'a').find((a) => a.textContent!.includes('View it'))!;
    expect(link.getAttribute('href')).to.equal(`/viz?family=${FAMILY}&variant=${variant}`);
    await waitUntil(
      () => deepQuery(page.shadowRoot!, '.done').some((d) => d.textContent!.includes('✓ 3 / 3 epochs')),
      'status refreshed',
      SLOW,
    );
    // The counts follow the run; the variant list is asked again once it ended.
    await waitUntil(
      () => variantOptions(page).some((o) => o.textContent!.trim() === '◉ prime=7, seed=1 [analyzed]'),
      'variant listed as analyzed',
      SLOW,
    );
  });
});
