/**
 * Small training presets for quick demos and end-to-end tests, measured on the 2-core
 * development machine with the native backend (OpenBLAS, 1 thread) while other jobs shared it.
 */
import type { z } from 'zod';
import type { trainingParamsSchema } from '../../shared/training-params.ts';

export interface TrainingPreset {
  description: string;
  params: { prime: number; seed: number };
  training: z.input<typeof trainingParamsSchema>;
}

const every100 = (numEpochs: number) => Array.from({ length: Math.ceil(numEpochs / 100) }, (_, i) => i * 100);

/**
 * Grokking in a few thousand epochs: p = 43, half the pairs for training.
 * Measured (train / test loss): epoch 0 3.8 / 3.8; 200 5.5e-3 / 11; 600 5.7e-5 / 9.8; 1000 8.1e-7 / 6.4;
 * 1400 8.5e-8 / 2.0; 2000 6.7e-8 / 0.099; 2600 6.3e-8 / 3.0e-3; 2999 6.2e-8 / 1.4e-4 (the test loss
 * stays near 10 for ~800 epochs after training loss has collapsed, then falls by five orders of magnitude).
 * Wall time 261 s for 4,000 epochs (65 ms/epoch) with both cores busy with other jobs; expect ~3 minutes
 * for the 3,000-epoch preset under that load, less on an idle machine.
 */
export const QUICK_GROKKING_PRESET: TrainingPreset = {
  description: 'p = 43, fraction 0.5, 3,000 epochs: memorises by epoch ~200, generalises between ~1,000 and ~2,600',
  params: { prime: 43, seed: 999 },
  training: { data_seed: 598, training_fraction: 0.5, num_epochs: 3000, checkpoint_epochs: every100(3000) },
};
