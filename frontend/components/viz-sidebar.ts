import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import type { VariantDetail } from '../../shared/artifacts.ts';
import { epochRange, formatEpoch, formatNumber } from '../../shared/format.ts';
import {
  FLATNESS_METRICS,
  isAttentionMatrix,
  POSITION_PAIRS,
  TRAJECTORY_GROUP_LABELS,
  TRAJECTORY_GROUPS,
  WEIGHT_MATRIX_NAMES,
  type FlatnessMetric,
  type TrajectoryGroup,
  type WeightMatrixName,
} from '../plots/index.ts';
import { theme } from '../styles/theme.ts';
import './epoch-control.ts';
import './family-select.ts';
import './variant-select.ts';

/** A plot control other than family, variant and epoch (those fire their own events). */
export type VizControlDetail =
  | { name: 'neuron'; value: number }
  | { name: 'pair'; value: number }
  | { name: 'group'; value: TrajectoryGroup }
  | { name: 'sv'; value: WeightMatrixName }
  | { name: 'head'; value: number }
  | { name: 'metric'; value: FlatnessMetric };
export type VizControlChangeEvent = CustomEvent<VizControlDetail>;

/**
 * The Visualization page's controls: family, variant (with its state and its run's settings), the
 * linked epoch, neuron, attention relationship, trajectory group, SV matrix and head (attention
 * matrices only), flatness metric, and a status line. It collapses to a thin strip that still shows
 * the current epoch.
 * @fires family-change - from the family picker
 * @fires variant-change - from the variant picker
 * @fires epoch-change - from the epoch control: detail {epoch, committed}
 * @fires viz-control-change - detail {name, value} for the other controls
 */
@customElement('viz-sidebar')
export class VizSidebar extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        box-sizing: border-box;
        width: 300px;
        flex: none;
        background: var(--wb-subtle);
        border-right: 1px solid var(--wb-border);
        position: sticky;
        top: 0;
        align-self: flex-start;
        max-height: 100vh;
        overflow-y: auto;
      }
      :host([collapsed]) {
        width: 40px;
        overflow: hidden;
      }
      .panel {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 14px;
        padding: 12px 14px 20px;
      }
      header {
        display: flex;
        justify-content: space-between;
        align-items: center;
      }
      h2 {
        margin: 0;
        font-size: 1rem;
      }
      button.toggle {
        font: inherit;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
        cursor: pointer;
        padding: 2px 8px;
      }
      .strip {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 12px;
        padding: 10px 0;
      }
      .strip .epoch {
        writing-mode: vertical-rl;
        font-size: 0.85rem;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      label,
      fieldset {
        display: grid;
        gap: 4px;
        font-size: 0.9rem;
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
      }
      legend {
        padding: 0;
        margin-bottom: 4px;
      }
      .radios {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 12px;
      }
      .radios label {
        display: flex;
        gap: 4px;
        align-items: center;
      }
      select,
      input[type='number'] {
        font: inherit;
        padding: 4px 6px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .row input[type='range'] {
        flex: 1;
      }
      .row input[type='number'] {
        width: 5em;
      }
      .status {
        font-size: 0.8rem;
        color: var(--wb-muted);
        overflow-wrap: anywhere;
      }
      .run {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 2px 10px;
        margin: -6px 0 0;
        font-size: 0.8rem;
      }
      .run dt {
        color: var(--wb-muted);
      }
      .run dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) families: FamilySummary[] = [];
  @property() family = '';
  @property({ attribute: false }) variants: VariantSummary[] = [];
  @property() variant = '';
  /** The variant's training settings (null before training has finished or while none is open) and its length. */
  @property({ attribute: false }) run: VariantDetail['run'] = null;
  @property({ type: Number, attribute: 'num-epochs' }) numEpochs = 0;
  /** The analyzed epochs, ascending. */
  @property({ attribute: false }) epochs: readonly number[] = [];
  @property({ type: Number }) epoch: number | null = null;
  /** Neurons and heads of the variant's model (the neuron and head ranges). */
  @property({ type: Number }) neurons = 0;
  @property({ type: Number }) heads = 0;
  @property({ type: Number }) neuron = 0;
  /** Index into POSITION_PAIRS. */
  @property({ type: Number }) pair = 0;
  @property() group: TrajectoryGroup = 'all';
  @property() sv: WeightMatrixName = 'W_in';
  @property({ type: Number }) head = 0;
  @property() metric: FlatnessMetric = 'mean_delta_loss';
  /** "Variant: … | State: … | N checkpoints", or why nothing is shown. */
  @property() status = '';
  @property({ type: Boolean, reflect: true }) collapsed = false;

  override render() {
    if (this.collapsed) {
      return html`<div class="strip">
        <button class="toggle" title="Show the controls" aria-label="Show the controls" @click=${this.toggle}>→</button>
        <span class="epoch">${this.epoch === null ? 'No epoch' : `Epoch ${formatEpoch(this.epoch)}`}</span>
      </div>`;
    }
    const noVariant = this.neurons === 0;
    return html`<div class="panel">
      <header>
        <h2>Controls</h2>
        <button class="toggle" title="Hide the controls" aria-label="Hide the controls" @click=${this.toggle}>←</button>
      </header>
      <family-select label="Family" .families=${this.families} .value=${this.family}></family-select>
      <variant-select .variants=${this.variants} .value=${this.variant}></variant-select>
      ${this.run ? this.renderRun(this.run) : nothing}
      <epoch-control .epochs=${this.epochs} .value=${this.epoch} .numEpochs=${this.numEpochs}></epoch-control>
      <label>
        <span>Neuron ${this.neuron}</span>
        <span class="row">
          <input
            type="range"
            name="neuron"
            aria-label="Neuron index"
            min="0"
            max=${Math.max(0, this.neurons - 1)}
            .value=${live(String(this.neuron))}
            ?disabled=${noVariant}
            @change=${this.onNeuron}
          />
          <input
            type="number"
            name="neuron-number"
            aria-label="Neuron index"
            min="0"
            max=${Math.max(0, this.neurons - 1)}
            .value=${String(this.neuron)}
            ?disabled=${noVariant}
            @change=${this.onNeuron}
          />
        </span>
      </label>
      <label>
        <span>Attention relationship</span>
        <select name="pair" @change=${(e: Event) => this.emit({ name: 'pair', value: Number(this.inputValue(e)) })}>
          ${POSITION_PAIRS.map((pair, i) => html`<option value=${i} ?selected=${i === this.pair}>${pair.label}</option>`)}
        </select>
      </label>
      <fieldset>
        <legend>Trajectory group</legend>
        <span class="radios">
          ${TRAJECTORY_GROUPS.map(
            (group) =>
              html`<label>
                <input
                  type="radio"
                  name="group"
                  value=${group}
                  .checked=${group === this.group}
                  @change=${() => this.emit({ name: 'group', value: group })}
                />${TRAJECTORY_GROUP_LABELS[group]}
              </label>`,
          )}
        </span>
      </fieldset>
      <label>
        <span>SV matrix</span>
        <select name="sv" @change=${(e: Event) => this.emit({ name: 'sv', value: this.inputValue(e) as WeightMatrixName })}>
          ${WEIGHT_MATRIX_NAMES.map((name) => html`<option value=${name} ?selected=${name === this.sv}>${name}</option>`)}
        </select>
      </label>
      ${
        isAttentionMatrix(this.sv)
          ? html`<label class="head">
              <span>Attention head ${this.head}</span>
              <input
                type="range"
                name="head"
                min="0"
                max=${Math.max(0, this.heads - 1)}
                .value=${live(String(this.head))}
                @change=${(e: Event) => this.emit({ name: 'head', value: Number(this.inputValue(e)) })}
              />
            </label>`
          : nothing
      }
      <label>
        <span>Flatness metric</span>
        <select name="metric" @change=${(e: Event) => this.emit({ name: 'metric', value: this.inputValue(e) as FlatnessMetric })}>
          ${FLATNESS_METRICS.map((m) => html`<option value=${m.key} ?selected=${m.key === this.metric}>${m.label}</option>`)}
        </select>
      </label>
      <p class="status" role="status">${this.status}</p>
    </div>`;
  }

  private renderRun(run: NonNullable<VariantDetail['run']>) {
    return html`<dl class="run" aria-label="Run settings">
      <dt>Training fraction</dt>
      <dd>${formatNumber(run.trainingFraction)}</dd>
      <dt>Data seed</dt>
      <dd>${run.dataSeed}</dd>
      <dt>Epochs</dt>
      <dd>${formatEpoch(this.numEpochs)} (${epochRange(this.numEpochs)})</dd>
      ${
        run.backend
          ? html`<dt>Backend</dt>
              <dd>${run.backend}</dd>`
          : nothing
      }
      ${
        run.initFrom
          ? html`<dt>Started from</dt>
              <dd>${run.initFrom}</dd>`
          : nothing
      }
    </dl>`;
  }

  private inputValue(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  private emit(detail: VizControlDetail) {
    this.dispatchEvent(new CustomEvent('viz-control-change', { detail, bubbles: true, composed: true }));
  }

  private toggle() {
    this.collapsed = !this.collapsed;
  }

  private onNeuron(event: Event) {
    const input = event.target as HTMLInputElement;
    const value = Math.round(Number(input.value));
    if (!Number.isFinite(value) || input.value === '') return void (input.value = String(this.neuron));
    const neuron = Math.min(Math.max(0, value), this.neurons - 1);
    input.value = String(neuron);
    this.emit({ name: 'neuron', value: neuron });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'viz-sidebar': VizSidebar;
  }
  interface HTMLElementEventMap {
    'viz-control-change': VizControlChangeEvent;
  }
}
