import { expect, fixture, html } from '@open-wc/testing';
import '../../frontend/components/report-table.ts';
import type { ReportTable } from '../../frontend/components/report-table.ts';
import { reportColumns, type ReportMetrics, type ReportRow } from '../../shared/reports.ts';

const family = { domain_parameters: { prime: { label: 'Prime (p)' } }, architecture: { n_heads: 4 } };
const ACCURACY = ['final_train_accuracy', 'final_test_accuracy', 'test_accuracy_99_epoch'];

function row(
  name: string,
  accuracy: Pick<ReportMetrics, 'final_train_accuracy' | 'final_test_accuracy' | 'test_accuracy_99_epoch'>,
): ReportRow {
  return {
    name,
    family: 'modulo_addition_1layer',
    params: { prime: 7 },
    state: 'trained',
    training: { data_seed: 598, training_fraction: 0.3, num_epochs: 3000, learning_rate: 0.001, weight_decay: 1 },
    metrics: { final_test_loss: 1e-6, ...accuracy } as ReportMetrics,
  };
}

describe('report-table', () => {
  it('writes accuracies as percentages and leaves them empty for a variant trained before they were recorded', async () => {
    const rows = [
      row('grokked', { final_train_accuracy: 1, final_test_accuracy: 0.99849, test_accuracy_99_epoch: 2150 }),
      row('older', { final_train_accuracy: null, final_test_accuracy: null, test_accuracy_99_epoch: null }),
    ];
    const columns = reportColumns(family).filter((column) => column.id === 'name' || ACCURACY.includes(column.id));
    const el = await fixture<ReportTable>(html`<report-table .rows=${rows} .columns=${columns}></report-table>`);
    const cells = (variant: string) =>
      [...el.shadowRoot!.querySelectorAll(`tr[data-variant=${variant}] td[data-column]`)].map((td) => td.textContent!.trim());
    expect(cells('grokked')).to.deep.equal(['grokked', '100 %', '99.8 %', '2150']);
    expect(cells('older')).to.deep.equal(['older', '', '', '']);
    // Numbers right-aligned; each header's title is its definition.
    const accuracyCells = [...el.shadowRoot!.querySelectorAll('tr[data-variant=grokked] td[data-column*=accuracy]')];
    expect(accuracyCells.map((td) => getComputedStyle(td).textAlign)).to.deep.equal(['right', 'right', 'right']);
    const titles = [...el.shadowRoot!.querySelectorAll('th[data-column]')].map((th) => th.getAttribute('title'));
    expect(titles).to.deep.equal(columns.map((column) => column.description));
  });

  it('names each variant without the family prefix every row shares, the whole name in its title', async () => {
    const name = 'modulo_addition_1layer_p113_seed999_frac0.5';
    const columns = reportColumns(family).filter((column) => column.id === 'name');
    const el = await fixture<ReportTable>(
      html`<report-table .rows=${[row(name, {} as ReportMetrics)]} .columns=${columns}></report-table>`,
    );
    const cell = el.shadowRoot!.querySelector('td[data-column=name]')!;
    expect(cell.textContent!.trim()).to.equal('p113_seed999_frac0.5');
    expect(cell.getAttribute('title')).to.equal(name);
  });
});
