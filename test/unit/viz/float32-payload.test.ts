import { describe, expect, it } from 'vitest';
import { decodeFloat32Payload, roundSignificant6, type Float32Payload } from '../../../shared/artifacts.ts';

/** The server's encoding (server/routes/variants.ts): little-endian float32 bytes in base64. */
function encode(shape: number[], values: ArrayLike<number>): Float32Payload {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i]!, i * 4);
  return { shape, dtype: 'float32', base64: bytes.toString('base64') };
}

describe('roundSignificant6', () => {
  it('agrees with Number(toPrecision(6)) on float32 values across magnitudes', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let i = 0; i < 20_000; i++) {
      const value = Math.fround(random() * 10 ** Math.round(random() * 12));
      const expected = Number(value.toPrecision(6));
      // Exact ties of the 7th digit may round either way: allow one unit in the 6th digit.
      expect(Math.abs(roundSignificant6(value) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1.0001e-5);
    }
  });

  it('prints as the short decimal, and keeps 0, non-finite and large values', () => {
    expect(String(roundSignificant6(Math.fround(0.1)))).toBe('0.1');
    expect(String(roundSignificant6(Math.fround(0.012345678)))).toBe('0.0123457');
    expect(String(roundSignificant6(Math.fround(-3.3333333)))).toBe('-3.33333');
    expect(roundSignificant6(Math.fround(123456789))).toBe(123457000);
    expect([0, Infinity, -Infinity].map(roundSignificant6)).toEqual([0, Infinity, -Infinity]);
    expect(roundSignificant6(NaN)).toBeNaN();
  });
});

describe('decodeFloat32Payload', () => {
  it('reads the little-endian float32 bytes back, rounded as JSON arrays are', () => {
    const values = [0.25, -3, 1 / 3, 1e-8, 0];
    const decoded = decodeFloat32Payload(encode([5], values));
    expect(decoded.shape).toEqual([5]);
    expect(Array.from(decoded.data)).toEqual([0.25, -3, 0.333333, 1e-8, 0]);
  });

  it('rejects a payload whose shape does not match its values', () => {
    expect(() => decodeFloat32Payload(encode([2, 2], [1, 2, 3]))).toThrow(RangeError);
  });
});
