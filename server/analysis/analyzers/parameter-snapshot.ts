/**
 * parameter_snapshot (docs/ARCHITECTURE.md §6.10): a copy of the nine weight matrices, keyed W_E … W_U with their
 * TransformerLens shapes. Stored per epoch (0.9 MB at p = 113, 86 MB per run): it is the input of
 * the cross-epoch parameter_trajectory and keeps artifacts/ readable without the checkpoints.
 */
import type { WeightName } from '../../engine/weights.ts';
import { weightShapes } from '../../engine/weights.ts';
import { float32, type Analyzer } from '../analyzer.ts';

/** The canonical matrix order of the snapshot and the spectra (docs/ARCHITECTURE.md §6.10). */
export const MATRIX_NAMES: readonly WeightName[] = ['W_E', 'W_pos', 'W_Q', 'W_K', 'W_V', 'W_O', 'W_in', 'W_out', 'W_U'];

export const parameterSnapshot: Analyzer = {
  name: 'parameter_snapshot',
  compute({ dims, weights }) {
    const shapes = weightShapes(dims);
    return Object.fromEntries(MATRIX_NAMES.map((name) => [name, float32(shapes[name], weights[name].slice())]));
  },
};
