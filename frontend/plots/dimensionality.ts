/** Plots 15–16: effective dimensionality over training and one matrix's singular values. */
import { range, rowMeans, slab } from './arrays.ts';
import { epochLine, hasEpochs, timeSeriesLayout } from './series.ts';
import { axis, baseLayout, COLORS, HOVER_NUMBER, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { EffectiveDimensionalityEpoch, EffectiveDimensionalitySummary, PlotSpec, WeightMatrixName } from './types.ts';

/** One fixed colour per weight matrix, shared by the trajectory lines and the spectrum bars. */
export const MATRIX_COLORS: Readonly<Record<WeightMatrixName, string>> = {
  W_E: COLORS.blue,
  W_pos: COLORS.cyan,
  W_Q: COLORS.purple,
  W_K: COLORS.brown,
  W_V: COLORS.pink,
  W_O: COLORS.olive,
  W_in: COLORS.red,
  W_out: COLORS.orange,
  W_U: COLORS.green,
};

/** The matrices the trajectory draws unless asked otherwise: the non-attention ones. */
export const DEFAULT_DIMENSIONALITY_MATRICES: readonly WeightMatrixName[] = ['W_E', 'W_pos', 'W_in', 'W_out', 'W_U'];

/** The matrix the spectrum shows by default. */
export const DEFAULT_SV_MATRIX: WeightMatrixName = 'W_in';

/** (Σs)² / Σs², or 0 for an all-zero spectrum (§4.4: taken on s, not s²). */
export function participationRatio(singularValues: ArrayLike<number>): number {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < singularValues.length; i++) {
    const s = singularValues[i]!;
    sum += s;
    sumSquares += s * s;
  }
  return sumSquares === 0 ? 0 : (sum * sum) / sumSquares;
}

/** Participation ratio per matrix over training; attention matrices as their mean over heads. */
export function dimensionalityTrajectorySpec(
  summary: EffectiveDimensionalitySummary | null,
  epoch: number | null,
  matrices: readonly WeightMatrixName[] = DEFAULT_DIMENSIONALITY_MATRICES,
): PlotSpec {
  if (!hasEpochs(summary)) return placeholderSpec(PLACEHOLDER.noSummaryData);
  const series = matrices.map((name) => {
    const pr = summary[`pr_${name}`];
    const perHead = pr.shape.length === 2;
    return { name, perHead, values: perHead ? rowMeans(pr) : pr.data };
  });
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'epoch', values: summary.epochs },
        ...series.map(({ name, perHead, values }) => ({ name: perHead ? `${name}_mean` : name, values })),
      ],
    },
    data: series.map(({ name, perHead, values }) =>
      epochLine(summary.epochs, values, perHead ? `${name} (mean)` : name, MATRIX_COLORS[name]),
    ),
    layout: timeSeriesLayout(
      'dim-trajectory',
      'Effective Dimensionality (Participation Ratio)',
      axis('Participation Ratio'),
      epoch,
      summary.epochs,
    ),
  };
}

/** Bars of the selected matrix's singular values (one head's, for attention matrices), titled with their PR. */
export function singularValueSpectrumSpec(
  artifact: EffectiveDimensionalityEpoch | null,
  matrix: WeightMatrixName,
  head: number,
  epoch: number,
): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.noEpochData);
  const sv = artifact[`sv_${matrix}`];
  const perHead = sv.shape.length === 2;
  const values = Array.from(perHead ? slab(sv, head).data : sv.data);
  const headText = perHead ? ` Head ${head}` : '';
  const title = `${matrix}${headText} Singular Values — Epoch ${epoch} (PR = ${participationRatio(values).toFixed(1)})`;
  const indices = range(values.length);
  return {
    export: {
      selection: perHead ? [matrix, `head${head}`] : [matrix],
      table: () => [
        { name: 'index', values: indices },
        { name: 'singular_value', values },
      ],
    },
    data: [
      {
        type: 'bar',
        name: `${matrix}${headText}`,
        x: indices,
        y: values,
        marker: { color: MATRIX_COLORS[matrix] },
        hovertemplate: `Index %{x}<br>Singular value: %{y:${HOVER_NUMBER}}<extra></extra>`,
      },
    ],
    layout: {
      ...baseLayout('sv-spectrum', title),
      xaxis: axis('Singular Value Index'),
      yaxis: axis('Singular Value'),
      showlegend: false,
    },
  };
}
