import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { VariantState, VariantSummary } from '../../shared/api.ts';
import { labelledSelect, theme } from '../styles/theme.ts';

export type VariantChangeEvent = CustomEvent<{ variant: string }>;

const STATE_GLYPH: Record<VariantState, string> = {
  untrained: '○',
  training: '◌',
  incomplete: '◐',
  trained: '●',
  analyzing: '◌',
  analyzed: '◉',
};

/** "◉ prime=113, seed=999 [analyzed]", the original's label with the state visible. */
export function variantLabel(variant: VariantSummary): string {
  const params = Object.entries(variant.params)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return `${STATE_GLYPH[variant.state]} ${params} [${variant.state}]`;
}

/**
 * Picks a variant of one family, showing each variant's state. Nothing is pre-selected.
 * @fires variant-change - the user chose a variant; `detail.variant` is its name.
 */
@customElement('variant-select')
export class VariantSelect extends LitElement {
  static override styles = [theme, labelledSelect];

  /** Variants in the order to show them (the server sorts them by parameters). */
  @property({ attribute: false }) variants: VariantSummary[] = [];
  @property() value = '';
  @property() label = 'Variant';
  @property({ type: Boolean }) disabled = false;

  override render() {
    return html`<label>
      <span>${this.label}</span>
      <select name="variant" ?disabled=${this.disabled} @change=${this.onChange}>
        <option value="" disabled ?selected=${this.value === ''}>
          ${this.variants.length ? 'Select variant...' : 'No variants yet'}
        </option>
        ${this.variants.map(
          (variant) => html`<option value=${variant.name} ?selected=${variant.name === this.value}>${variantLabel(variant)}</option>`,
        )}
      </select>
    </label>`;
  }

  private onChange(event: Event) {
    this.value = (event.target as HTMLSelectElement).value;
    this.dispatchEvent(new CustomEvent('variant-change', { detail: { variant: this.value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'variant-select': VariantSelect;
  }
  interface HTMLElementEventMap {
    'variant-change': VariantChangeEvent;
  }
}
