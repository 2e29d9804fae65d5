/**
 * effective_dimensionality (docs/ARCHITECTURE.md §6.11): singular value spectra of the weight matrices.
 *
 * sv_<name>: singular values, descending. Attention matrices are decomposed per head: W_Q, W_K,
 * W_V as [dModel, dHead] blocks and W_O as its [dHead, dModel] block, giving (nHeads, dHead);
 * every other matrix gives min(rows, cols) values. Stored per epoch (a few KB).
 *
 * Summary: pr_<name>, the participation ratio (Σs)²/Σs² of each spectrum (per head for attention).
 */
import { weightShapes } from '../../engine/weights.ts';
import { float32, values, type Analyzer, type SummaryRow } from '../analyzer.ts';
import { participationRatio, singularValues } from '../linalg.ts';
import { MATRIX_NAMES } from './parameter-snapshot.ts';

const PER_HEAD = new Set(['W_Q', 'W_K', 'W_V', 'W_O']);

export const effectiveDimensionality: Analyzer = {
  name: 'effective_dimensionality',
  compute({ dims, weights }) {
    const shapes = weightShapes(dims);
    return Object.fromEntries(
      MATRIX_NAMES.map((name) => {
        const shape = shapes[name];
        if (!PER_HEAD.has(name))
          return [`sv_${name}`, float32([Math.min(shape[0]!, shape[1]!)], singularValues(weights[name], shape[0]!, shape[1]!))];
        const [heads, rows, cols] = shape as [number, number, number];
        const spectra = new Float32Array(heads * Math.min(rows, cols));
        for (let h = 0; h < heads; h++) {
          spectra.set(singularValues(weights[name].subarray(h * rows * cols, (h + 1) * rows * cols), rows, cols), h * Math.min(rows, cols));
        }
        return [`sv_${name}`, float32([heads, Math.min(rows, cols)], spectra)];
      }),
    );
  },
  summarize(result) {
    const row: SummaryRow = {};
    for (const name of MATRIX_NAMES) {
      const tensor = result[`sv_${name}`]!;
      const spectra = values(result, `sv_${name}`);
      if (tensor.shape.length === 1) {
        row[`pr_${name}`] = participationRatio(spectra);
      } else {
        const [heads, count] = tensor.shape as [number, number];
        row[`pr_${name}`] = Float64Array.from({ length: heads }, (_, h) =>
          participationRatio(spectra.subarray(h * count, (h + 1) * count)),
        );
      }
    }
    return row;
  },
};
