/** The status line of a training job's progress events: losses with accuracies in brackets. */
import { expect, it } from 'vitest';
import { trainProgressMessage } from '../../../server/jobs/run-job.ts';

it('says the epoch, both losses with their accuracies, the speed and the ETA', () => {
  expect(
    trainProgressMessage({
      epoch: 1199,
      numEpochs: 2400,
      trainLoss: 1.65e-7,
      testLoss: 3.54,
      trainAccuracy: 1,
      testAccuracy: 0.125,
      msPerEpoch: 20,
      etaSeconds: 24,
    }),
  ).toBe('Epoch 1200/2400 - Train: 1.65e-7 (100 %), Test: 3.54 (12.5 %) · 20 ms/epoch · ETA 24 s');
});
