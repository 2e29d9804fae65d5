import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../styles/theme.ts';

/** One input of a parameter form, described by data (for example from a family's schema). */
export interface FieldSpec {
  name: string;
  label: string;
  description?: string;
  kind: 'number' | 'text' | 'range';
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  /** The raw text in the input: what the user typed, validated by the page. */
  value: string;
  /** An inline validation message; the input is marked invalid while it is set. */
  error?: string;
}

export type FieldInputEvent = CustomEvent<{ name: string; value: string }>;

/**
 * A titled group of labelled inputs rendered from field descriptions, with help text and inline
 * errors. It owns no state: the page passes values and errors down and gets edits back. Controls
 * fields do not describe (a checkbox with its explanation) go in the default slot, after the fields.
 * @fires field-input - on every edit; `detail` holds the field name and its raw value.
 */
@customElement('param-form')
export class ParamForm extends LitElement {
  static override styles = [
    theme,
    css`
      fieldset {
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        padding: 10px 14px 14px;
        margin: 0 0 14px;
        background: var(--wb-surface);
      }
      legend {
        font-weight: 600;
        padding: 0 4px;
      }
      label {
        display: grid;
        gap: 3px;
        margin-top: 10px;
        font-size: 0.9rem;
      }
      input {
        font: inherit;
        padding: 6px 8px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
      }
      input[type='range'] {
        padding: 0;
      }
      input[aria-invalid='true'] {
        border-color: var(--wb-danger);
        outline-color: var(--wb-danger);
      }
      .range {
        display: flex;
        gap: 10px;
        align-items: center;
      }
      .range input {
        flex: 1;
      }
      .range output {
        font-family: var(--wb-mono);
        min-width: 3em;
      }
      .help {
        font-size: 0.78rem;
        color: var(--wb-muted);
      }
      .error {
        font-size: 0.8rem;
        color: var(--wb-danger);
      }
    `,
  ];

  @property() heading = '';
  @property({ attribute: false }) fields: FieldSpec[] = [];
  @property({ type: Boolean }) disabled = false;

  override render() {
    return html`<fieldset ?disabled=${this.disabled}>
      <legend>${this.heading}</legend>
      ${this.fields.map((field) => this.renderField(field))}
      <slot></slot>
    </fieldset>`;
  }

  private renderField(field: FieldSpec) {
    const describedBy = `${field.name}-help ${field.name}-error`;
    // `.value` comes after min/max/step: a range input clamps a value set before its bounds.
    const input = html`<input
      name=${field.name}
      type=${field.kind}
      min=${field.min ?? nothing}
      max=${field.max ?? nothing}
      step=${field.step ?? (field.kind === 'number' ? 'any' : nothing)}
      placeholder=${field.placeholder ?? nothing}
      aria-invalid=${field.error ? 'true' : 'false'}
      aria-describedby=${describedBy}
      .value=${field.value}
      @input=${(event: Event) => this.onInput(field.name, event)}
    />`;
    return html`<label>
      <span>${field.label}</span>
      ${field.kind === 'range' ? html`<span class="range">${input}<output>${field.value}</output></span>` : input}
      ${field.description ? html`<span class="help" id="${field.name}-help">${field.description}</span>` : nothing}
      ${field.error ? html`<span class="error" id="${field.name}-error" role="alert">${field.error}</span>` : nothing}
    </label>`;
  }

  private onInput(name: string, event: Event) {
    const value = (event.target as HTMLInputElement).value;
    this.dispatchEvent(new CustomEvent('field-input', { detail: { name, value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'param-form': ParamForm;
  }
  interface HTMLElementEventMap {
    'field-input': FieldInputEvent;
  }
}
