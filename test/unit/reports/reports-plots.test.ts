/** The Reports page's pure parts: the URL query, the overlay specs, sorting, filtering and legend labels. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORTS_SELECTION, formatReportsQuery, parseReportsQuery } from '../../../frontend/pages/reports-query.ts';
import { OVERLAY_MESSAGES, overlaySpec, placeholderMessage, tableCsv, type OverlayVariant } from '../../../frontend/plots/index.ts';
import { matchesFilter, reportColumns, sortRows, variantLabel, type ReportRow } from '../../../shared/reports.ts';

const family = {
  domain_parameters: { prime: { label: 'Prime (p)' }, seed: { label: 'Seed' } },
  architecture: { n_heads: 4 },
};

function row(name: string, prime: number, finalTest: number | null, fraction = 0.3): ReportRow {
  const metrics = Object.fromEntries(
    Object.keys({
      final_train_loss: 0,
      final_test_loss: 0,
      peak_test_loss: 0,
      peak_test_loss_epoch: 0,
      test_below_1_epoch: 0,
      test_below_0_001_epoch: 0,
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
    metrics: { ...metrics, final_test_loss: finalTest },
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
  });

  it('names a variant by its parameters, plus the settings that differ among those shown', () => {
    expect(variantLabel(rows[0]!, rows)).toBe('prime=7, seed=1, training_fraction=0.3');
    expect(variantLabel(rows[0]!, rows.slice(0, 2))).toBe('prime=7, seed=1');
  });

  it('has a column per domain parameter and per head', () => {
    const ids = columns.map((c) => c.id);
    expect(ids).toContain('param:prime');
    expect(ids.filter((id) => id.startsWith('head_max_frac:'))).toHaveLength(4);
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
  });

  it('exports a tidy CSV: one row per epoch, a column per variant and series', () => {
    const csv = tableCsv(overlaySpec('overlay-loss', variants).export!.table());
    expect(csv).toBe('epoch,a__test_loss,a__train_loss,b__test_loss\n0,4,4,5\n4,,,3\n5,2,,\n9,0.5,0.1,1\n');
  });

  it('says what to do without variants, and when none has the results', () => {
    expect(placeholderMessage(overlaySpec('overlay-velocity', []))).toBe(OVERLAY_MESSAGES.selectVariants);
    expect(placeholderMessage(overlaySpec('overlay-velocity', variants))).toBe(OVERLAY_MESSAGES.noData);
  });
});
