/** Small hand-made artifacts for the plot-builder tests. */
import type { Annotations, Layout, PlotData, Shape } from 'plotly.js';
import { placeholderMessage } from '../../../frontend/plots/style.ts';
import type { NdArray, PlotSpec } from '../../../frontend/plots/types.ts';

export function nd(shape: number[], data: number[]): NdArray {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`shape (${shape}) does not fit ${data.length} values`);
  return { shape, data };
}

export function vec(...values: number[]): NdArray {
  return nd([values.length], values);
}

export function trace(spec: PlotSpec, index: number): Partial<PlotData> {
  return spec.data[index] as Partial<PlotData>;
}

export function traceNames(spec: PlotSpec): (string | undefined)[] {
  return spec.data.map((_, i) => trace(spec, i).name);
}

export function lineColors(spec: PlotSpec): unknown[] {
  return spec.data.map((_, i) => trace(spec, i).line?.color);
}

export function titleOf(layout: Partial<Layout>): string | undefined {
  return layout.title?.text;
}

export function axisTitle(layout: Partial<Layout>, key: 'xaxis' | 'yaxis' | 'yaxis2'): string | undefined {
  return layout[key]?.title?.text;
}

export function marker(layout: Partial<Layout>): { shape: Partial<Shape>; annotation: Partial<Annotations> } {
  return { shape: layout.shapes![0]!, annotation: layout.annotations![0]! };
}

/** The message of a placeholder figure, or undefined if the spec is a real plot. */
export function placeholderText(spec: PlotSpec): string | undefined {
  return placeholderMessage(spec) ?? undefined;
}
