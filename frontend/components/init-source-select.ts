import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { VariantSummary } from '../../shared/api.ts';
import type { InitFrom } from '../../shared/jobs.ts';
import { formatEpoch } from '../../shared/format.ts';
import { labelledSelect, theme } from '../styles/theme.ts';

export type InitSourceChangeEvent = CustomEvent<{ source: InitFrom | null }>;

/**
 * Where a run's weights start: its seeded init, or a checkpoint of another variant (a grokked
 * model trained on with other settings, a memorizing one given more weight decay, …). The page
 * passes only the variants whose weights fit the run (same modulus, with checkpoints).
 * @fires init-source-change - the user chose a start; `detail.source` is null for the seeded init.
 */
@customElement('init-source-select')
export class InitSourceSelect extends LitElement {
  static override styles = [
    theme,
    labelledSelect,
    css`
      fieldset {
        display: grid;
        gap: 8px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        padding: 8px 12px 12px;
        margin: 0;
      }
      legend {
        font-size: 0.9rem;
        padding: 0 4px;
      }
      .choice {
        display: flex;
        gap: 6px;
        align-items: baseline;
        font-size: 0.9rem;
      }
      .checkpoint {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        padding-left: 22px;
      }
      .checkpoint label {
        min-width: 180px;
      }
      p {
        margin: 0;
        font-size: 0.85rem;
      }
    `,
  ];

  /** Variants whose checkpoints can start this run. */
  @property({ attribute: false }) variants: VariantSummary[] = [];
  /** The chosen checkpoint; null for the seeded init. */
  @property({ attribute: false }) value: InitFrom | null = null;
  /** The chosen checkpoint's weights digest, once the page has it: the run's name ends in `_init<digest>`. */
  @property() digest = '';
  @property({ type: Boolean }) disabled = false;

  override render() {
    const { value, variants } = this;
    const source = value ? variants.find((v) => v.name === value.variant) : undefined;
    return html`<fieldset ?disabled=${this.disabled}>
      <legend>Initial weights</legend>
      <label class="choice">
        <input type="radio" name="init" value="seeded" .checked=${value === null} @change=${this.onSeeded} />
        <span>Seeded initialization (from the seed parameter)</span>
      </label>
      <label class="choice">
        <input
          type="radio"
          name="init"
          value="checkpoint"
          .checked=${value !== null}
          ?disabled=${variants.length === 0}
          @change=${this.onCheckpointChosen}
        />
        <span>A checkpoint of another variant${variants.length === 0 ? ' (none with the same modulus has checkpoints yet)' : ''}</span>
      </label>
      ${value ? this.renderCheckpoint(value, source) : nothing}
    </fieldset>`;
  }

  private renderCheckpoint(value: InitFrom, source: VariantSummary | undefined) {
    const epochs = source?.checkpointEpochs ?? [];
    return html`<div class="checkpoint">
        <label>
          <span>Start from variant</span>
          <select name="init-variant" @change=${this.onVariantChange}>
            ${this.variants.map((v) => html`<option value=${v.name} ?selected=${v.name === value.variant}>${v.name}</option>`)}
          </select>
        </label>
        <label>
          <span>At checkpoint epoch</span>
          <select name="init-epoch" @change=${this.onEpochChange}>
            ${epochs.map((epoch) => html`<option value=${epoch} ?selected=${epoch === value.epoch}>${formatEpoch(epoch)}</option>`)}
          </select>
        </label>
      </div>
      <p class="muted">
        The run starts from these weights instead of its seeded init. Its name ends in _init and the weights'
        digest${this.digest ? html` (<code>_init${this.digest}</code>)` : ''}, so it never replaces the seeded run with the same settings.
      </p>`;
  }

  private onSeeded() {
    this.choose(null);
  }

  /** The last variant's last checkpoint: most often the run just finished, at its end. */
  private onCheckpointChosen() {
    const last = this.variants.at(-1);
    const epoch = last?.checkpointEpochs.at(-1);
    if (last && epoch !== undefined) this.choose({ variant: last.name, epoch });
  }

  /** Another variant starts at its last checkpoint. */
  private onVariantChange(event: Event) {
    const variant = this.variants.find((v) => v.name === (event.target as HTMLSelectElement).value);
    const epoch = variant?.checkpointEpochs.at(-1);
    if (variant && epoch !== undefined) this.choose({ variant: variant.name, epoch });
  }

  private onEpochChange(event: Event) {
    if (this.value) this.choose({ variant: this.value.variant, epoch: Number((event.target as HTMLSelectElement).value) });
  }

  private choose(source: InitFrom | null) {
    this.value = source;
    this.dispatchEvent(new CustomEvent('init-source-change', { detail: { source }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'init-source-select': InitSourceSelect;
  }
  interface HTMLElementEventMap {
    'init-source-change': InitSourceChangeEvent;
  }
}
