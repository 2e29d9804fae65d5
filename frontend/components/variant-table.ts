import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { VariantSummary } from '../../shared/api.ts';
import { countOf } from '../../shared/format.ts';
import { listTable, theme } from '../styles/theme.ts';
import { variantQuery } from './run-rows.ts';

export type VariantDeleteEvent = CustomEvent<{ family: string; variant: string }>;

/** The question the confirmation step asks. */
function deleteQuestion(variant: string): string {
  return `Delete ${variant}? Its checkpoints and analysis results are removed from disk; this cannot be undone.`;
}

/**
 * A family's variants with their state, links to their pages and a Delete button that asks to
 * confirm in place (Delete variant / Keep) before it fires.
 * @fires variant-delete - the user confirmed deleting a variant; `detail` holds its family and name.
 */
@customElement('variant-table')
export class VariantTable extends LitElement {
  static override styles = [
    theme,
    listTable,
    css`
      .name {
        font-family: var(--wb-mono);
        font-size: 0.82rem;
        overflow-wrap: anywhere;
      }
      .confirm {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
        background: #fdecea;
        border: 1px solid var(--wb-danger);
        border-radius: var(--wb-radius);
        padding: 6px 10px;
      }
      button {
        font: inherit;
        font-size: 0.8rem;
        padding: 3px 10px;
        border-radius: var(--wb-radius);
        border: 1px solid var(--wb-border);
        background: var(--wb-surface);
        cursor: pointer;
      }
      button.danger {
        border-color: var(--wb-danger);
        color: var(--wb-danger);
      }
      button.danger.confirmed {
        background: var(--wb-danger);
        color: var(--wb-accent-fg);
      }
      .empty {
        color: var(--wb-muted);
        padding: 12px 8px;
      }
    `,
  ];

  @property() family = '';
  @property({ attribute: false }) variants: VariantSummary[] = [];

  /** The variant whose deletion waits for a confirmation. */
  @state() private confirming = '';

  override render() {
    if (this.variants.length === 0) return html`<p class="empty">This family has no variants yet.</p>`;
    return html`<table>
      <thead>
        <tr>
          <th>Variant</th>
          <th>State</th>
          <th>Checkpoints</th>
          <th>Open</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${this.variants.map((variant) => this.renderRow(variant))}
      </tbody>
    </table>`;
  }

  private renderRow(variant: VariantSummary) {
    const query = variantQuery(this.family, variant.name);
    return html`<tr data-variant=${variant.name}>
        <td class="name">${variant.name}</td>
        <td class="state">${variant.state}</td>
        <td>${countOf(variant.checkpointEpochs.length, 'checkpoint')}</td>
        <td><a href="/analysis-run${query}">Analyze</a> · <a href="/viz${query}">View</a></td>
        <td><button class="danger" @click=${() => (this.confirming = variant.name)}>Delete</button></td>
      </tr>
      ${
        this.confirming === variant.name
          ? html`<tr>
              <td colspan="5">
                <div class="confirm" role="alertdialog" aria-label="Confirm deletion">
                  <span class="question">${deleteQuestion(variant.name)}</span>
                  <button class="danger confirmed" @click=${() => this.onConfirm(variant.name)}>Delete variant</button>
                  <button @click=${() => (this.confirming = '')}>Keep</button>
                </div>
              </td>
            </tr>`
          : nothing
      }`;
  }

  private onConfirm(variant: string) {
    this.confirming = '';
    this.dispatchEvent(new CustomEvent('variant-delete', { detail: { family: this.family, variant }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'variant-table': VariantTable;
  }
  interface HTMLElementEventMap {
    'variant-delete': VariantDeleteEvent;
  }
}
