/** Descriptive statistics used by the summaries, with NumPy's definitions. */

type Numbers = ArrayLike<number>;

export function mean(values: Numbers): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Population standard deviation (NumPy's default ddof = 0). */
export function populationStd(values: Numbers): number {
  const mu = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mu) ** 2;
  return Math.sqrt(squares / values.length);
}

/** NumPy's default percentile: linear interpolation between the sorted values at rank q/100·(n−1). */
export function percentile(values: Numbers, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const rank = (q / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (rank - below) * (sorted[above]! - sorted[below]!);
}

export function median(values: Numbers): number {
  return percentile(values, 50);
}

export function max(values: Numbers): number {
  let best = -Infinity;
  for (let i = 0; i < values.length; i++) best = Math.max(best, values[i]!);
  return best;
}

/**
 * Per column of a row-major (rows × cols) matrix: the largest value and its first row index
 * (NumPy's argmax picks the first of ties).
 */
export function columnMax(matrix: Numbers, rows: number, cols: number): { value: Float64Array; row: Int32Array } {
  const value = new Float64Array(cols).fill(-Infinity);
  const row = new Int32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = matrix[r * cols + c]!;
      if (v > value[c]!) {
        value[c] = v;
        row[c] = r;
      }
    }
  }
  return { value, row };
}

/** Counts of values in `bins` equal-width bins over [low, high], the last bin closed (numpy.histogram). */
export function histogram(values: Numbers, bins: number, low: number, high: number): Float64Array {
  const counts = new Float64Array(bins);
  const width = (high - low) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < low || v > high) continue;
    counts[Math.min(Math.floor((v - low) / width), bins - 1)]! += 1;
  }
  return counts;
}
