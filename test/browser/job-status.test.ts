import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../frontend/components/job-status.ts';
import '../../frontend/components/loss-chart.ts';
import type { JobStatus } from '../../frontend/components/job-status.ts';
import type { LossChart } from '../../frontend/components/loss-chart.ts';
import type { AnalyzeJobRecord, JobRecord, TrainJobRecord } from '../../shared/jobs.ts';
import { trainingParamsSchema } from '../../shared/training-params.ts';

const trainJob: TrainJobRecord = {
  id: '20261128000000-abcdef12',
  kind: 'train',
  family: 'modulo_addition_1layer',
  variant: 'modulo_addition_1layer_p113_seed999',
  request: {
    kind: 'train',
    family: 'modulo_addition_1layer',
    params: { prime: 113, seed: 999 },
    training: trainingParamsSchema.parse({}),
    overwrite: false,
    resume: false,
    init_from: null,
    continue_to: null,
  },
  state: 'running',
  progress: {
    fraction: 0.42,
    epoch: 10499,
    numEpochs: 25000,
    trainLoss: 0.0123456,
    testLoss: 2.5,
    trainAccuracy: 1,
    testAccuracy: 0.12549,
    msPerEpoch: 58.25,
    etaSeconds: 845,
  },
  message: '10,500 of 25,000 epochs (0 … 24,999) - Train: 0.01235 (100 %), Test: 2.5 (12.5 %) · 58.25 ms/epoch · ETA 14 min 05 s',
  lossHistory: [],
  attempts: 1,
  worker: 'server',
  createdAt: '2026-11-28T00:00:00.000Z',
  queuedAt: '2026-11-28T00:00:00.000Z',
};

/** An analysis of the same variant, in the given state. */
function analyzeJob(fields: Pick<AnalyzeJobRecord, 'state' | 'progress'> & { error?: string }): AnalyzeJobRecord {
  const { lossHistory: _, request: __, result: ___, ...common } = trainJob;
  return {
    ...common,
    kind: 'analyze',
    request: { kind: 'analyze', family: trainJob.family, variant: trainJob.variant, force: false },
    ...fields,
  };
}

const figures = (el: JobStatus) =>
  Object.fromEntries(
    [...el.shadowRoot!.querySelectorAll('dl > div')].map((d) => [
      d.querySelector('dt')!.textContent,
      d.querySelector('dd')!.textContent!.trim(),
    ]),
  );

describe('job-status', () => {
  it('says what it was told before any job', async () => {
    const el = await fixture<JobStatus>(html`<job-status idle-text="Ready to train"></job-status>`);
    expect(el.shadowRoot!.textContent!.trim()).to.equal('Ready to train');
  });

  it('shows a training job: state, progress bar, epoch, losses, accuracies, speed, ETA and message', async () => {
    const el = await fixture<JobStatus>(html`<job-status .job=${trainJob}></job-status>`);
    expect(el.shadowRoot!.querySelector('.badge')!.textContent).to.equal('Running');
    expect(el.shadowRoot!.querySelector('[role=progressbar]')!.getAttribute('aria-valuenow')).to.equal('42');
    expect(figures(el)).to.deep.equal({
      Trained: '10,500 of 25,000 epochs (0 … 24,999)',
      'Train loss': '0.01235',
      'Test loss': '2.5',
      'Train accuracy': '100 %',
      'Test accuracy': '12.5 %',
      Speed: '58.25 ms/epoch',
      ETA: '14 min 05 s',
    });
    expect(el.shadowRoot!.querySelector('.message')!.textContent).to.equal(trainJob.message);
  });

  it('says a finished run trained all its epochs, numbered from 0, not "2,400 / 2,400"', async () => {
    const done: JobRecord = {
      ...trainJob,
      state: 'succeeded',
      progress: { ...trainJob.progress, fraction: 1, epoch: 2399, numEpochs: 2400 },
    };
    const el = await fixture<JobStatus>(html`<job-status .job=${done}></job-status>`);
    expect(figures(el)).to.include({ Trained: '2,400 of 2,400 epochs (0 … 2,399)' });
    // A run continued to 3,000 epochs counts the whole run.
    el.job = { ...done, progress: { ...done.progress, epoch: 2999, numEpochs: 3000 } };
    await el.updateComplete;
    expect(figures(el)).to.include({ Trained: '3,000 of 3,000 epochs (0 … 2,999)' });
  });

  it('shows an analysis job by checkpoint and analyzer, and a failure readably', async () => {
    const job = analyzeJob({
      state: 'failed',
      progress: { fraction: 0.1, checkpointIndex: 9, checkpointCount: 95, epoch: 900, analyzer: 'neuron_freq_norm' },
      error: 'checkpoint 900 is unreadable',
    });
    const el = await fixture<JobStatus>(html`<job-status .job=${job}></job-status>`);
    expect(figures(el)).to.deep.equal({ Checkpoint: '10 of 95', Epoch: '900', Analyzer: 'neuron_freq_norm' });
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('checkpoint 900 is unreadable');
    expect(el.shadowRoot!.querySelector('button')).to.equal(null);
  });

  it('writes tiny losses in scientific notation instead of 0.000000', async () => {
    const job: JobRecord = { ...trainJob, progress: { ...trainJob.progress, trainLoss: 2.3e-7, testLoss: 6.671e-8 } };
    const el = await fixture<JobStatus>(html`<job-status .job=${job}></job-status>`);
    expect(figures(el)).to.include({ 'Train loss': '2.3e-7', 'Test loss': '6.671e-8' });
  });

  it('shows no accuracy for a training recorded before accuracies: awaited while it runs, a dash once ended', async () => {
    const { trainAccuracy: _, testAccuracy: __, ...older } = trainJob.progress;
    const running = await fixture<JobStatus>(html`<job-status .job=${{ ...trainJob, progress: older }}></job-status>`);
    expect(figures(running)).to.include({ 'Train loss': '0.01235', 'Train accuracy': '…', 'Test accuracy': '…' });
    const ended: JobRecord = { ...trainJob, state: 'interrupted', progress: older };
    const el = await fixture<JobStatus>(html`<job-status .job=${ended}></job-status>`);
    expect(figures(el)).to.include({ 'Train accuracy': '–', 'Test accuracy': '–' });
  });

  it('shows a finished analysis as finished: no "…" in the figures it no longer reports', async () => {
    const job = analyzeJob({ state: 'succeeded', progress: { fraction: 1, checkpointIndex: 6, checkpointCount: 6 } });
    const el = await fixture<JobStatus>(html`<job-status .job=${job}></job-status>`);
    expect(figures(el)).to.deep.equal({ Checkpoint: '6 of 6', Epoch: '–', Analyzer: '–' });
  });

  it('shows a queued job with its place in line, and lets it be cancelled', async () => {
    const queued: JobRecord = { ...trainJob, state: 'queued', queuePosition: 3, progress: { fraction: 0 }, message: 'Queued' };
    const el = await fixture<JobStatus>(html`<job-status .job=${queued}></job-status>`);
    expect(el.shadowRoot!.querySelector('.badge')!.textContent).to.equal('Queued');
    expect(el.shadowRoot!.querySelector('.place')!.textContent).to.equal('3rd in line');
    expect(el.shadowRoot!.querySelector('button')!.textContent).to.equal('Cancel');
  });

  it('asks to cancel a running job with a composed event', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div><job-status .job=${trainJob}></job-status></div>`);
    const el = wrapper.querySelector('job-status')!;
    setTimeout(() => el.shadowRoot!.querySelector('button')!.click());
    const event = await oneEvent(wrapper, 'job-cancel');
    expect(event.detail).to.deep.equal({ id: trainJob.id });
  });
});

describe('loss-chart', () => {
  it('draws train and test loss on a log axis with decade ticks', async () => {
    const points = [
      { epoch: 0, trainLoss: 4.7, testLoss: 4.8 },
      { epoch: 500, trainLoss: 0.01, testLoss: 5 },
      { epoch: 999, trainLoss: 0.001, testLoss: 0.002 },
    ];
    const el = await fixture<LossChart>(html`<loss-chart .points=${points} num-epochs="1000"></loss-chart>`);
    const lines = [...el.shadowRoot!.querySelectorAll('polyline')];
    expect(lines.map((l) => l.getAttribute('class'))).to.deep.equal(['train', 'test']);
    expect(lines[0]!.getAttribute('points')!.split(' ')).to.have.length(3);
    const ticks = [...el.shadowRoot!.querySelectorAll('text')].map((t) => t.textContent);
    expect(ticks).to.include.members(['0.001', '0.01', '0.1', '1', '10']);
    // Lower loss is drawn lower: the train line's last point sits below its first.
    const ys = lines[0]!
      .getAttribute('points')!
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(ys[2]).to.be.greaterThan(ys[0]!);
  });

  it('ticks the epochs at round values, every label inside the chart, and tiny losses in scientific notation', async () => {
    const points = [
      { epoch: 0, trainLoss: 3.77, testLoss: 3.8 },
      { epoch: 1200, trainLoss: 1.65e-7, testLoss: 3.54 },
      { epoch: 2399, trainLoss: 6.3e-8, testLoss: 3.35e-3 },
    ];
    const el = await fixture<LossChart>(
      html`<div style="width: 560px"><loss-chart .points=${points} num-epochs="2400"></loss-chart></div>`,
    );
    const chart = el.querySelector('loss-chart')!;
    await chart.updateComplete;
    const svg = chart.shadowRoot!.querySelector('svg')!;
    const labels = [...svg.querySelectorAll('text')];
    const epochTicks = [...svg.querySelectorAll('text.epoch')].map((t) => t.textContent);
    expect(epochTicks).to.deep.equal(['0', '500', '1,000', '1,500', '2,000']);
    expect(labels.map((t) => t.textContent)).to.include.members(['1e-8', '1e-7', '1']);
    const box = svg.getBoundingClientRect();
    for (const label of labels) expect(label.getBoundingClientRect().right).to.be.at.most(box.right + 0.5);
  });

  it('reads out the epoch and both losses under the pointer', async () => {
    const points = [
      { epoch: 0, trainLoss: 3.77, testLoss: 3.8 },
      { epoch: 1200, trainLoss: 1.65e-7, testLoss: 3.54 },
      { epoch: 2399, trainLoss: 6.3e-8, testLoss: 3.35e-3 },
    ];
    const el = await fixture<LossChart>(html`<loss-chart .points=${points} num-epochs="2400"></loss-chart>`);
    const hit = el.shadowRoot!.querySelector('rect.hit')!;
    const box = hit.getBoundingClientRect();
    hit.dispatchEvent(
      new PointerEvent('pointermove', { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2, bubbles: true }),
    );
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.readout')!.textContent).to.equal('Epoch 1,200: train 1.65e-7, test 3.54');
    expect(el.shadowRoot!.querySelectorAll('circle')).to.have.length(2);
    hit.dispatchEvent(new PointerEvent('pointerleave'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.readout')!.textContent).to.equal('');
  });

  it('draws train and test accuracy dashed on a right axis, and reads them out with the losses', async () => {
    const points = [
      { epoch: 0, trainLoss: 3.77, testLoss: 3.8, trainAccuracy: 0.05, testAccuracy: 0.04 },
      { epoch: 1200, trainLoss: 1.65e-7, testLoss: 3.54, trainAccuracy: 1, testAccuracy: 0.125 },
      { epoch: 2399, trainLoss: 6.3e-8, testLoss: 3.35e-3, trainAccuracy: 1, testAccuracy: 1 },
    ];
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="width: 560px"><loss-chart .points=${points} num-epochs="2400"></loss-chart></div>`,
    );
    const el = wrapper.querySelector('loss-chart')!;
    await el.updateComplete;
    const lines = [...el.shadowRoot!.querySelectorAll('polyline')];
    expect(lines.map((l) => l.getAttribute('class'))).to.deep.equal(['train', 'test', 'train accuracy', 'test accuracy']);
    expect(getComputedStyle(lines[3]!).strokeDasharray).to.not.equal('none');
    const svg = el.shadowRoot!.querySelector('svg')!;
    const ticks = [...svg.querySelectorAll('text.accuracy-tick')];
    expect(ticks.map((t) => t.textContent)).to.deep.equal(['0 %', '50 %', '100 %']);
    const box = svg.getBoundingClientRect();
    for (const tick of ticks) expect(tick.getBoundingClientRect().right).to.be.at.most(box.right + 0.5);
    // Test accuracy 1 at the end is drawn at the top, 0.04 at the start near the bottom.
    const ys = lines[3]!
      .getAttribute('points')!
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(ys[0]).to.be.greaterThan(ys[2]!);

    const hit = el.shadowRoot!.querySelector('rect.hit')!;
    const area = hit.getBoundingClientRect();
    const chartTop = svg.getBoundingClientRect().top;
    hit.dispatchEvent(new PointerEvent('pointermove', { clientX: area.left + area.width / 2, clientY: area.top + 5, bubbles: true }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.readout')!.textContent).to.equal('Epoch 1,200: train 1.65e-7 (100 %), test 3.54 (12.5 %)');
    // The read-out has its own line: the chart stays where it was.
    expect(svg.getBoundingClientRect().top).to.equal(chartTop);
    expect(el.shadowRoot!.querySelectorAll('circle')).to.have.length(4);
  });
});
