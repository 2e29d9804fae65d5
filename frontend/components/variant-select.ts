import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { VariantState, VariantSummary } from '../../shared/api.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { IDENTITY_SETTING_NAMES } from '../../shared/variant-name.ts';
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

/**
 * "◉ prime=113, seed=999 [analyzed]", the original's label with the state visible; the training
 * settings that are not at their defaults and the starting weights' digest follow the parameters
 * ("prime=113, seed=999, weight_decay=0.3, init=3f9a12bc"), so no two variants read the same.
 */
export function variantLabel(variant: VariantSummary): string {
  const settings = IDENTITY_SETTING_NAMES.filter((name) => variant.training[name] !== TRAINING_DEFAULTS[name]).map(
    (name) => [name, variant.training[name]] as const,
  );
  const parts = [...Object.entries(variant.params), ...settings, ...(variant.init ? [['init', variant.init] as const] : [])];
  return `${STATE_GLYPH[variant.state]} ${parts.map(([name, value]) => `${name}=${value}`).join(', ')} [${variant.state}]`;
}

/**
 * Picks a variant of one family, showing each variant's state. Nothing is pre-selected, and a
 * `value` the list lacks selects nothing and says so (never another variant).
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
    const known = this.variants.some((variant) => variant.name === this.value);
    return html`<label>
      <span>${this.label}</span>
      <select name="variant" ?disabled=${this.disabled} @change=${this.onChange}>
        <option value="" disabled ?selected=${!known}>${this.prompt(known)}</option>
        ${this.variants.map(
          (variant) => html`<option value=${variant.name} ?selected=${variant.name === this.value}>${variantLabel(variant)}</option>`,
        )}
      </select>
    </label>`;
  }

  /** The text of the empty choice: what to do, or why nothing is selected. */
  private prompt(known: boolean): string {
    if (this.variants.length === 0) return 'No variants yet';
    return this.value && !known ? `Not found: ${this.value}` : 'Select variant...';
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
