/**
 * Thinning a long line for drawing without losing its shape: the values are cut into buckets and
 * each bucket keeps its minimum and maximum, so spikes and the grokking drop survive. Used by the
 * loss plot in the browser and by the server's curve downsampling for the Reports overlays.
 */

/**
 * Indices of `values` to draw so a line of any length stays at about `maxPoints` points: the
 * values are cut into `maxPoints / 2` buckets and each bucket keeps its minimum and maximum. The
 * first, last and every `keep` index are always kept. A value that is not a finite number (null: a
 * diverged epoch in a stored file) is never a bucket's minimum or maximum. Returns ascending indices.
 */
export function downsampleIndices(values: ArrayLike<number | null>, maxPoints: number, keep: Iterable<number> = []): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const kept = new Set<number>([0, n - 1]);
  for (const i of keep) if (Number.isInteger(i) && i >= 0 && i < n) kept.add(i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const value = values[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (lo < 0 || value < values[lo]!) lo = i;
      if (hi < 0 || value > values[hi]!) hi = i;
    }
    if (lo >= 0) kept.add(lo).add(hi);
  }
  return [...kept].sort((a, b) => a - b);
}
