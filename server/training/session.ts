/**
 * The in-memory state of one training run and its epoch step (docs/ARCHITECTURE.md §5.9), with every buffer
 * allocated once. Pure computation: no files, no clocks.
 */
import type { Gemm } from '../engine/gemm/gemm.ts';
import { correctPredictions, crossEntropy } from '../engine/loss.ts';
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
  type LossAndAccuracy,
  type LossScratch,
  type Tables,
} from '../engine/model.ts';
import { zeroWeights, type ModelDims, type ModelWeights } from '../engine/weights.ts';
import { adamwStep, type AdamHyperParams, type AdamState } from './adamw.ts';

/** What one epoch measures; accuracy = share of examples whose argmax logit is the label (first index on a tie). */
export interface EpochMetrics {
  /** Loss on the training set before this epoch's update. */
  trainLoss: number;
  /** Loss on the test set after this epoch's update. */
  testLoss: number;
  /** Accuracy on the training set before this epoch's update (the logits of trainLoss). */
  trainAccuracy: number;
  /** Accuracy on the test set after this epoch's update (the logits of testLoss). */
  testAccuracy: number;
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
   * One epoch: forward on the training set, its loss and accuracy, backward, AdamW step, then the
   * test loss and accuracy with the updated weights. The tables always describe the current
   * weights, so the test pass and the next epoch's training pass share them.
   */
  epoch(): EpochMetrics {
    const { dims, gemm, tables, train } = this;
    forward(train, dims, tables, gemm, this.trainActivations);
    // logits [N_train, p], before the update
    const { logits } = this.trainActivations;
    const trainLoss = crossEntropy(logits, train.labels, train.n, dims.p, this.scratch.dLogits);
    const trainAccuracy = correctPredictions(logits, train.labels, 0, train.n, dims.p) / train.n;
    backward(train, dims, this.weights, tables, this.trainActivations, gemm, this.scratch, this.grads);
    adamwStep(this.weights, this.grads, this.adam, this.hyperParams);
    computeTables(this.weights, dims, gemm, tables);
    const test = this.testMetrics();
    return { trainLoss, testLoss: test.loss, trainAccuracy, testAccuracy: test.accuracy };
  }

  /** Loss and accuracy on the test set with the current weights. */
  testMetrics(): LossAndAccuracy {
    const { dims, gemm, tables, test } = this;
    return forwardLoss(test, dims, tables, gemm, this.testScratch);
  }
}
