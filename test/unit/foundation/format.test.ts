import { describe, expect, it } from 'vitest';
import { countOf, formatDuration, formatNumber, formatPercent, queuePlace } from '../../../shared/format.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42.4, '42 s'],
    [59.6, '1 min 00 s'],
    [187, '3 min 07 s'],
    [7500, '2 h 05 min'],
    [Infinity, '…'],
    [undefined, '…'],
  ])('%s seconds → %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe('formatNumber', () => {
  it.each([
    // Small values keep their digits in scientific notation instead of reading "0.000000".
    [2.3e-7, '2.3e-7'],
    [1e-7, '1e-7'],
    [6.6712e-8, '6.671e-8'],
    [-1.2e-9, '-1.2e-9'],
    [0.00012, '1.2e-4'],
    // Normal values: 4 significant digits, no trailing zeros.
    [0.001, '0.001'],
    [0.0123456, '0.01235'],
    [0.5, '0.5'],
    [3.77, '3.77'],
    [58.25, '58.25'],
    [1234.56, '1235'],
    // Rounding up across a boundary takes the form of the rounded value.
    [0.00099996, '0.001'],
    [9999.7, '10,000'],
    [123456.7, '123,457'],
    // Zero is "0", whatever its sign; non-finite values say so.
    [0, '0'],
    [-0, '0'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%s → %s', (value, text) => expect(formatNumber(value)).toBe(text));
});

describe('countOf', () => {
  it('says one in the singular, any other count in the plural, digits grouped', () => {
    expect([0, 1, 2, 1200].map((n) => countOf(n, 'checkpoint'))).toEqual([
      '0 checkpoints',
      '1 checkpoint',
      '2 checkpoints',
      '1,200 checkpoints',
    ]);
  });
});

describe('queuePlace', () => {
  it.each([
    [1, 'next in line'],
    [2, '2nd in line'],
    [3, '3rd in line'],
    [4, '4th in line'],
    [11, '11th in line'],
    [12, '12th in line'],
    [21, '21st in line'],
    [112, '112th in line'],
  ])('%s → %s', (position, text) => expect(queuePlace(position)).toBe(text));
});

describe('formatPercent', () => {
  it.each([
    [1, '100 %'],
    // Rounded down: "100 %" only when every example is right.
    [0.9997, '99.9 %'],
    [0.125, '12.5 %'],
    [57 / 100, '57 %'],
    [0, '0 %'],
    [NaN, 'NaN'],
  ])('%s → %s', (share, text) => expect(formatPercent(share)).toBe(text));
});
