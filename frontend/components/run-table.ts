import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { RUN_KIND_LABEL, createdText, type RunAction, type RunKind, type RunRow } from './run-rows.ts';
import { listTable, theme } from '../styles/theme.ts';

export type RunActionEvent = CustomEvent<{ id: string; kind: RunKind; action: RunAction }>;

const ACTION_LABEL: Record<RunAction, string> = { cancel: 'Cancel', resume: 'Resume', retry: 'Retry' };

const ACTION_TITLE: Record<RunAction, string> = {
  cancel: 'Take it out of the queue, or stop it (a training keeps its latest checkpoint)',
  resume: 'Continue this training from its latest checkpoint',
  retry: 'Run this job again (a training resumes from its latest checkpoint when it saved one)',
};

/**
 * Jobs and sweeps as a table: when, kind, variant, state (with the place in line), progress,
 * duration, final losses, the actions each allows and links to the variant's pages. It owns no
 * state: the page passes the rows (run-rows.ts) down and acts on the events.
 * @fires run-action - the user asked to cancel, resume or retry a row; `detail` holds its id, kind and the action.
 */
/** A variant name that may break only after its underscores, never inside a setting ("frac0.5"). */
function breakableName(name: string) {
  return name.split('_').map((part, i) => (i === 0 ? part : html`_<wbr />${part}`));
}

@customElement('run-table')
export class RunTable extends LitElement {
  static override styles = [
    theme,
    listTable,
    css`
      td {
        vertical-align: middle;
      }
      .subject,
      .figure {
        font-family: var(--wb-mono);
        font-size: 0.82rem;
      }
      /* Figures never break ("1 min 29 s", "100 %"); a result's losses may, at their spaces. */
      .figure,
      .progress {
        white-space: nowrap;
      }
      .result {
        white-space: normal;
      }
      .state[data-state='running'] {
        color: var(--wb-accent);
      }
      .state[data-state='succeeded'] {
        color: var(--wb-ok);
      }
      .state[data-state='failed'],
      .state[data-state='interrupted'] {
        color: var(--wb-danger);
      }
      progress {
        width: 80px;
      }
      .actions {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
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
      button[data-action='cancel'] {
        border-color: var(--wb-danger);
        color: var(--wb-danger);
      }
      .empty {
        color: var(--wb-muted);
        padding: 12px 8px;
      }
    `,
  ];

  @property({ attribute: false }) rows: RunRow[] = [];
  /** What to say when there is no row. */
  @property({ attribute: 'empty-text' }) emptyText = 'No jobs yet';

  override render() {
    if (this.rows.length === 0) return html`<p class="empty">${this.emptyText}</p>`;
    return html`<table>
      <thead>
        <tr>
          <th>Created</th>
          <th>Kind</th>
          <th>Variant</th>
          <th>State</th>
          <th>Progress</th>
          <th>Duration</th>
          <th>Final losses</th>
          <th>Actions</th>
          <th>Open</th>
        </tr>
      </thead>
      <tbody>
        ${this.rows.map((row) => this.renderRow(row))}
      </tbody>
    </table>`;
  }

  private renderRow(row: RunRow) {
    return html`<tr data-id=${row.id} data-kind=${row.kind} data-state=${row.state}>
      <td class="figure">${createdText(row.createdAt)}</td>
      <td class="kind">${RUN_KIND_LABEL[row.kind]}</td>
      <td class="subject">${breakableName(row.subject)}</td>
      <td class="state" data-state=${row.state}>${row.stateText}</td>
      <td class="progress">
        <progress max="100" value=${row.percent} aria-label="Progress"></progress> <span class="figure">${row.percent} %</span>
      </td>
      <td class="figure duration">${row.durationText}</td>
      <td class="figure result">${row.resultText}</td>
      <td>
        <div class="actions">
          ${row.actions.map(
            (action) =>
              html`<button data-action=${action} title=${ACTION_TITLE[action]} @click=${() => this.onAction(row, action)}>
                ${ACTION_LABEL[action]}
              </button>`,
          )}
        </div>
      </td>
      <td>
        ${row.variantQuery ? html`<a href="/analysis-run${row.variantQuery}">Analyze</a> · <a href="/viz${row.variantQuery}">View</a>` : nothing}
      </td>
    </tr>`;
  }

  private onAction(row: RunRow, action: RunAction) {
    this.dispatchEvent(new CustomEvent('run-action', { detail: { id: row.id, kind: row.kind, action }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-table': RunTable;
  }
  interface HTMLElementEventMap {
    'run-action': RunActionEvent;
  }
}
