import { describe, expect, it } from 'vitest';
import {
  decodeFloat32Payload,
  type AttentionSliceResponse,
  type Decoded,
  type Float32Payload,
  type NeuronGridResponse,
} from '../../../shared/artifacts.ts';
import { attentionFrequencySpec, attentionHeadsSpec, POSITION_PAIRS } from '../../../frontend/plots/attention.ts';
import { participationRatio, singularValueSpectrumSpec } from '../../../frontend/plots/dimensionality.ts';
import { perturbationSpec, flatnessRatio } from '../../../frontend/plots/flatness.ts';
import { dominantFrequenciesSpec } from '../../../frontend/plots/fourier.ts';
import { activationSpec, frequencyClustersSpec } from '../../../frontend/plots/neurons.ts';
import type { EffectiveDimensionalityEpoch } from '../../../frontend/plots/types.ts';
import { viewInfo } from '../../../frontend/plots/views.ts';
import { axisTitle, nd, placeholderText, titleOf, trace, vec } from './fixtures.ts';

/** The read API's wire form of a recomputed grid (as server/routes/variants.ts encodes it). */
const float32 = (shape: number[], values: number[]): Float32Payload => ({
  shape,
  dtype: 'float32',
  base64: Buffer.from(new Float32Array(values).buffer).toString('base64'),
});

describe('dominantFrequenciesSpec', () => {
  const spec = dominantFrequenciesSpec({ coefficients: vec(0.2, 3, 0.5, 0.1, 1.5) }, 700);

  it('labels each bar by its true basis row and shades the dominant ones', () => {
    const bars = trace(spec, 0);
    expect(bars.type).toBe('bar');
    expect(bars.x).toEqual(['Const', 'sin 1', 'cos 1', 'sin 2', 'cos 2']);
    expect(bars.y).toEqual([0.2, 3, 0.5, 0.1, 1.5]);
    expect((bars.marker as { color: string[] }).color).toEqual([
      'rgba(31,119,180,0.4)',
      'rgba(31,119,180,1)',
      'rgba(31,119,180,0.4)',
      'rgba(31,119,180,0.4)',
      'rgba(31,119,180,1)',
    ]);
    expect(bars.hovertemplate).toContain('%{y:.4~g}');
  });

  it('titles with the epoch, tilts the component labels and draws the 1.0 threshold', () => {
    expect(titleOf(spec.layout)).toBe('Embedding Fourier Coefficients - Epoch 700');
    expect(axisTitle(spec.layout, 'xaxis')).toBe('Fourier Component');
    expect(spec.layout.xaxis?.tickangle).toBe(-45);
    expect(axisTitle(spec.layout, 'yaxis')).toBe('Norm');
    expect(spec.layout.shapes?.[0]).toMatchObject({ y0: 1, y1: 1, line: { color: 'red', dash: 'dash' } });
    expect(spec.layout.annotations?.[0]?.text).toBe('Threshold: 1.0');
  });

  it('shows "No data for this epoch" without the epoch file', () => {
    expect(placeholderText(dominantFrequenciesSpec(null, 0))).toBe('No data for this epoch');
  });
});

describe('activationSpec', () => {
  // (d_mlp = 2, p = 2, p = 2): neuron 1's grid is [[0, 2], [5, 1]]
  const activations = nd([2, 2, 2], [9, 9, 9, 9, 0, 2, 5, 1]);

  it("draws the selected neuron's grid (x = b, y = a) on RdBu symmetric around zero", () => {
    const spec = activationSpec({ activations }, 1, 300);
    const heatmap = trace(spec, 0);
    expect(heatmap.z).toEqual([
      [0, 2],
      [5, 1],
    ]);
    expect([heatmap.zmin, heatmap.zmax]).toEqual([-5, 5]);
    expect((heatmap.colorscale as [number, string][])[0]).toEqual([0, 'rgb(103,0,31)']);
    expect(heatmap.colorbar?.title?.text).toBe('Activation');
    expect(heatmap.hovertemplate).toBe('a=%{y}, b=%{x}<br>Activation: %{z:.4~g}<extra></extra>');
    expect(titleOf(spec.layout)).toBe('Neuron 1 Activations - Epoch 300');
    expect([axisTitle(spec.layout, 'xaxis'), axisTitle(spec.layout, 'yaxis')]).toEqual(['b', 'a']);
    expect(spec.layout.yaxis?.scaleanchor).toBe('x');
    expect(spec.layout.annotations).toEqual([]);
  });

  it('says so when the neuron is inactive (every activation 0) instead of drawing a blank grid alone', () => {
    const spec = activationSpec({ activations: nd([2, 2], [0, 0, 0, 0]) }, 7, 1500);
    expect(spec.layout.annotations?.map((a) => a.text)).toEqual(['Neuron 7 is inactive at this epoch (all activations 0)']);
  });

  it("takes the API's single-neuron grid as it is", () => {
    const response: Decoded<NeuronGridResponse> = {
      epoch: 300,
      neuron: 7,
      p: 2,
      activations: decodeFloat32Payload(float32([2, 2], [-3, 1, 0, 2])),
    };
    const heatmap = trace(activationSpec(response, response.neuron, response.epoch), 0);
    expect(heatmap.z).toEqual([
      [-3, 1],
      [0, 2],
    ]);
    expect([heatmap.zmin, heatmap.zmax]).toEqual([-3, 3]);
  });
});

describe('frequencyClustersSpec', () => {
  // (n_freq = 12, d_mlp = 3)
  const normMatrix = nd(
    [12, 3],
    Array.from({ length: 36 }, (_, i) => i / 36),
  );
  const spec = frequencyClustersSpec({ norm_matrix: normMatrix }, 1000);

  it('draws neurons across and 1-based frequencies down on Viridis 0–1', () => {
    const heatmap = trace(spec, 0);
    expect(heatmap.x).toEqual([0, 1, 2]);
    expect(heatmap.y).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect((heatmap.z as number[][])[1]).toEqual([3 / 36, 4 / 36, 5 / 36]);
    expect([heatmap.colorscale, heatmap.zmin, heatmap.zmax]).toEqual(['Viridis', 0, 1]);
    expect(heatmap.colorbar?.title?.text).toBe('Frac Explained');
    expect(heatmap.hovertemplate).toContain('Neuron %{x}<br>Freq %{y}');
  });

  it('ticks every 5th frequency, 1-based, and titles with the epoch', () => {
    expect(spec.layout.yaxis?.tickvals).toEqual([1, 6, 11]);
    expect(titleOf(spec.layout)).toBe('Neuron Frequency Specialization - Epoch 1000');
    expect(spec.layout.height).toBe(400);
  });
});

describe('attentionHeadsSpec', () => {
  // (n_heads = 2, 3, 3, p = 2, p = 2): head h, to t, from f, cell (a, b) = 100h + 10t + f + (2a + b) / 10
  const patterns = nd(
    [2, 3, 3, 2, 2],
    Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => {
      const [h, t, f, cell] = [Math.floor(i / 36), Math.floor(i / 12) % 3, Math.floor(i / 4) % 3, i % 4];
      return 100 * h + 10 * t + f + cell / 10;
    }),
  );

  it('draws each head of the chosen (to, from) pair on its own axes with one shared range and colour bar', () => {
    const spec = attentionHeadsSpec({ patterns }, { to: 2, from: 1 }, 800);
    expect(spec.data).toHaveLength(2);
    expect(trace(spec, 0).z).toEqual([
      [21, 21.1],
      [21.2, 21.3],
    ]);
    expect(trace(spec, 1).z).toEqual([
      [121, 121.1],
      [121.2, 121.3],
    ]);
    expect(spec.data.map((_, i) => [trace(spec, i).xaxis, trace(spec, i).yaxis])).toEqual([
      ['x', 'y'],
      ['x2', 'y2'],
    ]);
    expect(spec.data.map((_, i) => [trace(spec, i).zmin, trace(spec, i).zmax])).toEqual([
      [21, 121.3],
      [21, 121.3],
    ]);
    expect(spec.data.map((_, i) => trace(spec, i).showscale)).toEqual([true, false]);
    expect(trace(spec, 0).colorbar?.title?.text).toBe('Attention');
    expect(spec.layout.xaxis2?.anchor).toBe('y2');
    expect(spec.layout.xaxis?.domain![1]).toBeLessThan(spec.layout.xaxis2!.domain![0]!);
    expect(spec.layout.annotations?.map((a) => a.text)).toEqual(['Head 0', 'Head 1']);
  });

  it('titles with the positions as a, b, = and the epoch', () => {
    const spec = attentionHeadsSpec({ patterns }, POSITION_PAIRS[0]!, 800);
    expect(titleOf(spec.layout)).toBe('Attention Heads (= ← a) — Epoch 800');
    expect(spec.layout.height).toBe(350);
  });

  it('says why the masked pairs draw flat maps (0 for a later key, 1 for the first position itself)', () => {
    const notes = (to: number, from: number) =>
      attentionHeadsSpec({ patterns }, { to, from }, 800)
        .layout.annotations!.map((a) => a.text!)
        .filter((text) => !text.startsWith('Head'));
    expect(notes(0, 1)).toEqual(['a cannot attend to b: the causal mask hides later positions, so every weight is 0']);
    expect(notes(0, 0)).toEqual(['a is the first position: it can attend only to itself, so every weight is 1']);
    for (const { to, from } of POSITION_PAIRS.slice(0, 4)) expect(notes(to, from)).toEqual([]);
  });

  it("takes the API's (n_heads, p, p) slice as it is", () => {
    const response: Decoded<AttentionSliceResponse> = {
      epoch: 5,
      query: 1,
      key: 0,
      p: 1,
      patterns: decodeFloat32Payload(float32([2, 1, 1], [0.25, 0.75])),
    };
    const spec = attentionHeadsSpec(response, { to: response.query, from: response.key }, response.epoch);
    expect(spec.data.map((_, i) => trace(spec, i).z)).toEqual([[[0.25]], [[0.75]]]);
    expect(titleOf(spec.layout)).toBe('Attention Heads (b ← a) — Epoch 5');
  });
});

describe('attentionFrequencySpec', () => {
  it('draws the (n_freq × n_heads) fractions on Blues 0–1 with head names across', () => {
    const spec = attentionFrequencySpec({ freq_matrix: nd([3, 2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) }, 40);
    const heatmap = trace(spec, 0);
    expect(heatmap.x).toEqual(['Head 0', 'Head 1']);
    expect(heatmap.y).toEqual([1, 2, 3]);
    expect(heatmap.z).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
      [0.5, 0.6],
    ]);
    expect([heatmap.zmin, heatmap.zmax]).toEqual([0, 1]);
    expect((heatmap.colorscale as [number, string][])[0]).toEqual([0, 'rgb(247,251,255)']);
    expect(heatmap.colorbar?.title?.text).toBe('Frac Explained');
    expect(titleOf(spec.layout)).toBe('Attention Head Frequency Specialization — Epoch 40');
  });

  it('labels every frequency, with room for each label: p = 113 fits the default height, larger primes grow', () => {
    const rows = (nFreq: number) =>
      attentionFrequencySpec(
        {
          freq_matrix: nd(
            [nFreq, 4],
            Array.from({ length: nFreq * 4 }, () => 0.5),
          ),
        },
        40,
      );
    const pxPerLabel = (spec: ReturnType<typeof rows>, nFreq: number) => {
      const { t = 0, b = 0 } = spec.layout.margin ?? {};
      return (spec.layout.height! - t - b) / nFreq;
    };
    const p113 = rows(56);
    const p199 = rows(99);
    expect(p113.layout.yaxis?.dtick).toBe(1);
    const fontSize = p113.layout.yaxis?.tickfont?.size ?? 12;
    expect(p113.layout.height).toBe(viewInfo('attn-freq').height);
    expect(pxPerLabel(p113, 56)).toBeGreaterThanOrEqual(fontSize);
    expect(p199.layout.height).toBeGreaterThan(p113.layout.height!);
    expect(pxPerLabel(p199, 99)).toBeGreaterThanOrEqual(fontSize);
  });
});

describe('singularValueSpectrumSpec', () => {
  const zeros = nd([2, 2], [0, 0, 0, 0]);
  const artifact: EffectiveDimensionalityEpoch = {
    sv_W_E: vec(1),
    sv_W_pos: vec(1),
    sv_W_Q: nd([2, 3], [3, 2, 1, 4, 4, 4]),
    sv_W_K: zeros,
    sv_W_V: zeros,
    sv_W_O: zeros,
    sv_W_in: vec(4, 2, 2),
    sv_W_out: vec(1),
    sv_W_U: vec(1),
  };

  it('bars a matrix by index in its colour, titled with the PR of the values shown', () => {
    const spec = singularValueSpectrumSpec(artifact, 'W_in', 0, 900);
    expect(trace(spec, 0)).toMatchObject({ type: 'bar', x: [0, 1, 2], y: [4, 2, 2], marker: { color: '#d62728' } });
    expect(titleOf(spec.layout)).toBe('W_in Singular Values — Epoch 900 (PR = 2.7)');
    expect(spec.layout.height).toBe(350);
  });

  it("shows one head's values for an attention matrix", () => {
    const spec = singularValueSpectrumSpec(artifact, 'W_Q', 1, 900);
    expect(trace(spec, 0).y).toEqual([4, 4, 4]);
    expect(titleOf(spec.layout)).toBe('W_Q Head 1 Singular Values — Epoch 900 (PR = 3.0)');
  });

  it('computes PR on s (not s²), 0 for an all-zero spectrum', () => {
    expect(participationRatio([4, 2, 2])).toBeCloseTo(64 / 24);
    expect(participationRatio([5])).toBe(1);
    expect(participationRatio([0, 0])).toBe(0);
  });
});

describe('perturbationSpec', () => {
  const deltas = [0.01, 0.02, 0.03, 0.5, 0.04];
  const spec = perturbationSpec({ baseline_loss: nd([], [1]), delta_losses: vec(...deltas) }, 1200);

  it('bins the deltas into min(30, count) bins with mean (red solid) and median (green dashed) lines', () => {
    expect(trace(spec, 0)).toMatchObject({ type: 'histogram', x: deltas, nbinsx: 5 });
    expect(spec.layout.shapes?.[0]).toMatchObject({ line: { color: '#d62728', dash: 'solid' } });
    expect(spec.layout.shapes?.[0]?.x0).toBeCloseTo(0.12);
    expect(spec.layout.shapes?.[1]).toMatchObject({ x0: 0.03, x1: 0.03, line: { color: '#2ca02c', dash: 'dash' } });
    expect(spec.layout.annotations?.map((a) => [a.text, a.xanchor])).toEqual([
      ['Mean: 0.12', 'left'],
      ['Median: 0.03', 'left'],
    ]);
    expect(spec.layout.showlegend).toBe(false);
  });

  it('puts the mean and median labels in rows of their own, inside the plot, however close the values', () => {
    // Mean just below and just above the median (epochs 0 and 2399 of a p = 43 run were like this).
    for (const close of [
      [0, 0.5, 0.6, 0.61, 0.62, 1],
      [0, 0.4, 0.5, 0.51, 0.52, 1.2],
    ]) {
      const [meanLabel, medianLabel] = perturbationSpec({ baseline_loss: nd([], [1]), delta_losses: vec(...close) }, 0).layout.annotations!;
      expect(meanLabel!.yanchor).toBe(medianLabel!.yanchor);
      expect(Math.abs((meanLabel!.yshift ?? 0) - (medianLabel!.yshift ?? 0))).toBeGreaterThanOrEqual(18);
    }
    // Each label on the side away from the nearer end of the range.
    const skewed = perturbationSpec({ baseline_loss: nd([], [1]), delta_losses: vec(0, 0.01, 0.02, 0.03, 10) }, 0).layout.annotations!;
    expect(skewed.map((a) => a.xanchor)).toEqual(['left', 'left']);
    const leftSkewed = perturbationSpec({ baseline_loss: nd([], [1]), delta_losses: vec(-10, 0.97, 0.98, 0.99, 1) }, 0).layout.annotations!;
    expect(leftSkewed.map((a) => a.xanchor)).toEqual(['right', 'right']);
  });

  it('labels tiny mean and median changes with their digits, not as -0.0000', () => {
    const tiny = perturbationSpec({ baseline_loss: nd([], [1e-7]), delta_losses: vec(-2e-9, -1.5e-9, 4e-8) }, 2399);
    expect(tiny.layout.annotations?.map((a) => a.text)).toEqual(['Mean: 1.217e-8', 'Median: -1.5e-9']);
    expect(tiny.layout.xaxis?.exponentformat).toBe('e');
  });

  it('titles with the recomputed flatness ratio', () => {
    // threshold 0.1 × baseline 1 = 0.1: four of five deltas are below it
    expect(titleOf(spec.layout)).toBe('Perturbation Distribution — Epoch 1200 (Flatness Ratio: 0.80)');
  });

  it('caps the bins at 30 and uses a 0.1 threshold when the baseline is not positive', () => {
    const many = Array.from({ length: 50 }, (_, i) => i / 100);
    expect(trace(perturbationSpec({ baseline_loss: nd([], [0]), delta_losses: vec(...many) }, 0), 0)).toMatchObject({ nbinsx: 30 });
    expect(flatnessRatio(many, 0)).toBe(10 / 50);
    expect(flatnessRatio(many, 2)).toBe(20 / 50);
  });

  it('shows "No data for this epoch" without the epoch file', () => {
    expect(placeholderText(perturbationSpec(null, 0))).toBe('No data for this epoch');
  });
});
