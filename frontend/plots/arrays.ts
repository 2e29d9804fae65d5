/** Small helpers to turn row-major artifact arrays into what Plotly traces take. */
import type { NdArray } from './types.ts';

/** The sub-array at `index` along the leading axis: (n, ...rest) → (...rest). */
export function slab(array: NdArray, index: number): NdArray {
  const [count, ...rest] = array.shape;
  if (count === undefined || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`index ${index} outside the leading axis of shape (${array.shape.join(', ')})`);
  }
  const size = rest.reduce((a, b) => a * b, 1);
  return { shape: rest, data: subarray(array.data, index * size, (index + 1) * size) };
}

/** A 2-D array as rows of plain numbers (a heatmap's z). */
export function matrixRows(array: NdArray): number[][] {
  if (array.shape.length !== 2) throw new RangeError(`expected a 2-D array, got shape (${array.shape.join(', ')})`);
  const [rows = 0, cols = 0] = array.shape;
  return Array.from({ length: rows }, (_, r) => Array.from(subarray(array.data, r * cols, (r + 1) * cols)));
}

/** Column `col` of a 2-D array, e.g. one head's series from an (n_epochs, n_heads) summary. */
export function matrixColumn(array: NdArray, col: number): number[] {
  const [rows = 0, cols = 0] = array.shape;
  return Array.from({ length: rows }, (_, r) => array.data[r * cols + col] ?? NaN);
}

/** The row-wise mean of a 2-D array, e.g. the mean over heads of an (n_epochs, n_heads) series. */
export function rowMeans(array: NdArray): number[] {
  return matrixRows(array).map((row) => row.reduce((a, b) => a + b, 0) / row.length);
}

/** The integers start, start + 1, …, start + count − 1 (axis positions, 1-based frequencies). */
export function range(count: number, start = 0): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/** The smallest and largest of the values (of every given array), by index: grids reach ~51k values. */
export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
}

/** A view (typed arrays) or copy (plain arrays) of data[start, end). */
function subarray(data: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  if (ArrayBuffer.isView(data)) return (data as unknown as Float32Array).subarray(start, end);
  return Array.prototype.slice.call(data, start, end) as number[];
}
