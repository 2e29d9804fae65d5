import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../shared/format.ts';

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
