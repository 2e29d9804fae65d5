import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatCell, type ReportColumn, type ReportRow, type ReportSort } from '../../shared/reports.ts';
import { theme } from '../styles/theme.ts';

export type ReportSortEvent = CustomEvent<{ sort: ReportSort }>;
/** One row's checkbox changed (the page keeps the selection, so quick clicks never lose one). */
export type ReportSelectEvent = CustomEvent<{ variant: string; checked: boolean }>;

/** The header's sort indicator and its accessible state. */
function sortState(column: ReportColumn, sort: ReportSort | null): { arrow: string; aria: 'ascending' | 'descending' | 'none' } {
  if (sort?.column !== column.id) return { arrow: '', aria: 'none' };
  return sort.descending ? { arrow: ' ▼', aria: 'descending' } : { arrow: ' ▲', aria: 'ascending' };
}

/** "Compare modulo_addition_1layer_p113_seed999": the row checkbox's accessible name. */
function selectLabel(row: ReportRow): string {
  return `Compare ${row.name}`;
}

/**
 * The runs table: one row per variant (already filtered and sorted by the page), the chosen
 * columns, a checkbox per row to compare it in the overlays, and sortable headers whose title
 * says how the column is defined.
 *
 * @fires report-sort - a header was clicked; detail: the new sort (the same column again flips the direction).
 * @fires report-select - a row's checkbox changed; detail: the variant and whether it is now checked.
 */
/** The variant's name without its family's prefix, which every row of the table shares: "p113_seed999_frac0.5". */
function shortName(row: Pick<ReportRow, 'name' | 'family'>): string {
  return row.name.startsWith(`${row.family}_`) ? row.name.slice(row.family.length + 1) : row.name;
}

@customElement('report-table')
export class ReportTable extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        overflow-x: auto;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.85rem;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        padding: 4px 8px;
        border-bottom: 1px solid var(--wb-border);
        white-space: nowrap;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--wb-subtle);
        text-align: left;
        font-weight: 600;
      }
      /* The whole header cell sorts, not only its text. */
      th button {
        display: block;
        width: 100%;
        text-align: inherit;
        font: inherit;
        font-weight: 600;
        border: 0;
        padding: 0;
        background: none;
        cursor: pointer;
        color: inherit;
      }
      td.number {
        text-align: right;
      }
      tr.selected td {
        background: #eef4fd;
      }
      .swatch {
        display: inline-block;
        width: 10px;
        height: 10px;
        border-radius: 2px;
        margin-left: 4px;
        vertical-align: middle;
      }
      .empty {
        padding: 12px;
        color: var(--wb-muted);
      }
    `,
  ];

  @property({ attribute: false }) rows: ReportRow[] = [];
  @property({ attribute: false }) columns: ReportColumn[] = [];
  @property({ attribute: false }) sort: ReportSort | null = null;
  /** Selected variant names, in the order selected. */
  @property({ attribute: false }) selected: string[] = [];
  /** The overlay colour of each selected variant. */
  @property({ attribute: false }) colors: ReadonlyMap<string, string> = new Map();
  /** What to say when there are no rows. */
  @property() empty = 'No variants';

  override render() {
    if (this.rows.length === 0) return html`<p class="empty">${this.empty}</p>`;
    const numeric = this.columns.map((column) => this.rows.some((row) => typeof column.value(row) === 'number'));
    return html`<table>
      <thead>
        <tr>
          <th scope="col">Compare</th>
          ${this.columns.map((column) => this.renderHeader(column))}
        </tr>
      </thead>
      <tbody>
        ${this.rows.map((row) => this.renderRow(row, numeric))}
      </tbody>
    </table>`;
  }

  private renderHeader(column: ReportColumn) {
    const { arrow, aria } = sortState(column, this.sort);
    return html`<th scope="col" aria-sort=${aria} data-column=${column.id} title=${column.description}>
      <button type="button" @click=${() => this.onSort(column)}>${column.label}${arrow}</button>
    </th>`;
  }

  private renderRow(row: ReportRow, numeric: boolean[]) {
    const selected = this.selected.includes(row.name);
    const color = this.colors.get(row.name);
    return html`<tr class=${selected ? 'selected' : ''} data-variant=${row.name}>
      <td>
        <input type="checkbox" aria-label=${selectLabel(row)} .checked=${selected} @change=${(event: Event) => this.onSelect(row, event)} />
        ${color ? html`<span class="swatch" style="background: ${color}"></span>` : ''}
      </td>
      ${this.columns.map((column, i) =>
        column.id === 'name'
          ? html`<td data-column="name" title=${row.name}>${shortName(row)}</td>`
          : html`<td class=${numeric[i] ? 'number' : ''} data-column=${column.id}>${formatCell(column, row)}</td>`,
      )}
    </tr>`;
  }

  private onSort(column: ReportColumn) {
    const descending = this.sort?.column === column.id ? !this.sort.descending : false;
    this.dispatchEvent(
      new CustomEvent('report-sort', { detail: { sort: { column: column.id, descending } }, bubbles: true, composed: true }),
    );
  }

  private onSelect(row: ReportRow, event: Event) {
    const checked = (event.target as HTMLInputElement).checked;
    this.dispatchEvent(new CustomEvent('report-select', { detail: { variant: row.name, checked }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'report-table': ReportTable;
  }
  interface HTMLElementEventMap {
    'report-sort': ReportSortEvent;
    'report-select': ReportSelectEvent;
  }
}
