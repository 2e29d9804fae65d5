/**
 * dominant_frequencies (docs/ARCHITECTURE.md §6.5): how strongly the token embedding uses each Fourier component.
 *
 * coefficients[i] = ‖(B · W_E[0:p])[i, :]‖₂, one non-negative magnitude per basis row
 * (Constant, sin k=1, cos k=1, …), shape (p,). The "=" token's row is left out. Weights only;
 * stored per epoch (p floats).
 */
import { float32, type Analyzer } from '../analyzer.ts';

export const dominantFrequencies: Analyzer = {
  name: 'dominant_frequencies',
  compute({ dims: { p, dModel }, weights, basis }) {
    const coefficients = new Float32Array(p);
    for (let i = 0; i < p; i++) {
      // projected[d] = Σ_x B[i][x] · W_E[x][d]
      const projected = new Float64Array(dModel);
      for (let x = 0; x < p; x++) {
        const b = basis.matrix[i * p + x]!;
        for (let d = 0; d < dModel; d++) projected[d]! += b * weights.W_E[x * dModel + d]!;
      }
      coefficients[i] = Math.hypot(...projected);
    }
    return { coefficients: float32([p], coefficients) };
  },
};
