/** The status line of a training job's progress events: losses with accuracies in brackets. */
import { expect, it } from 'vitest';
import { trainProgressMessage } from '../../../server/jobs/run-job.ts';

it('says the epochs done of the run (numbered from 0, digits grouped), both losses with their accuracies, the speed and the ETA', () => {
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
  ).toBe('1,200 of 2,400 epochs (0 … 2,399) - Train: 1.65e-7 (100 %), Test: 3.54 (12.5 %) · 20 ms/epoch · ETA 24 s');
});

it('counts a continued run to its new length, and the last epoch as all of them', () => {
  const p = { trainLoss: 1e-7, testLoss: 1e-3, trainAccuracy: 1, testAccuracy: 1, msPerEpoch: 20, etaSeconds: 0 };
  expect(trainProgressMessage({ ...p, epoch: 11999, numEpochs: 25000 })).toMatch(/^12,000 of 25,000 epochs \(0 … 24,999\) - /);
  expect(trainProgressMessage({ ...p, epoch: 2999, numEpochs: 3000 })).toMatch(/^3,000 of 3,000 epochs \(0 … 2,999\) - /);
});
