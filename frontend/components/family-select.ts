import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FamilySummary } from '../../shared/api.ts';
import { labelledSelect, theme } from '../styles/theme.ts';

export type FamilyChangeEvent = CustomEvent<{ family: string }>;

/**
 * Picks a model family from the registry's list.
 * @fires family-change - the user chose a family; `detail.family` is its name.
 */
@customElement('family-select')
export class FamilySelect extends LitElement {
  static override styles = [theme, labelledSelect];

  @property({ attribute: false }) families: FamilySummary[] = [];
  /** The selected family name; '' shows the placeholder. */
  @property() value = '';
  @property() label = 'Model family';
  @property({ type: Boolean }) disabled = false;

  override render() {
    return html`<label>
      <span>${this.label}</span>
      <select name="family" ?disabled=${this.disabled} @change=${this.onChange}>
        <option value="" disabled ?selected=${this.value === ''}>Select family...</option>
        ${this.families.map(
          (family) => html`<option value=${family.name} ?selected=${family.name === this.value}>${family.display_name}</option>`,
        )}
      </select>
    </label>`;
  }

  private onChange(event: Event) {
    this.value = (event.target as HTMLSelectElement).value;
    this.dispatchEvent(new CustomEvent('family-change', { detail: { family: this.value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'family-select': FamilySelect;
  }
  interface HTMLElementEventMap {
    'family-change': FamilyChangeEvent;
  }
}
