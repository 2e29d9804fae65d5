/**
 * Pure Plotly spec builders for the Visualization page's 18 views: artifact data in,
 * `{ data, layout }` out. No DOM, no fetch, no Plotly import; the page draws what they return.
 */
export * from './types.ts';
export * from './style.ts';
export * from './epoch-marker.ts';
export * from './views.ts';
export * from './view-figure.ts';
export * from './export.ts';
export * from './loss.ts';
export * from './fourier.ts';
export * from './neurons.ts';
export * from './attention.ts';
export * from './trajectory.ts';
export * from './dimensionality.ts';
export * from './flatness.ts';
export * from './overlays.ts';
