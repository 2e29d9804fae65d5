/**
 * parameter_trajectory (docs/ARCHITECTURE.md §6.14), the cross-epoch analyzer: where training moves the weights.
 *
 * Each checkpoint's parameters of a group, flattened row-major and concatenated, form one sample.
 * Per group (all, embedding, attention, mlp):
 *   <group>__projections (n, k), <group>__explained_variance (k,) (ddof = 1),
 *   <group>__explained_variance_ratio (k,), with exact PCA and k = min(10, n, features);
 *   <group>__velocity (n − 1,): ‖θᵢ₊₁ − θᵢ‖₂ / (epochᵢ₊₁ − epochᵢ);
 * plus epochs (n,). Component signs: see pcaFromGram.
 *
 * Each matrix is centred and reduced to its n × n Gram matrix and squared steps once; a group's
 * are the sums over its matrices, so nothing features-long is held beyond one matrix at a time.
 */
import type { WeightName } from '../../engine/weights.ts';
import type { TensorMap } from '../../storage/safetensors.ts';
import { float32 } from '../analyzer.ts';
import { centredGram, pcaFromGram, squaredSteps, velocity } from '../linalg.ts';
import { MATRIX_NAMES } from './parameter-snapshot.ts';

export const TRAJECTORY_GROUPS: Readonly<Record<string, readonly WeightName[]>> = {
  all: MATRIX_NAMES,
  embedding: ['W_E', 'W_pos', 'W_U'],
  attention: ['W_Q', 'W_K', 'W_V', 'W_O'],
  mlp: ['W_in', 'W_out'],
};

export const MAX_COMPONENTS = 10;

export interface CrossEpochAnalyzer {
  readonly name: string;
  /** The per-checkpoint analyzer whose epoch files are this analyzer's input. */
  readonly requires: string;
  /** snapshots[i] is the required analyzer's result at epochs[i], epochs ascending. */
  compute(epochs: readonly number[], snapshots: readonly TensorMap[]): TensorMap;
}

export const parameterTrajectory: CrossEpochAnalyzer = {
  name: 'parameter_trajectory',
  requires: 'parameter_snapshot',
  compute(epochs, snapshots) {
    const n = epochs.length;
    const perMatrix = new Map(
      MATRIX_NAMES.map((name) => {
        const rows = snapshots.map((snapshot) => {
          const tensor = snapshot[name];
          if (!tensor) throw new Error(`parameter_snapshot result has no ${name}`);
          return tensor.data as Float32Array;
        });
        return [name, { gram: centredGram(rows), steps: squaredSteps(rows), features: rows[0]!.length }];
      }),
    );
    const result: TensorMap = { epochs: { dtype: 'I32', shape: [n], data: Int32Array.from(epochs) } };
    for (const [group, names] of Object.entries(TRAJECTORY_GROUPS)) {
      const gram = new Float64Array(n * n);
      const steps = new Float64Array(Math.max(n - 1, 0));
      let features = 0;
      for (const name of names) {
        const part = perMatrix.get(name)!;
        part.gram.forEach((v, i) => (gram[i]! += v));
        part.steps.forEach((v, i) => (steps[i]! += v));
        features += part.features;
      }
      const { projections, explainedVariance, explainedVarianceRatio, k } = pcaFromGram(gram, n, Math.min(MAX_COMPONENTS, features));
      result[`${group}__projections`] = float32([n, k], projections);
      result[`${group}__explained_variance_ratio`] = float32([k], explainedVarianceRatio);
      result[`${group}__explained_variance`] = float32([k], explainedVariance);
      result[`${group}__velocity`] = float32([Math.max(n - 1, 0)], velocity(steps, epochs));
    }
    return result;
  },
};

export const CROSS_EPOCH_ANALYZERS: ReadonlyMap<string, CrossEpochAnalyzer> = new Map([[parameterTrajectory.name, parameterTrajectory]]);
