import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { EpochChangeEvent, EpochControl } from '../../frontend/components/epoch-control.ts';
import '../../frontend/components/viz-sidebar.ts';
import type { VizControlChangeEvent, VizSidebar } from '../../frontend/components/viz-sidebar.ts';
import type { VariantSummary } from '../../shared/api.ts';

const EPOCHS = [0, 100, 12400, 20000];

/** Variants whose labels are longer than the sidebar is wide. */
const VARIANTS: VariantSummary[] = [1, 2].map((i) => ({
  name: `modulo_addition_1layer_p113_seed${1_000_000_000 + i}`,
  family: 'modulo_addition_1layer',
  params: { prime: 113, seed: 1_000_000_000 + i, a_long_parameter_name: 123_456_789 },
  training: { data_seed: 598, training_fraction: 0.3, learning_rate: 0.001, weight_decay: 1 },
  state: 'analyzed',
  checkpointEpochs: [0],
}));

async function sidebar(props: Partial<VizSidebar> = {}) {
  const el = await fixture<VizSidebar>(
    html`<viz-sidebar
      .epochs=${EPOCHS}
      .epoch=${12400}
      .neurons=${512}
      .heads=${4}
      status="Variant: v | State: analyzed | 4 checkpoints"
    ></viz-sidebar>`,
  );
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

const epochControl = (el: VizSidebar) => el.shadowRoot!.querySelector('epoch-control') as EpochControl;
const inside = <T extends Element>(el: Element, selector: string) => el.shadowRoot!.querySelector(selector) as T;

function change(input: HTMLInputElement | HTMLSelectElement, value: string, type = 'change') {
  input.value = value;
  input.dispatchEvent(new Event(type, { bubbles: true, composed: true }));
}

describe('viz-sidebar', () => {
  it('labels the epoch slider in epochs with the checkpoint position', async () => {
    const el = await sidebar();
    const control = epochControl(el);
    await control.updateComplete;
    expect(inside(control, '.label').textContent).to.equal('Epoch 12,400 (checkpoint 3 of 4)');
    const slider = inside<HTMLInputElement>(control, 'input[type=range]');
    expect([slider.min, slider.max, slider.value]).to.deep.equal(['0', '3', '2']);
    expect(inside(el, '.status').textContent).to.equal('Variant: v | State: analyzed | 4 checkpoints');
  });

  it('fires uncommitted epoch changes while dragging and a committed one on release', async () => {
    const el = await sidebar();
    const slider = inside<HTMLInputElement>(epochControl(el), 'input[type=range]');
    let heard = oneEvent(el, 'epoch-change') as Promise<EpochChangeEvent>;
    change(slider, '1', 'input');
    expect((await heard).detail).to.deep.equal({ epoch: 100, committed: false });
    await epochControl(el).updateComplete;
    expect(inside(epochControl(el), '.label').textContent).to.equal('Epoch 100 (checkpoint 2 of 4)');
    heard = oneEvent(el, 'epoch-change') as Promise<EpochChangeEvent>;
    change(slider, '1');
    expect((await heard).detail).to.deep.equal({ epoch: 100, committed: true });
  });

  it('steps with the keyboard: arrows, Home and End', async () => {
    const el = await sidebar();
    const slider = inside<HTMLInputElement>(epochControl(el), 'input[type=range]');
    const press = async (key: string) => {
      const heard = oneEvent(el, 'epoch-change') as Promise<EpochChangeEvent>;
      slider.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
      const { detail } = await heard;
      el.epoch = detail.epoch;
      await el.updateComplete;
      return detail;
    };
    expect(await press('ArrowRight')).to.deep.equal({ epoch: 20000, committed: true });
    expect(await press('Home')).to.deep.equal({ epoch: 0, committed: true });
    expect(await press('ArrowRight')).to.deep.equal({ epoch: 100, committed: true });
    expect(await press('End')).to.deep.equal({ epoch: 20000, committed: true });
    expect(await press('ArrowLeft')).to.deep.equal({ epoch: 12400, committed: true });
  });

  it('snaps a typed epoch to the nearest analyzed one, and says so while it is shown', async () => {
    const el = await sidebar();
    const control = epochControl(el);
    const jump = inside<HTMLInputElement>(control, 'input[type=number]');
    let heard = oneEvent(el, 'epoch-change') as Promise<EpochChangeEvent>;
    change(jump, '11000');
    expect((await heard).detail).to.deep.equal({ epoch: 12400, committed: true });
    expect(jump.value).to.equal('12400');
    await control.updateComplete;
    expect(inside(control, '.snapped').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'No checkpoint was analyzed at epoch 11,000; snapped to the nearest one, 12,400.',
    );
    // An exact epoch needs no note, nor does another epoch chosen elsewhere.
    heard = oneEvent(el, 'epoch-change') as Promise<EpochChangeEvent>;
    change(jump, '100');
    await heard;
    await control.updateComplete;
    expect(inside(control, '.snapped')).to.equal(null);
  });

  it('says a typed epoch beyond the run is beyond it, and shows the last', async () => {
    const el = await sidebar({ epochs: [0, 100, 1200, 2399], epoch: 1200, numEpochs: 2400 });
    const control = epochControl(el);
    const jump = inside<HTMLInputElement>(control, 'input[type=number]');
    const heard = oneEvent(el, 'epoch-change') as Promise<EpochChangeEvent>;
    change(jump, '2400');
    expect((await heard).detail).to.deep.equal({ epoch: 2399, committed: true });
    await control.updateComplete;
    expect(inside(control, '.snapped').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Epoch 2,400 is beyond the run (epochs 0 … 2,399); showing the last one, 2,399.',
    );
  });

  it('clears the note as a new epoch is typed, also the epoch the box already shows, and replaces it on the next jump', async () => {
    const el = await sidebar({ epochs: [0, 100, 1200, 2399], epoch: 1200, numEpochs: 2400 });
    const control = epochControl(el);
    const jump = inside<HTMLInputElement>(control, 'input[type=number]');
    const typeJump = async (text: string) => {
      jump.focus();
      jump.select();
      await sendKeys({ type: text });
      await sendKeys({ press: 'Enter' });
      await control.updateComplete;
    };
    await typeJump('2400');
    expect(jump.value).to.equal('2399');
    expect(inside(control, '.snapped')).to.not.equal(null);
    // The box shows 2399 already: no change event, yet the note about 2,400 no longer applies.
    await typeJump('2399');
    expect(inside(control, '.snapped')).to.equal(null);
    await typeJump('150');
    expect(inside(control, '.snapped').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'No checkpoint was analyzed at epoch 150; snapped to the nearest one, 100.',
    );
  });

  it("shows the variant's run settings: training fraction, data seed, epochs and backend", async () => {
    const el = await sidebar({ run: { dataSeed: 598, trainingFraction: 0.5, backend: 'native' }, numEpochs: 2400 });
    const terms = [...el.shadowRoot!.querySelectorAll('.run dt')].map((dt) => dt.textContent);
    const values = [...el.shadowRoot!.querySelectorAll('.run dd')].map((dd) => dd.textContent);
    expect(Object.fromEntries(terms.map((term, i) => [term, values[i]]))).to.deep.equal({
      'Training fraction': '0.5',
      'Data seed': '598',
      Epochs: '2,400 (0 … 2,399)',
      Backend: 'native',
    });
  });

  it('shows the settings a variant of the original system records, without a backend', async () => {
    const el = await sidebar({ run: { dataSeed: 598, trainingFraction: 0.3 }, numEpochs: 25000 });
    const terms = [...el.shadowRoot!.querySelectorAll('.run dt')].map((dt) => dt.textContent);
    expect(terms).to.deep.equal(['Training fraction', 'Data seed', 'Epochs']);
  });

  it('says what a run started from when it was not its seeded init', async () => {
    const initFrom = 'modulo_addition_1layer_p113_seed999 epoch 9000';
    const el = await sidebar({ run: { dataSeed: 598, trainingFraction: 0.3, backend: 'native', initFrom }, numEpochs: 2400 });
    const terms = [...el.shadowRoot!.querySelectorAll('.run dt')].map((dt) => dt.textContent);
    expect(terms.at(-1)).to.equal('Started from');
    expect(el.shadowRoot!.querySelector('.run dd:last-of-type')!.textContent).to.equal(initFrom);
  });

  it('keeps a long variant label inside the sidebar (no sideways scrolling)', async () => {
    const el = await sidebar({ variants: VARIANTS, variant: VARIANTS[0]!.name });
    expect(el.scrollWidth).to.be.at.most(el.clientWidth);
  });

  it('labels variants that share their parameters by the settings and starting weights that tell them apart', async () => {
    const base = VARIANTS[0]!;
    const variants: VariantSummary[] = [
      base,
      { ...base, name: `${base.name}_wd0.3`, training: { ...base.training, weight_decay: 0.3 } },
      { ...base, name: `${base.name}_wd0.3_init0a1b2c3d`, training: { ...base.training, weight_decay: 0.3 }, init: '0a1b2c3d' },
    ];
    const el = await sidebar({ variants, variant: base.name });
    const options = [...inside<HTMLElement>(el, 'variant-select').shadowRoot!.querySelectorAll('option')].map((o) => o.textContent!.trim());
    const params = 'prime=113, seed=1000000001, a_long_parameter_name=123456789';
    expect(options).to.include.members([
      `◉ ${params} [analyzed]`,
      `◉ ${params}, weight_decay=0.3 [analyzed]`,
      `◉ ${params}, weight_decay=0.3, init=0a1b2c3d [analyzed]`,
    ]);
  });

  it('selects nothing and says so when the variant is not in the list', async () => {
    const el = await sidebar({ variants: VARIANTS, variant: 'modulo_addition_1layer_p13_seed404' });
    const picker = inside<HTMLElement>(el, 'variant-select');
    const select = picker.shadowRoot!.querySelector('select')!;
    expect(select.value).to.equal('');
    expect(select.selectedOptions[0]!.textContent!.trim()).to.equal('Not found: modulo_addition_1layer_p13_seed404');
  });

  it('fires viz-control-change for each plot control', async () => {
    const el = await sidebar();
    const next = () => oneEvent(el, 'viz-control-change') as Promise<VizControlChangeEvent>;
    let heard = next();
    change(inside(el, 'select[name=pair]'), '2');
    expect((await heard).detail).to.deep.equal({ name: 'pair', value: 2 });
    heard = next();
    inside<HTMLInputElement>(el, 'input[name=group][value=mlp]').click();
    expect((await heard).detail).to.deep.equal({ name: 'group', value: 'mlp' });
    heard = next();
    change(inside(el, 'select[name=sv]'), 'W_out');
    expect((await heard).detail).to.deep.equal({ name: 'sv', value: 'W_out' });
    heard = next();
    change(inside(el, 'select[name=metric]'), 'flatness_ratio');
    expect((await heard).detail).to.deep.equal({ name: 'metric', value: 'flatness_ratio' });
    heard = next();
    change(inside(el, 'input[name=neuron-number]'), '9999');
    expect((await heard).detail).to.deep.equal({ name: 'neuron', value: 511 });
  });

  it('shows the head slider only for attention matrices', async () => {
    const el = await sidebar({ sv: 'W_in' });
    expect(inside(el, 'input[name=head]')).to.equal(null);
    el.sv = 'W_Q';
    await el.updateComplete;
    const head = inside<HTMLInputElement>(el, 'input[name=head]');
    expect([head.min, head.max]).to.deep.equal(['0', '3']);
    const heard = oneEvent(el, 'viz-control-change') as Promise<VizControlChangeEvent>;
    change(head, '2');
    expect((await heard).detail).to.deep.equal({ name: 'head', value: 2 });
  });

  it('keeps a range value that arrives before its range (a deep link opening)', async () => {
    const el = await fixture<VizSidebar>(html`<viz-sidebar .neuron=${5} sv="W_Q" .head=${2}></viz-sidebar>`);
    el.neurons = 512;
    el.heads = 4;
    await el.updateComplete;
    expect(inside<HTMLInputElement>(el, 'input[name=neuron]').value).to.equal('5');
    expect(inside<HTMLInputElement>(el, 'input[name=head]').value).to.equal('2');
  });

  it('collapses to a strip that shows the current epoch, and expands again', async () => {
    const el = await sidebar();
    el.epoch = 20000;
    await el.updateComplete;
    inside<HTMLButtonElement>(el, 'button.toggle').click();
    await el.updateComplete;
    expect(el.collapsed).to.equal(true);
    expect(el.getBoundingClientRect().width).to.equal(40);
    expect(inside(el, '.strip .epoch').textContent).to.equal('Epoch 20,000');
    expect(inside(el, 'epoch-control')).to.equal(null);
    inside<HTMLButtonElement>(el, 'button.toggle').click();
    await el.updateComplete;
    expect(inside(el, 'epoch-control')).to.not.equal(null);
  });
});
