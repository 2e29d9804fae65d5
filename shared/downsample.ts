/**
 * Thinning a long line for drawing without losing its shape: the values are cut into buckets and
 * each bucket keeps its minimum and maximum, so spikes and the grokking drop survive. Used by the
 * loss plot in the browser and by the server's curve downsampling for the Reports overlays.
 */

/**
 * Indices of `values` to draw so a line of any length stays at about `maxPoints` points: the
 * values are cut into `maxPoints / 2` buckets and each bucket keeps its minimum and maximum. The
 * first, last and every `keep` index are always kept. Returns ascending indices.
 */
export function downsampleIndices(values: ArrayLike<number>, maxPoints: number, keep: Iterable<number> = []): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const kept = new Set<number>([0, n - 1]);
  for (const i of keep) if (Number.isInteger(i) && i >= 0 && i < n) kept.add(i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    kept.add(lo).add(hi);
  }
  return [...kept].sort((a, b) => a - b);
}
