import { describe, expect, it } from 'vitest';
import {
  busyText,
  checkContinueTo,
  continueLabel,
  isBusy,
  isFinished,
  suggestedContinueTo,
  trainedEpochs,
} from '../../../frontend/pages/existing-variant.ts';

describe('an existing variant on the Training page', () => {
  it('is busy while a job trains or analyzes it, finished once trained', () => {
    expect([isBusy({ state: 'training' }), isBusy({ state: 'analyzing' }), isBusy({ state: 'trained' })]).toEqual([true, true, false]);
    expect([isFinished({ state: 'trained' }), isFinished({ state: 'analyzed' }), isFinished({ state: 'incomplete' })]).toEqual([
      true,
      true,
      false,
    ]);
    expect(busyText({ state: 'training' })).toBe(
      'A job is training this variant now: the server refuses another job on it until that one ends (see Jobs).',
    );
  });

  it('has trained as many epochs as its final checkpoint says', () => {
    expect(trainedEpochs({ checkpointEpochs: [0, 100, 299] })).toBe(300);
    expect(trainedEpochs({ checkpointEpochs: [] })).toBe(0);
  });

  it("suggests continuing to the form's total epochs when beyond the run, else to twice the run", () => {
    expect(suggestedContinueTo(300, '1000')).toBe(1000);
    expect(suggestedContinueTo(300, '300')).toBe(600);
    expect(suggestedContinueTo(300, 'abc')).toBe(600);
    expect(suggestedContinueTo(700_000, '')).toBe(1_000_000);
  });

  it('takes a whole number of epochs above the run as the new total', () => {
    expect(checkContinueTo(' 600 ', 300)).toEqual({ epochs: 600 });
    expect(checkContinueTo('300', 300)).toEqual({
      error: '300 does not extend the run; allowed: a whole number of epochs above 300 and at most 1,000,000',
    });
    expect(checkContinueTo('', 300)).toEqual({
      error: 'nothing does not extend the run; allowed: a whole number of epochs above 300 and at most 1,000,000',
    });
    expect('error' in checkContinueTo('450.5', 300)).toBe(true);
    expect(continueLabel(1200)).toBe('Continue to 1,200 epochs');
  });
});
