/**
 * attention_patterns (docs/ARCHITECTURE.md §6.8): each head's attention from every query to every key position.
 *
 * Storage decision: the full patterns are (nHeads, 3, 3, p, p) = 1.8 MB per epoch for p = 113
 * (175 MB per run), and most of it is fixed by the causal mask. They are one forward pass away
 * from the checkpoint, so the read API recomputes a (query, key) slice on demand; the epoch
 * file keeps only the pattern averaged over the grid, mean_pattern[h][query][key], (nHeads, 3, 3).
 */
import type { AttentionProbe } from '../../engine/probe-forward.ts';
import { float32, type Analyzer } from '../analyzer.ts';

export const attentionPatterns: Analyzer = {
  name: 'attention_patterns',
  compute({ dims: { p, nHeads, nCtx }, probe }) {
    const { attnPattern } = probe(); // [p², nHeads, nCtx, nCtx]
    const cells = nHeads * nCtx * nCtx;
    const sum = new Float64Array(cells);
    for (let row = 0; row < p * p; row++) for (let c = 0; c < cells; c++) sum[c]! += attnPattern[row * cells + c]!;
    return {
      mean_pattern: float32(
        [nHeads, nCtx, nCtx],
        sum.map((s) => s / (p * p)),
      ),
    };
  },
};

/** The (query, key) slice of every head, as [head][a][b] (nHeads × p × p). */
export function attentionSlice(
  attnPattern: Float32Array,
  nHeads: number,
  nCtx: number,
  p: number,
  query: number,
  key: number,
): Float32Array {
  const slice = new Float32Array(nHeads * p * p);
  for (let row = 0; row < p * p; row++) {
    for (let h = 0; h < nHeads; h++) slice[h * p * p + row] = attnPattern[((row * nHeads + h) * nCtx + query) * nCtx + key]!;
  }
  return slice;
}

/**
 * attentionSlice from the read API's probe: the query at "=" reads the engine's own pattern, so
 * only queries 0 and 1 make the probe compute its full attnPattern.
 */
export function attentionGrid(probe: AttentionProbe, nHeads: number, p: number, query: number, key: number): Float32Array {
  if (query !== 2) return attentionSlice(probe.attnPattern, nHeads, 3, p, query, key);
  const grid = new Float32Array(nHeads * p * p);
  for (let row = 0; row < p * p; row++) {
    for (let h = 0; h < nHeads; h++) grid[h * p * p + row] = probe.patternAtEquals[(row * nHeads + h) * 3 + key]!;
  }
  return grid;
}
