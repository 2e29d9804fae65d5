/** The Reports page's pure parts: the URL query, the overlay specs, sorting, filtering and legend labels. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORTS_SELECTION, formatReportsQuery, parseReportsQuery } from '../../../frontend/pages/reports-query.ts';
import {
  OVERLAY_MESSAGES,
  OVERLAY_SERIES,
  overlaySpec,
  placeholderMessage,
  tableCsv,
  type OverlayVariant,
} from '../../../frontend/plots/index.ts';
import {
  formatCell,
  matchesFilter,
  reportColumns,
  sortRows,
  variantLabel,
  type ReportMetrics,
  type ReportRow,
} from '../../../shared/reports.ts';

const family = {
  domain_parameters: { prime: { label: 'Prime (p)' }, seed: { label: 'Seed' } },
  architecture: { n_heads: 4 },
};

function row(name: string, prime: number, finalTest: number | null, fraction = 0.3, more: Partial<ReportMetrics> = {}): ReportRow {
  const metrics = Object.fromEntries(
    Object.keys({
      final_train_loss: 0,
      final_test_loss: 0,
      peak_test_loss: 0,
      peak_test_loss_epoch: 0,
      test_below_1_epoch: 0,
      test_below_0_001_epoch: 0,
      final_train_accuracy: 0,
      final_test_accuracy: 0,
      test_accuracy_99_epoch: 0,
      analyzed_epoch: 0,
      specialized_total: 0,
      specialized_low: 0,
      specialized_mid: 0,
      specialized_high: 0,
      head_max_frac: 0,
      w_in_participation_ratio: 0,
      flatness_ratio: 0,
      trajectory_path_length: 0,
    }).map((key) => [key, null]),
  ) as ReportRow['metrics'];
  return {
    name,
    family: 'f',
    params: { prime, seed: 1 },
    state: 'analyzed',
    training: { data_seed: 598, training_fraction: fraction, num_epochs: 100, learning_rate: 0.001, weight_decay: 1 },
    metrics: { ...metrics, final_test_loss: finalTest, ...more },
  };
}

describe('reports URL query', () => {
  it('round-trips the selection, columns, sort, filter, plots and band in readable form', () => {
    const selection = {
      family: 'modulo_addition_1layer',
      selected: ['v_p113_seed1', 'v_p97_seed2'],
      columns: ['name', 'final_test_loss'],
      sort: { column: 'final_test_loss', descending: true },
      filter: 'prime=113 analyzed',
      plots: ['overlay-loss' as const, 'overlay-velocity' as const],
      band: 'low' as const,
    };
    const query = formatReportsQuery(selection);
    expect(query).toBe(
      '?family=modulo_addition_1layer&selected=v_p113_seed1,v_p97_seed2&columns=name,final_test_loss&sort=final_test_loss:desc&filter=prime=113%20analyzed&plots=overlay-loss,overlay-velocity&band=low',
    );
    expect(parseReportsQuery(query)).toEqual(selection);
  });

  it('never throws: malformed values take their defaults', () => {
    expect(parseReportsQuery('?plots=nope,overlay-loss&band=ultra&sort=')).toEqual({
      ...DEFAULT_REPORTS_SELECTION,
      plots: ['overlay-loss'],
    });
    expect(formatReportsQuery(DEFAULT_REPORTS_SELECTION)).toBe('');
  });
});

describe('runs table helpers', () => {
  const rows = [row('a_p7', 7, 0.5), row('b_p11', 11, null), row('c_p13', 13, 1e-6, 0.5)];
  const columns = reportColumns(family);
  const byLoss = columns.find((c) => c.id === 'final_test_loss')!;

  it('sorts numerically either way with unknown values last', () => {
    expect(sortRows(rows, byLoss, false).map((r) => r.name)).toEqual(['c_p13', 'a_p7', 'b_p11']);
    expect(sortRows(rows, byLoss, true).map((r) => r.name)).toEqual(['a_p7', 'c_p13', 'b_p11']);
  });

  it('filters on every term over name, state, parameters and settings', () => {
    expect(rows.filter((r) => matchesFilter(r, 'prime=13')).map((r) => r.name)).toEqual(['c_p13']);
    expect(rows.filter((r) => matchesFilter(r, 'ANALYZED training_fraction=0.5')).map((r) => r.name)).toEqual(['c_p13']);
    expect(rows.filter((r) => matchesFilter(r, '')).length).toBe(3);
    // A key=value term is the exact value, not a part of it: prime=1 is no prime, seed=1 not the data seed.
    expect(rows.filter((r) => matchesFilter(r, 'prime=1')).length).toBe(0);
    expect(rows.filter((r) => matchesFilter(r, 'prime=7')).map((r) => r.name)).toEqual(['a_p7']);
    expect(rows.filter((r) => matchesFilter(r, 'training_fraction=.5')).map((r) => r.name)).toEqual(['c_p13']);
    expect(rows.filter((r) => matchesFilter(r, 'data_seed=1')).length).toBe(0);
    expect(rows.filter((r) => matchesFilter(r, 'colour=red')).length).toBe(0);
  });

  it('names a variant by its parameters, plus the settings that differ among those shown', () => {
    expect(variantLabel(rows[0]!, rows)).toBe('prime=7, seed=1, training_fraction=0.3');
    expect(variantLabel(rows[0]!, rows.slice(0, 2))).toBe('prime=7, seed=1');
    // A run started from other weights is told apart from the seeded one by their digest.
    const started = { ...rows[0]!, training: { ...rows[0]!.training, init: '0a1b2c3d' } };
    expect(variantLabel(started, [rows[0]!, started])).toBe('prime=7, seed=1, init=0a1b2c3d');
    expect(columns.find((c) => c.id === 'init')!.value(started)).toBe('0a1b2c3d');
    expect(columns.find((c) => c.id === 'init')!.value(rows[0]!)).toBeNull();
  });

  it('has a column per domain parameter and per head', () => {
    const ids = columns.map((c) => c.id);
    expect(ids).toContain('param:prime');
    expect(ids.filter((id) => id.startsWith('head_max_frac:'))).toHaveLength(4);
  });

  it('has loss-group columns for the final accuracies, as percentages, and the epoch test accuracy reaches 99 %, each defined', () => {
    const accuracy = ['final_train_accuracy', 'final_test_accuracy', 'test_accuracy_99_epoch'].map((id) =>
      columns.find((c) => c.id === id)!,
    );
    expect(accuracy.map((c) => [c.label, c.group])).toEqual([
      ['Final train acc', 'loss'],
      ['Final test acc', 'loss'],
      ['Test acc ≥ 99 % at', 'loss'],
    ]);
    expect(accuracy[0]!.description).toContain("before the last epoch's update (metadata.json train_accuracies)");
    expect(accuracy[1]!.description).toContain('after the last epoch (metadata.json test_accuracies)');
    expect(accuracy[2]!.description).toContain('the first epoch whose test accuracy is at least 99 %');
    for (const column of accuracy) expect(column.description).toContain('trained before accuracies were recorded');
    // Right after the loss thresholds, before the analysis columns.
    const ids = columns.map((c) => c.id);
    expect(ids.slice(ids.indexOf('test_below_0_001_epoch') + 1, ids.indexOf('analyzed_epoch'))).toEqual(accuracy.map((c) => c.id));

    const grokked = row('g_p7', 7, 1e-6, 0.3, { final_train_accuracy: 1, final_test_accuracy: 0.99849, test_accuracy_99_epoch: 12345 });
    const older = row('o_p7', 7, 0.5);
    expect(accuracy.map((c) => formatCell(c, grokked))).toEqual(['100 %', '99.8 %', '12345']);
    expect(accuracy.map((c) => formatCell(c, older))).toEqual(['', '', '']);
    // Sorted and exported as the shares themselves.
    expect(accuracy[1]!.value(grokked)).toBe(0.99849);
    const partly = row('p_p7', 7, 0.1, 0.3, { final_test_accuracy: 0.5 });
    expect(sortRows([older, grokked, partly], accuracy[1], true).map((r) => r.name)).toEqual(['g_p7', 'p_p7', 'o_p7']);
  });
});

describe('overlay specs', () => {
  const variants: OverlayVariant[] = [
    {
      name: 'a',
      label: 'prime=7',
      color: '#1f77b4',
      curves: { test_loss: { epochs: [0, 5, 9], values: [4, 2, 0.5] }, train_loss: { epochs: [0, 9], values: [4, 0.1] } },
    },
    { name: 'b', label: 'prime=11', color: '#ff7f0e', curves: { test_loss: { epochs: [0, 4, 9], values: [5, 3, 1] } } },
  ];

  it('draws each variant in its colour, legend once per variant, on the shared epoch range, hover unified', () => {
    const spec = overlaySpec('overlay-loss', variants, 'total', [0, 20]);
    expect(spec.data.map((t) => (t as { name: string }).name)).toEqual(['prime=7', 'prime=7', 'prime=11']);
    expect(spec.data.map((t) => (t as { showlegend: boolean }).showlegend)).toEqual([true, false, true]);
    expect(spec.traceVariants).toEqual(['a', 'a', 'b']);
    expect(spec.layout.hovermode).toBe('x unified');
    expect(spec.layout.xaxis?.range).toEqual([0, 20]);
    expect(spec.layout.yaxis?.type).toBe('log');
    // Beside the plot, one entry per line: long labels cannot wrap over the title.
    expect(spec.layout.legend).toMatchObject({ orientation: 'v', x: 1.02, xanchor: 'left' });
  });

  it('exports a tidy CSV: one row per epoch, a column per variant and series', () => {
    const csv = tableCsv(overlaySpec('overlay-loss', variants).export!.table());
    expect(csv).toBe('epoch,a__test_loss,a__train_loss,b__test_loss\n0,4,4,5\n4,,,3\n5,2,,\n9,0.5,0.1,1\n');
  });

  it('overlays test (solid) and train (dotted) accuracy in percent on a fixed 0–100 % axis', () => {
    const accuracy: OverlayVariant[] = [
      {
        name: 'a',
        label: 'prime=7',
        color: '#1f77b4',
        curves: { test_accuracy: { epochs: [0, 9], values: [0.1, 0.99849] }, train_accuracy: { epochs: [0, 9], values: [0.2, 1] } },
      },
      // Trained before accuracies were recorded: nothing to draw.
      { name: 'b', label: 'prime=11', color: '#ff7f0e', curves: { test_loss: { epochs: [0, 9], values: [5, 1] } } },
    ];
    const spec = overlaySpec('overlay-accuracy', accuracy);
    // The variant without accuracies is named under the title, not left out silently.
    expect((spec.layout.title as { subtitle?: { text: string } }).subtitle?.text).toBe('Not drawn, no such results: prime=11');
    expect((overlaySpec('overlay-loss', variants).layout.title as { subtitle?: unknown }).subtitle).toBeUndefined();
    const traces = spec.data as { name: string; text: string[]; line: { dash: string }; hovertemplate: string }[];
    expect(traces.map((t) => [t.name, t.line.dash])).toEqual([
      ['prime=7', 'solid'],
      ['prime=7', 'dot'],
    ]);
    expect(traces.map((t) => t.text)).toEqual([
      ['10 %', '99.8 %'],
      ['20 %', '100 %'],
    ]);
    expect(traces.map((t) => t.hovertemplate)).toEqual([
      'prime=7 (test): %{text}<extra></extra>',
      'prime=7 (train): %{text}<extra></extra>',
    ]);
    expect(spec.traceVariants).toEqual(['a', 'a']);
    expect(spec.layout.yaxis).toMatchObject({ range: [0, 1.02], autorange: false, tickformat: '.0%' });
    expect(spec.layout.yaxis?.type).toBeUndefined();
    expect(tableCsv(spec.export!.table())).toBe('epoch,a__test_accuracy,a__train_accuracy\n0,0.1,0.2\n9,0.99849,1\n');
    // The page asks for the accuracy curves with the others, in its one curves request.
    expect(OVERLAY_SERIES).toEqual(expect.arrayContaining(['test_accuracy', 'train_accuracy']));
  });

  it('says what to do without variants, and when none has the results', () => {
    expect(placeholderMessage(overlaySpec('overlay-velocity', []))).toBe(OVERLAY_MESSAGES.selectVariants);
    expect(placeholderMessage(overlaySpec('overlay-velocity', variants))).toBe(OVERLAY_MESSAGES.noData);
  });
});
