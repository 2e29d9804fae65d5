/**
 * The in-memory state of one training run and its epoch step (docs/ARCHITECTURE.md §5.9), with every buffer
 * allocated once. Pure computation: no files, no clocks.
 */
import type { Gemm } from '../engine/gemm/gemm.ts';
import { crossEntropy } from '../engine/loss.ts';
import {
  backward,
  computeTables,
  createActivations,
  createGradientScratch,
  createLossScratch,
  createTables,
  forward,
  forwardLoss,
  type Activations,
  type Batch,
  type GradientScratch,
  type LossScratch,
  type Tables,
} from '../engine/model.ts';
import { zeroWeights, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { adamwStep, type AdamHyperParams, type AdamState } from './adamw.ts';

export interface EpochLosses {
  /** Loss on the training set before this epoch's update. */
  trainLoss: number;
  /** Loss on the test set after this epoch's update. */
  testLoss: number;
}

export class TrainingSession {
  private readonly tables: Tables;
  private readonly trainActivations: Activations;
  private readonly testScratch: LossScratch;
  private readonly scratch: GradientScratch;
  private readonly grads: ModelWeights;

  constructor(
    readonly dims: ModelDims,
    readonly gemm: Gemm,
    readonly weights: ModelWeights,
    readonly adam: AdamState,
    readonly hyperParams: AdamHyperParams,
    private readonly train: Batch,
    private readonly test: Batch,
  ) {
    this.tables = createTables(dims);
    this.trainActivations = createActivations(dims, train.n, true);
    this.testScratch = createLossScratch(dims);
    this.scratch = createGradientScratch(dims, train.n);
    this.grads = zeroWeights(dims);
    computeTables(weights, dims, gemm, this.tables);
  }

  /**
   * One epoch: forward on the training set and its loss, backward, AdamW step, then the test loss
   * with the updated weights. The tables always describe the current weights, so the test pass
   * and the next epoch's training pass share them.
   */
  epoch(): EpochLosses {
    const { dims, gemm, tables, train } = this;
    forward(train, dims, tables, gemm, this.trainActivations);
    const trainLoss = crossEntropy(this.trainActivations.logits, train.labels, train.n, dims.p, this.scratch.dLogits);
    backward(train, dims, this.weights, tables, this.trainActivations, gemm, this.scratch, this.grads);
    adamwStep(this.weights, this.grads, this.adam, this.hyperParams);
    computeTables(this.weights, dims, gemm, tables);
    return { trainLoss, testLoss: this.testLoss() };
  }

  /** Loss on the test set with the current weights. */
  testLoss(): number {
    const { dims, gemm, tables, test } = this;
    return forwardLoss(test, dims, tables, gemm, this.testScratch);
  }
}
