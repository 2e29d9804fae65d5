/** Plots 3–6: one neuron's activations, frequency clusters, and neuron specialization over training. */
import { extent, matrixColumn, matrixRows, range, slab } from './arrays.ts';
import { gridColumns } from './export.ts';
import { epochLine, hasEpochs, timeSeriesLayout } from './series.ts';
import { axis, baseLayout, colorBar, COLOR_SCALES, COLORS, HOVER_NUMBER, PLACEHOLDER, placeholderSpec } from './style.ts';
import type { NdArray, NeuronActivationsEpoch, NeuronFreqNormEpoch, NeuronFreqNormSummary, PlotSpec } from './types.ts';

/**
 * The selected neuron's p×p activation grid (x = b, y = a) on RdBu centred at zero.
 * `activations` may be the whole epoch file (d_mlp, p, p) or just this neuron's (p, p) slice.
 * A dead neuron (every activation 0) draws a blank grid, so a note says why.
 */
export function activationSpec(artifact: NeuronActivationsEpoch | null, neuron: number, epoch: number): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.noEpochData);
  const grid: NdArray = artifact.activations.shape.length === 3 ? slab(artifact.activations, neuron) : artifact.activations;
  const z = matrixRows(grid);
  const [min, max] = extent(grid.data);
  // Symmetric around zero so white means zero; an all-zero (dead) neuron still gets a valid range.
  const zmax = Math.max(Math.abs(min), Math.abs(max)) || 1;
  const inactive = min === 0 && max === 0;
  const [rows = 0, cols = 0] = grid.shape;
  return {
    export: {
      selection: [`neuron${neuron}`],
      table: () =>
        gridColumns({ name: 'a', values: range(rows) }, { name: 'b', values: range(cols) }, [{ name: 'activation', values: grid.data }]),
    },
    data: [
      {
        type: 'heatmap',
        name: `Neuron ${neuron}`,
        z,
        x: range(cols),
        y: range(rows),
        colorscale: COLOR_SCALES.RdBu,
        zmin: -zmax,
        zmax,
        colorbar: colorBar('Activation'),
        hovertemplate: `a=%{y}, b=%{x}<br>Activation: %{z:${HOVER_NUMBER}}<extra></extra>`,
      },
    ],
    layout: {
      ...baseLayout('activation', `Neuron ${neuron} Activations - Epoch ${epoch}`),
      xaxis: axis('b', { constrain: 'domain' }),
      yaxis: axis('a', { scaleanchor: 'x', constrain: 'domain' }),
      annotations: inactive
        ? [
            {
              text: `Neuron ${neuron} is inactive at this epoch (all activations 0)`,
              xref: 'paper',
              yref: 'paper',
              x: 0.5,
              y: 0.5,
              showarrow: false,
              bgcolor: 'white',
              font: { size: 14, color: COLORS.grey },
            },
          ]
        : [],
    },
  };
}

/** Which fraction of each neuron's variance each frequency explains: (n_freq × d_mlp), Viridis 0–1. */
export function frequencyClustersSpec(artifact: NeuronFreqNormEpoch | null, epoch: number): PlotSpec {
  if (!artifact) return placeholderSpec(PLACEHOLDER.noEpochData);
  const [nFreq = 0, nNeurons = 0] = artifact.norm_matrix.shape;
  const frequencies = range(nFreq, 1);
  const neurons = range(nNeurons);
  return {
    export: {
      selection: [],
      table: () =>
        gridColumns({ name: 'frequency', values: frequencies }, { name: 'neuron', values: neurons }, [
          { name: 'frac_explained', values: artifact.norm_matrix.data },
        ]),
    },
    data: [
      {
        type: 'heatmap',
        name: 'Frac Explained',
        z: matrixRows(artifact.norm_matrix),
        x: neurons,
        y: frequencies,
        colorscale: COLOR_SCALES.Viridis,
        zmin: 0,
        zmax: 1,
        colorbar: colorBar('Frac Explained'),
        hovertemplate: `Neuron %{x}<br>Freq %{y}<br>Frac Explained: %{z:${HOVER_NUMBER}}<extra></extra>`,
      },
    ],
    layout: {
      ...baseLayout('clusters', `Neuron Frequency Specialization - Epoch ${epoch}`),
      xaxis: axis('Neuron'),
      yaxis: axis('Frequency', { tickvals: frequencies.filter((k) => (k - 1) % 5 === 0) }),
    },
  };
}

/** Specialized-neuron counts (total and per frequency band) against the summary epochs. */
export function specializationTrajectorySpec(summary: NeuronFreqNormSummary | null, epoch: number | null): PlotSpec {
  if (!hasEpochs(summary)) return placeholderSpec(PLACEHOLDER.noSummaryData);
  const { epochs } = summary;
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'epoch', values: epochs },
        { name: 'total', values: summary.specialized_count_total.data },
        { name: 'low_freq', values: summary.specialized_count_low.data },
        { name: 'mid_freq', values: summary.specialized_count_mid.data },
        { name: 'high_freq', values: summary.specialized_count_high.data },
      ],
    },
    data: [
      epochLine(epochs, summary.specialized_count_total.data, 'Total', COLORS.blue, 2.5),
      epochLine(epochs, summary.specialized_count_low.data, 'Low freq', COLORS.green),
      epochLine(epochs, summary.specialized_count_mid.data, 'Mid freq', COLORS.orange),
      epochLine(epochs, summary.specialized_count_high.data, 'High freq', COLORS.red),
    ],
    layout: timeSeriesLayout('spec-trajectory', 'Neuron Specialization Over Training', axis('Specialized Neuron Count'), epoch, epochs),
  };
}

/** Specialized neurons per frequency over training: z is (n_freq × n_epochs) on the real epochs. */
export function specializationByFrequencySpec(summary: NeuronFreqNormSummary | null, epoch: number | null): PlotSpec {
  if (!hasEpochs(summary)) return placeholderSpec(PLACEHOLDER.noSummaryData);
  const perEpoch = matrixRows(summary.specialized_count_per_freq);
  const frequencies = range(summary.specialized_count_per_freq.shape[1] ?? 0, 1);
  const z = frequencies.map((_, f) => perEpoch.map((row) => row[f]!));
  // Counts are never negative: anchor the scale at 0 (auto-ranging an all-zero matrix gives −0.5…0.5).
  const zmax = Math.max(1, ...z.flat());
  return {
    export: {
      selection: [],
      table: () => [
        { name: 'epoch', values: summary.epochs },
        ...frequencies.map((k, f) => ({ name: `freq_${k}`, values: matrixColumn(summary.specialized_count_per_freq, f) })),
      ],
    },
    data: [
      {
        type: 'heatmap',
        name: 'Count',
        z,
        zmin: 0,
        zmax,
        x: Array.from(summary.epochs),
        y: frequencies,
        colorscale: COLOR_SCALES.YlOrRd,
        colorbar: colorBar('Count'),
        hovertemplate: 'Epoch %{x}<br>Freq %{y}<br>Count: %{z}<extra></extra>',
      },
    ],
    layout: {
      ...timeSeriesLayout(
        'spec-freq',
        'Specialized Neurons by Frequency Over Training',
        axis('Frequency', { dtick: 1 }),
        epoch,
        summary.epochs,
      ),
      showlegend: false,
    },
  };
}
