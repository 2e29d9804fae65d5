/**
 * The engine against PyTorch: test/fixtures/make_torch_fixture.py computes the same model in torch
 * (all three positions, no structural shortcuts) for fixed weights and inputs at p = 13 with the
 * real architecture. Tolerances are relative, ‖ours − torch‖/‖torch‖ per tensor: 1e-6 on the loss,
 * 1e-5 on every gradient and on the loss at each of 20 AdamW steps, 2e-4 on the weights after them.
 * The last is looser because AdamW divides each step by √v: a weight whose gradient is near zero
 * takes a learning-rate-sized step whose sign follows float32 rounding, so rounding differences of
 * 1e-7 grow. Measured on an AMD EPYC (AVX-512): 1.1e-6 at most with the portable kernel and
 * OpenBLAS on 2, 3 or 8 threads, 5.8e-5 (W_in) with OpenBLAS on one thread.
 */
import { describe, expect, it } from 'vitest';
import { availableBackends, selectGemm } from '../../../server/engine/gemm/gemm.ts';
import { modelDims, STATE_DICT_NAMES, WEIGHT_NAMES, weightShapes, zeroWeights, type ModelWeights } from '../../../server/engine/weights.ts';
import { TRAINING_DEFAULTS } from '../../../shared/training-params.ts';
import { readSafetensors } from '../../../server/storage/safetensors.ts';
import { adamHyperParams, adamwStep, initialAdamState } from '../../../server/training/adamw.ts';
import { batchFromIndices } from '../../../server/training/data.ts';
import { lossAndGradients, newGradients, realFamily, relativeError } from './helpers.ts';

const FIXTURE = new URL('../../fixtures/torch_fixture_p13.safetensors', import.meta.url).pathname;
const P = 13;

/** The fixture's closed-form weights: 0.25·(((i·2654435761 + 1013904223·(k+1)) mod 2³²)/2³² − 0.5). */
function fixtureWeights(): ModelWeights {
  const weights = zeroWeights(modelDims({ n_heads: 4, d_model: 128, d_head: 32, d_mlp: 512 }, P));
  WEIGHT_NAMES.forEach((name, k) => {
    const tensor = weights[name];
    for (let i = 0; i < tensor.length; i++) {
      const x = (i * 2654435761 + 1013904223 * (k + 1)) % 2 ** 32;
      tensor[i] = 0.25 * (x / 2 ** 32 - 0.5);
    }
  });
  return weights;
}

const batch = batchFromIndices(
  P,
  'add',
  Array.from({ length: P * P }, (_, i) => i).filter((i) => i % 3 === 0),
);

describe.each(availableBackends())('PyTorch fixture, %s backend', (backend) => {
  const gemm = selectGemm(backend);

  it('matches the loss and every gradient', async () => {
    const { tensors } = await readSafetensors(FIXTURE);
    const d = modelDims((await realFamily()).architecture, P);
    const grads = newGradients(d);
    const loss = lossAndGradients(fixtureWeights(), d, batch, gemm, grads);
    expect(Math.abs(loss - (tensors.loss!.data as Float64Array)[0]!) / (tensors.loss!.data as Float64Array)[0]!).toBeLessThan(1e-6);
    for (const name of WEIGHT_NAMES) {
      const reference = tensors[`grad.${STATE_DICT_NAMES[name]}`]!;
      expect(reference.shape).toEqual(weightShapes(d)[name]);
      expect(relativeError(grads[name], reference.data as Float32Array), name).toBeLessThan(1e-5);
    }
  });

  it('matches 20 full-batch AdamW steps', async () => {
    const { tensors } = await readSafetensors(FIXTURE);
    const d = modelDims((await realFamily()).architecture, P);
    const weights = fixtureWeights();
    const adam = initialAdamState(d);
    const grads = newGradients(d);
    const referenceLosses = tensors.step_losses!.data as Float64Array;
    for (let step = 0; step < referenceLosses.length; step++) {
      const loss = lossAndGradients(weights, d, batch, gemm, grads);
      expect(Math.abs(loss - referenceLosses[step]!) / referenceLosses[step]!, `step ${step}`).toBeLessThan(1e-5);
      adamwStep(weights, grads, adam, adamHyperParams(TRAINING_DEFAULTS));
    }
    for (const name of WEIGHT_NAMES) {
      const reference = tensors[`after.${STATE_DICT_NAMES[name]}`]!.data as Float32Array;
      expect(relativeError(weights[name], reference), name).toBeLessThan(2e-4);
    }
  });
});
