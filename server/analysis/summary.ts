/** Summary files: one row per epoch from an analyzer's summarize(), stacked with the epoch axis first. */
import type { TensorMap } from '../storage/safetensors.ts';
import type { SummaryRow } from './analyzer.ts';

/**
 * epochs (n,) int32, and each key as float64 (n,) for scalars or (n, length) for vectors.
 * Rows must share keys and vector lengths (they come from one analyzer of one variant).
 */
export function stackSummary(epochs: readonly number[], rows: readonly SummaryRow[]): TensorMap {
  const n = rows.length;
  const stacked: TensorMap = { epochs: { dtype: 'I32', shape: [n], data: Int32Array.from(epochs) } };
  if (n === 0) return stacked;
  for (const [key, first] of Object.entries(rows[0]!)) {
    const width = typeof first === 'number' ? 1 : first.length;
    const data = new Float64Array(n * width);
    rows.forEach((row, i) => {
      const value = row[key];
      if (value === undefined) throw new Error(`summary row for epoch ${epochs[i]} has no ${key}`);
      if (typeof value === 'number') data[i] = value;
      else data.set(Array.from(value), i * width);
    });
    stacked[key] = { dtype: 'F64', shape: typeof first === 'number' ? [n] : [n, width], data };
  }
  return stacked;
}
