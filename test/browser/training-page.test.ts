import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../frontend/pages/training-page.ts';
import type { TrainingPage } from '../../frontend/pages/training-page.ts';

import { SLOW, deepOne as one, deepQuery } from './deep-query.ts';

async function type(page: TrainingPage, name: string, value: string) {
  const input = one<HTMLInputElement>(page, `input[name=${name}]`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await page.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

const preview = (page: TrainingPage) => one(page, '[data-testid=variant-preview]').textContent!.trim();
const startButton = (page: TrainingPage) => deepQuery<HTMLButtonElement>(page.shadowRoot!, 'button').find((b) => b.textContent!.includes('Start Training'))!;
const errorFor = (page: TrainingPage, name: string) => deepQuery(page.shadowRoot!, `#${name}-error`)[0]?.textContent?.trim();

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
    expect(labels).to.include.members(['Prime (p)', 'Seed', 'Data seed', 'Training fraction', 'Total epochs', 'Checkpoint epochs (comma-separated)']);
    expect(one(page, '#prime-help').textContent).to.contain('Modulus for the addition task');
    const fraction = one<HTMLInputElement>(page, 'input[name=training_fraction]');
    expect([fraction.type, fraction.min, fraction.max, fraction.step, fraction.value]).to.deep.equal(['range', '0.1', '0.9', '0.05', '0.3']);
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
    await type(page, 'checkpoints', '0, 250, 500');
    expect(errorFor(page, 'checkpoints')).to.equal('500 is beyond the run; allowed: epochs 0 to 499');
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

  it('shows "Ready to train" before any job', async () => {
    const page = await loadedPage();
    const status = one(page, 'job-status');
    expect(status.shadowRoot!.textContent).to.contain('Ready to train');
  });
});
