/**
 * What a per-checkpoint analyzer is: a pure function from one checkpoint's context to named
 * arrays (stored as one safetensors file per epoch), optionally reduced to one summary row
 * per epoch. File I/O lives in the pipeline, never here.
 */
import type { ModularOperation } from '../../shared/modular-operations.ts';
import type { Gemm } from '../engine/gemm/gemm.ts';
import type { ProbeResult } from '../engine/probe-forward.ts';
import type { ModelDims, ModelWeights } from '../engine/weights.ts';
import type { Tensor, TensorMap } from '../storage/safetensors.ts';
import type { FourierBasis } from './fourier.ts';

export interface EpochContext {
  epoch: number;
  dims: ModelDims;
  weights: ModelWeights;
  basis: FourierBasis;
  gemm: Gemm;
  /** The family's task operation: it labels the pairs of the loss, and nothing else here depends on it. */
  operation: ModularOperation;
  /** The engine's forward pass of the whole p×p probe, computed once per checkpoint on first use. */
  probe(): ProbeResult;
  /** Mean cross-entropy over all p² pairs (float64, §6.2), labelled by `operation`, of the model with these weights. */
  probeLoss(weights: ModelWeights): number;
  /** Each neuron's variance fractions per frequency, (⌊p/2⌋, dMlp); computed once, shared by analyzers. */
  neuronFractions(): Float32Array;
}

/** One epoch's summary values: scalars or fixed-length vectors, stacked by epoch on save. */
export type SummaryRow = Record<string, number | ArrayLike<number>>;

export interface Analyzer {
  readonly name: string;
  compute(context: EpochContext): TensorMap | Promise<TensorMap>;
  /** Reduces one epoch's stored result to its summary row; absent for analyzers without a summary. */
  summarize?(result: TensorMap): SummaryRow;
  /** Stops what compute started for the run (helper processes); the pipeline calls it when the run ends. */
  close?(): void;
}

export function float32(shape: number[], values: ArrayLike<number>): Tensor {
  return { dtype: 'F32', shape, data: values instanceof Float32Array ? values : Float32Array.from(values) };
}

/** A tensor's values as float32 (every analyzer result is stored as F32). */
export function values(result: TensorMap, key: string): Float32Array {
  const tensor = result[key];
  if (!tensor) throw new Error(`result has no "${key}"`);
  return tensor.data as Float32Array;
}
