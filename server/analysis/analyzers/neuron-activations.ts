/**
 * neuron_activations (docs/ARCHITECTURE.md §6.6): the MLP's post-ReLU activation at "=" for every (a, b).
 *
 * Storage decision: the original stored the full grids, (dMlp, p, p) = 26 MB per epoch for
 * p = 113 (2.5 GB per run). They are one forward pass away from the checkpoint, so they are
 * NOT stored: the read API recomputes a neuron's p×p grid on demand (probe-worker.ts). The epoch file keeps each neuron's mean and max over the grid (2·dMlp
 * floats), which marks the epoch as analyzed and gives colour ranges without the grids.
 */
import { float32, type Analyzer } from '../analyzer.ts';

export const neuronActivations: Analyzer = {
  name: 'neuron_activations',
  compute({ dims: { p, dMlp }, probe }) {
    const { mlpPost } = probe(); // [p², dMlp]
    const mean = new Float64Array(dMlp);
    const max = new Float32Array(dMlp); // ReLU outputs are ≥ 0
    for (let row = 0; row < p * p; row++) {
      for (let n = 0; n < dMlp; n++) {
        const activation = mlpPost[row * dMlp + n]!;
        mean[n]! += activation;
        if (activation > max[n]!) max[n] = activation;
      }
    }
    for (let n = 0; n < dMlp; n++) mean[n]! /= p * p;
    return { mean_activation: float32([dMlp], mean), max_activation: float32([dMlp], max) };
  },
};
