import { describe, expect, it } from 'vitest';
import type { ArrayPayload, CrossEpochResponse } from '../../../shared/artifacts.ts';
import {
  TRAJECTORY_MARKER_TRACE_INDEX,
  trajectory2dSpec,
  trajectory3dSpec,
  trajectoryMarkerRestyle,
  velocitySpec,
} from '../../../frontend/plots/trajectory.ts';
import {
  CROSS_EPOCH_TRAJECTORY_KEYS,
  pickSeriesArrays,
  TRAJECTORY_GROUPS,
  type CrossEpochTrajectory,
} from '../../../frontend/plots/types.ts';
import { axisTitle, lineColors, marker, placeholderText, titleOf, trace, traceNames } from './fixtures.ts';

const epochs = [0, 100, 200];

const payload = (shape: number[], data: number[]): ArrayPayload => ({ shape, data });

/** Every group with 3 checkpoints; group g's component pc at checkpoint i is 10·(pc+1)·g + i + pc/10. */
function crossEpoch(components = 3): CrossEpochTrajectory {
  const response: CrossEpochResponse = { analyzer: 'parameter_trajectory', epochs, arrays: {} };
  TRAJECTORY_GROUPS.forEach((group, g) => {
    const projections = epochs.flatMap((_, i) => Array.from({ length: components }, (__, pc) => 10 * (pc + 1) * g + i + pc / 10));
    response.arrays[`${group}__projections`] = payload([epochs.length, components], projections);
    response.arrays[`${group}__explained_variance_ratio`] = payload([components], [0.5, 0.25, 0.125].slice(0, components));
    response.arrays[`${group}__velocity`] = payload([epochs.length - 1], [g + 1, (g + 1) / 2]);
  });
  return pickSeriesArrays(response, CROSS_EPOCH_TRAJECTORY_KEYS)!;
}

describe('trajectory2dSpec', () => {
  const spec = trajectory2dSpec('trajectory', crossEpoch(), 'mlp', 100);

  it('draws a grey path, points coloured by epoch (Bluered) and a red star at the current epoch', () => {
    expect(traceNames(spec)).toEqual(['Path', 'Checkpoints', 'Current epoch']);
    expect(trace(spec, 0)).toMatchObject({ mode: 'lines', x: [30, 31, 32], y: [60.1, 61.1, 62.1], hoverinfo: 'skip' });
    expect(trace(spec, 0).line?.color).toMatch(/^rgba\(128,128,128,/);
    expect(trace(spec, 1).marker).toMatchObject({ size: 5, color: epochs, colorscale: 'Bluered', colorbar: { title: { text: 'Epoch' } } });
    expect(trace(spec, 1).customdata).toEqual(epochs);
    const star = trace(spec, TRAJECTORY_MARKER_TRACE_INDEX);
    expect(star).toMatchObject({ x: [31], y: [61.1], customdata: [100] });
    expect(star.marker).toEqual({ symbol: 'star', size: 14, color: 'red', line: { color: 'black', width: 1 } });
  });

  it('titles the axes with explained variance and the plot with the group label', () => {
    expect(axisTitle(spec.layout, 'xaxis')).toBe('PC1 (50.0% var)');
    expect(axisTitle(spec.layout, 'yaxis')).toBe('PC2 (25.0% var)');
    expect(titleOf(spec.layout)).toBe('Parameter Trajectory (Mlp)');
    expect(spec.layout.height).toBe(450);
  });

  it('plots PC1 vs PC3 and PC2 vs PC3 with their own titles', () => {
    const pc13 = trajectory2dSpec('trajectory-pc1-pc3', crossEpoch(), 'all', 0);
    expect(titleOf(pc13.layout)).toBe('Parameter Trajectory PC1 vs PC3 (All Parameters)');
    expect(axisTitle(pc13.layout, 'yaxis')).toBe('PC3 (12.5% var)');
    expect(trace(pc13, 0).y).toEqual([0.2, 1.2, 2.2]);
    const pc23 = trajectory2dSpec('trajectory-pc2-pc3', crossEpoch(), 'embedding', 0);
    expect(titleOf(pc23.layout)).toBe('Parameter Trajectory PC2 vs PC3 (Embedding)');
    expect(axisTitle(pc23.layout, 'xaxis')).toBe('PC2 (25.0% var)');
  });

  it('leaves the star empty for an epoch that is not on the trajectory', () => {
    const star = trace(trajectory2dSpec('trajectory', crossEpoch(), 'all', 150), TRAJECTORY_MARKER_TRACE_INDEX);
    expect([star.x, star.y, star.customdata]).toEqual([[], [], []]);
  });

  it('shows a placeholder without the cross-epoch result or with too few components', () => {
    expect(placeholderText(trajectory2dSpec('trajectory', null, 'all', 0))).toBe('Run analysis first');
    expect(placeholderText(trajectory2dSpec('trajectory-pc1-pc3', crossEpoch(2), 'all', 0))).toBe(
      'Not enough checkpoints for this component',
    );
  });
});

describe('trajectory3dSpec', () => {
  it('draws PC1–PC3 in a scene with % var axis titles and a red diamond at the current epoch', () => {
    const spec = trajectory3dSpec(crossEpoch(), 'attention', 200);
    expect(spec.data.map((_, i) => trace(spec, i).type)).toEqual(['scatter3d', 'scatter3d', 'scatter3d']);
    expect(trace(spec, 1).marker).toMatchObject({ size: 3, colorscale: 'Bluered' });
    expect(trace(spec, 2)).toMatchObject({ x: [22], y: [42.1], z: [62.2], marker: { symbol: 'diamond', size: 7, color: 'red' } });
    expect(spec.layout.scene?.xaxis?.title?.text).toBe('PC1 (50.0% var)');
    expect(spec.layout.scene?.zaxis?.title?.text).toBe('PC3 (12.5% var)');
    expect(titleOf(spec.layout)).toBe('Parameter Trajectory 3D (Attention)');
    expect(spec.layout.height).toBe(550);
  });
});

describe('trajectoryMarkerRestyle', () => {
  it('returns the restyle update that moves only the star trace', () => {
    expect(trajectoryMarkerRestyle('trajectory-pc2-pc3', crossEpoch(), 'all', 200)).toEqual({
      update: { x: [[2.1]], y: [[2.2]], customdata: [[200]] },
      traceIndices: [TRAJECTORY_MARKER_TRACE_INDEX],
    });
  });

  it('moves the 3-D diamond in x, y and z, and empties it off the trajectory', () => {
    expect(trajectoryMarkerRestyle('trajectory-3d', crossEpoch(), 'embedding', 0)?.update).toEqual({
      x: [[10]],
      y: [[20.1]],
      z: [[30.2]],
      customdata: [[0]],
    });
    expect(trajectoryMarkerRestyle('trajectory', crossEpoch(), 'all', 7)?.update).toEqual({ x: [[]], y: [[]], customdata: [[]] });
  });

  it('agrees with the star the full render draws', () => {
    const artifact = crossEpoch();
    const star = trace(trajectory2dSpec('trajectory', artifact, 'mlp', 100), TRAJECTORY_MARKER_TRACE_INDEX);
    const { update } = trajectoryMarkerRestyle('trajectory', artifact, 'mlp', 100)!;
    expect([update['x']![0], update['y']![0]]).toEqual([star.x, star.y]);
  });
});

describe('velocitySpec', () => {
  it('draws Embedding, Attention and Mlp velocity at the later epoch of each step', () => {
    const spec = velocitySpec(crossEpoch(), 100);
    expect(traceNames(spec)).toEqual(['Embedding', 'Attention', 'Mlp']);
    expect(lineColors(spec)).toEqual(['#1f77b4', '#2ca02c', '#d62728']);
    expect(trace(spec, 0).x).toEqual([100, 200]);
    expect(trace(spec, 2).y).toEqual([4, 2]);
    expect(axisTitle(spec.layout, 'yaxis')).toBe('||delta theta|| / epoch');
    expect(titleOf(spec.layout)).toBe('Component Velocity Comparison');
    expect(spec.layout.height).toBe(350);
    expect(marker(spec.layout).shape).toMatchObject({ x0: 100, x1: 100 });
  });

  it('shows "Run analysis first" without the cross-epoch result', () => {
    expect(placeholderText(velocitySpec(null, 0))).toBe('Run analysis first');
  });
});
