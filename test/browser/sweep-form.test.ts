import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../frontend/components/sweep-form.ts';
import type { SweepForm } from '../../frontend/components/sweep-form.ts';
import type { FamilySummary } from '../../shared/api.ts';
import { SLOW, deepOne as one, deepQuery } from './deep-query.ts';

const LONG = { timeout: 60_000 };

async function loadedForm(): Promise<SweepForm> {
  const { families } = (await (await fetch('/api/families')).json()) as { families: FamilySummary[] };
  const form = await fixture<SweepForm>(html`<sweep-form .family=${families[0]}></sweep-form>`);
  await waitUntil(() => deepQuery(form.shadowRoot!, 'input[name=sweep_prime]').length === 1, 'sweep inputs rendered', SLOW);
  return form;
}

async function type(form: SweepForm, name: string, value: string) {
  const input = one<HTMLInputElement>(form, `input[name=${name}]`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await form.updateComplete;
  await new Promise((resolve) => requestAnimationFrame(resolve));
}

const preview = (form: SweepForm) => one(form, '[data-testid=sweep-preview]').textContent!.trim();
const errorFor = (form: SweepForm, name: string) => deepQuery(form.shadowRoot!, `#${name}-error`)[0]?.textContent?.trim();
const startButton = (form: SweepForm) =>
  deepQuery<HTMLButtonElement>(form.shadowRoot!, 'button').find((b) => b.textContent!.includes('Start sweep'))!;
const entries = (form: SweepForm) =>
  [...form.shadowRoot!.querySelectorAll<HTMLTableRowElement>('.sweep tr')].map((row) => [
    row.dataset.variant,
    row.querySelector('.state')!.textContent!.trim(),
  ]);
const headline = (form: SweepForm) => form.shadowRoot!.querySelector('.sweep .headline')?.textContent?.trim();

describe('sweep-form', () => {
  it('counts the variants of the grid as the lists change', async () => {
    const form = await loadedForm();
    expect(preview(form)).to.equal('1 variant in the grid');
    await type(form, 'sweep_prime', '5, 7');
    await type(form, 'sweep_seed', '1, 2, 3');
    expect(preview(form)).to.equal('6 variants in the grid');
    await type(form, 'sweep_weight_decay', '0.5, 1');
    expect(preview(form)).to.equal('12 variants in the grid');
    await type(form, 'sweep_seed', '');
    expect(preview(form)).to.equal('List one or more values for every parameter to see the grid');
    expect(errorFor(form, 'sweep_seed')).to.equal('is missing; list one or more values');
  });

  it("shows the server check's message at the field, and disables Start while the grid is invalid", async () => {
    const form = await loadedForm();
    expect(startButton(form).disabled).to.equal(false);
    await type(form, 'sweep_prime', '5, 9');
    expect(errorFor(form, 'sweep_prime')).to.equal('9 is not a prime; allowed: a prime from 3 to 257');
    expect(one(form, 'input[name=sweep_prime]').getAttribute('aria-invalid')).to.equal('true');
    expect(startButton(form).disabled).to.equal(true);
    await type(form, 'sweep_prime', '5, 7');
    expect(errorFor(form, 'sweep_prime')).to.equal(undefined);
    await type(form, 'sweep_training_fraction', '0.5, 1.5');
    expect(errorFor(form, 'sweep_training_fraction')).to.match(/^1\.5 .*allowed: a fraction strictly between 0 and 1$/);
    expect(startButton(form).disabled).to.equal(true);
  });

  it('starts the sweep and shows its variants live until they are trained; a second run skips them, saying why', async () => {
    const form = await loadedForm();
    await type(form, 'sweep_prime', '5');
    await type(form, 'sweep_seed', '41, 42');
    await type(form, 'sweep_num_epochs', '10');
    const overwrite = one<HTMLInputElement>(form, 'input[name=sweep_overwrite]');
    overwrite.click();
    await form.updateComplete;
    startButton(form).click();
    await waitUntil(() => entries(form).length === 2, 'sweep entries shown', SLOW);
    expect(entries(form).map(([variant]) => variant)).to.deep.equal([
      'modulo_addition_1layer_p5_seed41',
      'modulo_addition_1layer_p5_seed42',
    ]);
    await waitUntil(() => headline(form) === 'Sweep complete · 2 complete', `sweep finished, got "${headline(form)}"`, LONG);
    expect(entries(form).map(([, state]) => state)).to.deep.equal(['Complete', 'Complete']);

    overwrite.click();
    await form.updateComplete;
    startButton(form).click();
    await waitUntil(() => headline(form) === 'Sweep complete · 2 skipped', `second sweep shown, got "${headline(form)}"`, SLOW);
    for (const [, state] of entries(form)) expect(state).to.match(/^Skipped: .*exists/);
  });

  it('cancels a running sweep', async () => {
    const form = await loadedForm();
    await type(form, 'sweep_prime', '43');
    await type(form, 'sweep_seed', '51, 52, 53');
    await type(form, 'sweep_num_epochs', '1000000');
    startButton(form).click();
    await waitUntil(() => deepQuery(form.shadowRoot!, 'button.cancel').length === 1, 'Cancel sweep offered', SLOW);
    one<HTMLButtonElement>(form, 'button.cancel').click();
    await waitUntil(() => headline(form)?.startsWith('Sweep cancelled'), `sweep cancelled, got "${headline(form)}"`, LONG);
    expect(deepQuery(form.shadowRoot!, 'button.cancel')).to.deep.equal([]);
  });
});
