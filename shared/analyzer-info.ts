/**
 * What each analyzer computes, in one line, and what it costs: its share of a default analysis's
 * time, so the Analysis Run page can say which ones are worth leaving out. Keyed by the names
 * family.json uses (docs/ARCHITECTURE.md §6).
 */

export interface AnalyzerInfo {
  description: string;
  /**
   * Percent of the time of a default p = 113 analysis: `npm run bench:analysis -- --checkpoints 3`
   * on the 2-core machine (2026-11-30; landscape_flatness ≈ 85 % in docs/ARCHITECTURE.md §9). The
   * forward pass of the (a, b) grid, ~4 %, is shared by the analyzers that need it and counted in none.
   */
  costPercent: number;
}

export const ANALYZER_INFO: Readonly<Record<string, AnalyzerInfo>> = {
  attention_freq: { description: "How much of each head's attention to a each Fourier frequency explains", costPercent: 0.4 },
  attention_patterns: {
    description: "Each head's attention pattern averaged over the (a, b) grid; the viewer recomputes full grids",
    costPercent: 0.3,
  },
  dominant_frequencies: { description: 'How strongly the token embedding uses each Fourier component', costPercent: 0.3 },
  neuron_activations: {
    description: "Each MLP neuron's mean and largest activation over the grid; the viewer recomputes full grids",
    costPercent: 0.8,
  },
  neuron_freq_norm: {
    description: "How much of each neuron's variance each frequency explains, and which neurons specialize",
    costPercent: 2.5,
  },
  parameter_snapshot: { description: 'A copy of the nine weight matrices, the input of parameter_trajectory', costPercent: 0.1 },
  effective_dimensionality: { description: 'Singular values of each weight matrix and their participation ratio', costPercent: 4.8 },
  landscape_flatness: {
    description: 'How much the loss rises along 50 random directions of fixed length (51 forward passes)',
    costPercent: 86,
  },
  coarseness: { description: "How much of each neuron's variance lives in the three lowest frequencies", costPercent: 0.1 },
  parameter_trajectory: {
    description: 'Where training moves the weights: PCA of the snapshots across checkpoints, and their speed',
    costPercent: 0.5,
  },
};
