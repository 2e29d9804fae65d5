import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../frontend/pages/training-page.ts';
import type { TrainingPage } from '../../frontend/pages/training-page.ts';
import { adaptiveCheckpointDescription } from '../../shared/adaptive-checkpoints.ts';
import { formatPercent } from '../../shared/format.ts';
import type { JobRecord, TrainJobRecord } from '../../shared/jobs.ts';
import type { JobStatus } from '../../frontend/components/job-status.ts';
import type { LossChart } from '../../frontend/components/loss-chart.ts';

import { SLOW, deepOne as one, deepQuery } from './deep-query.ts';

async function type(page: TrainingPage, name: string, value: string) {
  const input = one<HTMLInputElement>(page, `input[name=${name}]`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await page.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

const preview = (page: TrainingPage) => one(page, '[data-testid=variant-preview]').textContent!.trim();
const startButton = (page: TrainingPage) =>
  deepQuery<HTMLButtonElement>(page.shadowRoot!, 'button').find((b) => b.textContent!.includes('Start Training'))!;
const errorFor = (page: TrainingPage, name: string) => deepQuery(page.shadowRoot!, `#${name}-error`)[0]?.textContent?.trim();

const FAMILY = 'modulo_addition_1layer';
const value = (page: TrainingPage, name: string) => one<HTMLInputElement>(page, `input[name=${name}]`).value;
const statusRoot = (page: TrainingPage) => one(page, 'job-status').shadowRoot!;
const adaptiveBox = (page: TrainingPage) => one<HTMLInputElement>(page, 'input[name=adaptive_checkpoints]');
/** The summary's figures by their label. */
const summary = (page: TrainingPage) =>
  Object.fromEntries(deepQuery(page.shadowRoot!, '.summary dt').map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]));

/** POSTs a job request to the test server's real API; it must be accepted (202). */
async function postJob(request: Record<string, unknown>): Promise<JobRecord> {
  const response = await fetch('/api/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  expect(response.status).to.equal(202);
  return (await response.json()) as JobRecord;
}

function submitTraining(prime: number, seed: number, numEpochs: number, training: Record<string, unknown> = {}): Promise<JobRecord> {
  return postJob({
    kind: 'train',
    family: FAMILY,
    params: { prime, seed },
    training: { num_epochs: numEpochs, checkpoint_epochs: [0], ...training },
    overwrite: true,
  });
}

const shown = (page: TrainingPage) => one<JobStatus>(page, 'job-status').job;
/** A figure of the status card by its label. */
const figure = (page: TrainingPage, label: string) =>
  [...statusRoot(page).querySelectorAll('dl > div')]
    .find((d) => d.querySelector('dt')!.textContent === label)
    ?.querySelector('dd')!
    .textContent!.trim();

const jobRecord = async (id: string) => (await (await fetch(`/api/jobs/${id}`)).json()) as JobRecord;
const jobState = async (id: string) => (await jobRecord(id)).state;

async function loadedPage(): Promise<TrainingPage> {
  const page = await fixture<TrainingPage>(html`<training-page></training-page>`);
  await waitUntil(() => deepQuery(page.shadowRoot!, 'input[name=prime]').length === 1, 'domain inputs rendered', SLOW);
  return page;
}

describe('training-page', () => {
  it('builds the domain inputs from the family schema, with labels, defaults, ranges and help', async () => {
    const page = await loadedPage();
    const prime = one<HTMLInputElement>(page, 'input[name=prime]');
    const seed = one<HTMLInputElement>(page, 'input[name=seed]');
    expect([prime.value, prime.min, prime.max]).to.deep.equal(['113', '3', '257']);
    expect([seed.value, seed.min]).to.deep.equal(['999', '0']);
    const labels = deepQuery(page.shadowRoot!, 'label > span:first-child').map((s) => s.textContent!.trim());
    expect(labels).to.include.members([
      'Prime (p)',
      'Seed',
      'Data seed',
      'Training fraction',
      'Total epochs',
      'Checkpoint epochs (comma-separated)',
    ]);
    expect(one(page, '#prime-help').textContent).to.contain('Modulus for the addition task');
    const fraction = one<HTMLInputElement>(page, 'input[name=training_fraction]');
    expect([fraction.type, fraction.min, fraction.max, fraction.step, fraction.value]).to.deep.equal([
      'range',
      '0.1',
      '0.9',
      '0.05',
      '0.3',
    ]);
    expect(one<HTMLInputElement>(page, 'input[name=num_epochs]').value).to.equal('25000');
    expect(one<HTMLInputElement>(page, 'input[name=data_seed]').value).to.equal('598');
  });

  it('updates the variant preview on every change', async () => {
    const page = await loadedPage();
    expect(preview(page)).to.equal('Variant: modulo_addition_1layer_p113_seed999');
    await type(page, 'prime', '97');
    expect(preview(page)).to.equal('Variant: modulo_addition_1layer_p97_seed999');
    await type(page, 'seed', '4');
    expect(preview(page)).to.equal('Variant: modulo_addition_1layer_p97_seed4');
  });

  it('validates inline with the server messages and disables Start while invalid', async () => {
    const page = await loadedPage();
    expect(startButton(page).disabled).to.equal(false);
    await type(page, 'prime', '100');
    expect(errorFor(page, 'prime')).to.equal('100 is not a prime; allowed: a prime from 3 to 257');
    expect(preview(page)).to.equal('Invalid parameters');
    expect(startButton(page).disabled).to.equal(true);
    expect(one(page, 'input[name=prime]').getAttribute('aria-invalid')).to.equal('true');

    await type(page, 'prime', '101');
    expect(startButton(page).disabled).to.equal(false);
    await type(page, 'num_epochs', '500');
    await type(page, 'checkpoints', '0, 250, 501');
    expect(errorFor(page, 'checkpoints')).to.equal('501 is beyond the run; allowed: epochs 0 to 499');
    expect(startButton(page).disabled).to.equal(true);
    await type(page, 'checkpoints', '0, 250');
    expect(errorFor(page, 'checkpoints')).to.equal(undefined);
    expect(startButton(page).disabled).to.equal(false);
  });

  it('explains the default checkpoint schedule and counts it for the run', async () => {
    const page = await loadedPage();
    expect(one(page, '#checkpoints-help').textContent).to.contain('95 checkpoints for this run');
    await type(page, 'num_epochs', '1000');
    expect(one(page, '#checkpoints-help').textContent).to.contain('11 checkpoints for this run');
  });

  it('offers the extra checkpoints where the test loss falls as a checkbox of the training parameters, on, with the rule beside it', async () => {
    const page = await loadedPage();
    const box = adaptiveBox(page);
    expect(box.checked).to.equal(true);
    expect(box.closest('param-form')!.getAttribute('heading')).to.equal('Training parameters');
    expect(box.closest('label')!.textContent!.trim()).to.equal('Add checkpoints where the test loss falls fast');
    const help = one(page, `#${box.getAttribute('aria-describedby')}`);
    expect(help.textContent).to.equal(adaptiveCheckpointDescription());
    // Shown beside the checkbox, no longer in the checkpoint list's text.
    expect(one(page, '#checkpoints-help').textContent).not.to.contain(adaptiveCheckpointDescription());
    expect(help.getBoundingClientRect().height).to.be.greaterThan(0);
  });

  it('trains without adaptive checkpoints when the box is cleared, and names the same variant', async () => {
    const page = await loadedPage();
    await type(page, 'prime', '7');
    await type(page, 'seed', '41');
    await type(page, 'num_epochs', '20');
    adaptiveBox(page).click();
    await page.updateComplete;
    expect(adaptiveBox(page).checked).to.equal(false);
    expect(preview(page)).to.equal('Variant: modulo_addition_1layer_p7_seed41');
    startButton(page).click();
    const shown = () => one<JobStatus>(page, 'job-status').job as TrainJobRecord | undefined;
    await waitUntil(() => shown()?.variant === 'modulo_addition_1layer_p7_seed41', 'job started', SLOW);
    expect(shown()!.request.training.adaptive_checkpoints).to.equal(false);
    await waitUntil(() => shown()?.state === 'succeeded', 'job done', SLOW);
  });

  it('offers the paper default and a quick run, each with its expected time here, and fills the form from one', async () => {
    const page = await loadedPage();
    const presets = deepQuery<HTMLButtonElement>(page.shadowRoot!, '.presets button');
    expect(presets.map((b) => b.querySelector('span')!.textContent)).to.deep.equal([
      'Paper default (p = 113, 25,000 epochs)',
      'Quick run (p = 43, fraction 0.5, 2,400 epochs — groks in minutes)',
    ]);
    for (const preset of presets) expect(preset.querySelector('.estimate')!.textContent).to.match(/^≈ \d.* on this machine$/);
    expect(one(page, '.presets .source').textContent).to.match(/^Estimates: .* ms\/epoch at p = \d+.* scaled by p²/);
    presets[1]!.click();
    await page.updateComplete;
    expect([
      value(page, 'prime'),
      value(page, 'seed'),
      value(page, 'training_fraction'),
      value(page, 'num_epochs'),
      value(page, 'checkpoints'),
    ]).to.deep.equal(['43', '999', '0.5', '2400', '']);
    expect(preview(page)).to.equal('Variant: modulo_addition_1layer_p43_seed999_frac0.5');
  });

  it('says which epochs a run has, and takes the run length as its final checkpoint', async () => {
    const page = await loadedPage();
    await type(page, 'num_epochs', '2400');
    expect(one(page, '#num_epochs-help').textContent).to.contain('this run has epochs 0 … 2,399');
    expect(one(page, '#checkpoints-help').textContent).to.contain(
      'The final epoch, 2,399, is always saved; 2,400 in the list also means it.',
    );
    await type(page, 'checkpoints', '0, 1200, 2400');
    expect(errorFor(page, 'checkpoints')).to.equal(undefined);
    expect(startButton(page).disabled).to.equal(false);
  });

  it("shows the latest finished run's summary when the page opens again", async () => {
    const job = await submitTraining(7, 21, 20);
    await waitUntil(async () => (await jobState(job.id)) === 'succeeded', 'training finished', SLOW);
    const page = await loadedPage();
    await waitUntil(() => statusRoot(page).querySelector('.badge')?.textContent === 'Complete', 'finished job shown', SLOW);
    expect(statusRoot(page).querySelector('.variant')!.textContent).to.equal(job.variant);
    expect(one(page, '.summary dd').textContent).to.equal(job.variant);
    // The final accuracies next to the final losses, as the variant recorded them.
    const detail = (await (await fetch(`/api/variants/${FAMILY}/${job.variant}`)).json()) as {
      trainAccuracies: number[];
      testAccuracies: number[];
    };
    expect(summary(page)).to.include({
      'Final train accuracy': formatPercent(detail.trainAccuracies.at(-1)!),
      'Final test accuracy': formatPercent(detail.testAccuracies.at(-1)!),
    });
    expect(Object.keys(summary(page))).to.deep.equal([
      'Variant',
      'Checkpoints',
      'Final train loss',
      'Final test loss',
      'Final train accuracy',
      'Final test accuracy',
      'Wall time',
    ]);
  });

  it("fills the form with the running job's parameters when the page opens again", async () => {
    const job = await submitTraining(47, 5, 1_000_000, { adaptive_checkpoints: false });
    try {
      const page = await loadedPage();
      await waitUntil(() => statusRoot(page).querySelector('.badge')?.textContent === 'Running', 'running job shown', SLOW);
      await waitUntil(() => value(page, 'prime') === '47', 'form shows the running job', SLOW);
      expect([value(page, 'seed'), value(page, 'num_epochs'), value(page, 'checkpoints')]).to.deep.equal(['5', '1000000', '0']);
      expect(adaptiveBox(page).checked).to.equal(false);
      expect(preview(page)).to.equal(`Variant: ${job.variant}`);
    } finally {
      await fetch(`/api/jobs/${job.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await waitUntil(async () => (await jobState(job.id)) !== 'running', 'cancelled', SLOW);
    }
  });

  it("keeps Start available while a job runs: another job starts or queues, and the server's refusal is shown", async () => {
    const job = await submitTraining(53, 7, 1_000_000);
    try {
      // Past its first checkpoint, the variant is listed as training.
      await waitUntil(async () => ((await jobRecord(job.id)).progress.epoch ?? 0) > 2, 'training under way', SLOW);
      const page = await loadedPage();
      await waitUntil(() => statusRoot(page).querySelector('.badge')?.textContent === 'Running', 'running job shown', SLOW);
      await waitUntil(() => value(page, 'prime') === '53', 'form shows the running job', SLOW);
      await waitUntil(() => deepQuery(page.shadowRoot!, '.exists[role=status]').length === 1, 'busy variant noticed', SLOW);
      expect(one(page, '.exists').textContent!.trim()).to.equal(
        'A job is training this variant now: the server refuses another job on it until that one ends (see Jobs).',
      );
      expect(startButton(page).disabled).to.equal(false);
      startButton(page).click();
      await waitUntil(() => deepQuery(page.shadowRoot!, 'section[aria-label=Parameters] [role=alert]').length === 1, 'refusal shown', SLOW);
      expect(one(page, 'section[aria-label=Parameters] [role=alert]').textContent).to.equal(
        `variant ${job.variant} is busy: job ${job.id} is training it`,
      );

      await type(page, 'seed', '8');
      await type(page, 'num_epochs', '20');
      expect(startButton(page).disabled).to.equal(false);
      startButton(page).click();
      await waitUntil(
        () => statusRoot(page).querySelector('.variant')?.textContent === 'modulo_addition_1layer_p53_seed8',
        'new job shown',
        SLOW,
      );
      await waitUntil(() => statusRoot(page).querySelector('.badge')?.textContent === 'Complete', 'second job done', SLOW);
    } finally {
      await fetch(`/api/jobs/${job.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await waitUntil(async () => (await jobState(job.id)) !== 'running', 'cancelled', SLOW);
    }
  });

  it('continues a finished run to more epochs in all', async () => {
    const job = await submitTraining(7, 22, 20);
    await waitUntil(async () => (await jobState(job.id)) === 'succeeded', 'training finished', SLOW);
    const page = await loadedPage();
    await type(page, 'prime', '7');
    await type(page, 'seed', '22');
    await waitUntil(() => deepQuery(page.shadowRoot!, 'input[name=continue_to]').length === 1, 'continue offered', SLOW);
    const continueButton = () => deepQuery<HTMLButtonElement>(page.shadowRoot!, '.continue button')[0]!;
    expect(value(page, 'continue_to')).to.equal('25000');
    expect(one(page, '.continue label').textContent!.trim()).to.equal('Or continue this run of 20 epochs to (epochs in all)');
    await type(page, 'continue_to', '15');
    expect(one(page, '.continue .error').textContent).to.equal(
      '15 does not extend the run; allowed: a whole number of epochs above 20 and at most 1,000,000',
    );
    expect(continueButton().disabled).to.equal(true);
    await type(page, 'continue_to', '40');
    expect(continueButton().textContent!.trim()).to.equal('Continue to 40 epochs');
    continueButton().click();
    const shown = () => one<JobStatus>(page, 'job-status').job;
    await waitUntil(() => shown()?.id !== job.id, 'continuation shown', SLOW);
    // The form shows the run being continued: 40 epochs in all, 0 … 39.
    expect(value(page, 'num_epochs')).to.equal('40');
    expect(one(page, '#num_epochs-help').textContent).to.contain('this run has epochs 0 … 39');
    await waitUntil(() => shown()?.state === 'succeeded', 'continued run done', SLOW);
    expect(shown()!.request).to.include({ continue_to: 40 });
    const detail = (await (await fetch(`/api/variants/${FAMILY}/${job.variant}`)).json()) as { numEpochs: number };
    expect(detail.numEpochs).to.equal(40);
    // The chart draws the whole run: the first 20 epochs from the variant, the rest from the job.
    const chart = () => one<LossChart>(page, 'loss-chart');
    await waitUntil(() => chart().points[0]?.epoch === 0, 'earlier epochs drawn', SLOW);
    const epochs = chart().points.map((p) => p.epoch);
    expect(epochs.slice(0, 20)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    expect(epochs.at(-1)).to.equal(39);
    expect(epochs.every((epoch, i) => i === 0 || epoch > epochs[i - 1]!)).to.equal(true);
    expect(chart().numEpochs).to.equal(40);
    expect(figure(page, 'Trained')).to.equal('40 of 40 epochs (0 … 39)');
    await waitUntil(() => deepQuery(page.shadowRoot!, '.continue label').length === 1, 'continue offered again', SLOW);
    expect(one(page, '.continue label').textContent!.trim()).to.equal('Or continue this run of 40 epochs to (epochs in all)');
    expect(value(page, 'num_epochs')).to.equal('40');
  });

  it('shows a running continuation again with the whole run: total epochs its target, the earlier epochs in the chart', async () => {
    const job = await submitTraining(7, 23, 20);
    await waitUntil(async () => (await jobState(job.id)) === 'succeeded', 'training finished', SLOW);
    const continued = await postJob({
      kind: 'train',
      family: FAMILY,
      params: { prime: 7, seed: 23 },
      training: { num_epochs: 20 },
      continue_to: 1_000_000,
    });
    try {
      // Under way, with loss points of its own in the record the page opens with.
      await waitUntil(
        async () => ((await jobRecord(continued.id)) as TrainJobRecord).lossHistory.length > 0,
        'continuation under way',
        SLOW,
      );
      const page = await loadedPage();
      await waitUntil(() => statusRoot(page).querySelector('.badge')?.textContent === 'Running', 'running continuation shown', SLOW);
      await waitUntil(() => value(page, 'seed') === '23', 'form shows the running job', SLOW);
      expect([value(page, 'prime'), value(page, 'num_epochs'), value(page, 'checkpoints')]).to.deep.equal(['7', '1000000', '']);
      expect(one(page, '#num_epochs-help').textContent).to.contain('this run has epochs 0 … 999,999');
      const chart = () => one<LossChart>(page, 'loss-chart');
      await waitUntil(() => chart().points[0]?.epoch === 0, 'earlier epochs drawn', SLOW);
      // Epochs 0 … 19 from the variant, then the job's own from epoch 20 on.
      const own = (shown(page) as TrainJobRecord).lossHistory.map((p) => p.epoch);
      expect(own[0]).to.be.at.least(20);
      expect(chart().points.map((p) => p.epoch)).to.deep.equal([...Array.from({ length: 20 }, (_, i) => i), ...own]);
      expect(chart().numEpochs).to.equal(1_000_000);
      await waitUntil(
        () => /^[\d,]+ of 1,000,000 epochs \(0 … 999,999\)$/.test(figure(page, 'Trained') ?? ''),
        'epochs done counted',
        SLOW,
      );
    } finally {
      await fetch(`/api/jobs/${continued.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await waitUntil(async () => (await jobState(continued.id)) !== 'running', 'cancelled', SLOW);
    }
  });

  it('resumes an interrupted run from its last commit point', async () => {
    const interrupted = await submitTraining(7, 24, 1_000_000, { checkpoint_epochs: [0, 5] });
    await waitUntil(async () => ((await jobRecord(interrupted.id)) as TrainJobRecord).lossHistory.length > 10, 'past epoch 5', SLOW);
    await fetch(`/api/jobs/${interrupted.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await waitUntil(async () => (await jobState(interrupted.id)) === 'cancelled', 'cancelled', SLOW);
    // The commit point: checkpoint 5, or a later one the adaptive rule saved.
    const { variants } = (await (await fetch(`/api/families/${FAMILY}/variants`)).json()) as {
      variants: { name: string; resumableFromEpoch?: number }[];
    };
    const from = variants.find((v) => v.name === interrupted.variant)!.resumableFromEpoch!;
    expect(from).to.be.at.least(6);
    const page = await loadedPage();
    await type(page, 'prime', '7');
    await type(page, 'seed', '24');
    await type(page, 'checkpoints', '0, 5');
    await waitUntil(() => deepQuery(page.shadowRoot!, 'button[name=resume]').length === 1, 'resume offered', SLOW);
    const resume = one<HTMLButtonElement>(page, 'button[name=resume]');
    expect(resume.textContent!.trim()).to.equal(`Resume from epoch ${from.toLocaleString('en-US')}`);
    expect(one(page, '.exists').textContent).to.contain(`it stopped after saving epoch ${(from - 1).toLocaleString('en-US')}`);
    resume.click();
    await waitUntil(() => shown(page)?.id && shown(page)!.id !== interrupted.id, 'resumed job shown', SLOW);
    const resumed = shown(page)!;
    try {
      expect(resumed.request).to.include({ resume: true });
      await waitUntil(async () => ((await jobRecord(resumed.id)) as TrainJobRecord).lossHistory.length > 0, 'resumed run under way', SLOW);
      // Running (the server accepted the run's own plan), from the commit point on: its points start there.
      const record = (await jobRecord(resumed.id)) as TrainJobRecord;
      expect(record.state).to.equal('running');
      expect(record.lossHistory[0]!.epoch).to.be.at.least(from);
      // The form shows the run's own plan, which the resume keeps.
      expect([value(page, 'num_epochs'), value(page, 'checkpoints')]).to.deep.equal(['1000000', '0, 5']);
    } finally {
      await fetch(`/api/jobs/${resumed.id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await waitUntil(async () => (await jobState(resumed.id)) !== 'running', 'cancelled', SLOW);
    }
  });

  it('starts a run from a checkpoint of another variant, named by the digest of its weights', async () => {
    const source = await submitTraining(7, 31, 20);
    await waitUntil(async () => (await jobState(source.id)) === 'succeeded', 'source trained', SLOW);
    const page = await loadedPage();
    await type(page, 'prime', '7');
    await type(page, 'seed', '32');
    await type(page, 'num_epochs', '20');
    const choose = async (selector: string, value?: string) => {
      const control = one<HTMLInputElement | HTMLSelectElement>(page, selector);
      if (value !== undefined) control.value = value;
      if (control instanceof HTMLInputElement) control.click();
      else control.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      await page.updateComplete;
    };
    const fromCheckpoint = () => one<HTMLInputElement>(page, 'input[name=init][value=checkpoint]');
    await waitUntil(() => !fromCheckpoint().disabled, 'variants with checkpoints offered', SLOW);
    await choose('input[name=init][value=checkpoint]');
    await waitUntil(() => deepQuery(page.shadowRoot!, 'select[name=init-variant]').length === 1, 'checkpoint choice shown', SLOW);
    await choose('select[name=init-variant]', source.variant);
    await waitUntil(() => deepQuery(page.shadowRoot!, 'select[name=init-epoch] option').length === 2, "the source's checkpoints", SLOW);
    // The source's checkpoints are offered: epoch 0 and the final one.
    expect(deepQuery<HTMLOptionElement>(page.shadowRoot!, 'select[name=init-epoch] option').map((o) => o.value)).to.deep.equal(['0', '19']);
    await choose('select[name=init-epoch]', '0');
    const { digest } = (await (await fetch(`/api/variants/${FAMILY}/${source.variant}/checkpoints/0`)).json()) as { digest: string };
    await waitUntil(() => preview(page) === `Variant: modulo_addition_1layer_p7_seed32_init${digest}`, 'named by the digest', SLOW);
    expect(one(page, 'fieldset code').textContent).to.equal(`_init${digest}`);

    startButton(page).click();
    const shown = () => one<JobStatus>(page, 'job-status').job;
    await waitUntil(
      () => shown()?.variant.endsWith(`_init${digest}`) && shown()?.state === 'succeeded',
      'run from the checkpoint done',
      SLOW,
    );
    expect(shown()!.request).to.deep.include({ init_from: { variant: source.variant, epoch: 0 } });

    // Another modulus cannot start from these weights: the run starts from its seeded init again.
    await type(page, 'prime', '11');
    expect(preview(page)).to.equal('Variant: modulo_addition_1layer_p11_seed32');
    expect(one<HTMLInputElement>(page, 'input[name=init][value=seeded]').checked).to.equal(true);
  });

  it('says "Ready to train" while it shows no job (the test server has run jobs by now)', async () => {
    const page = await loadedPage();
    expect(one<JobStatus>(page, 'job-status').idleText).to.equal('Ready to train');
  });
});
