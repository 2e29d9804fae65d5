import { LitElement, css, svg, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LossPoint } from '../../shared/jobs.ts';
import { theme } from '../styles/theme.ts';

const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** Decade ticks 10^k covering [min, max]. */
function decades(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) ticks.push(10 ** k);
  return ticks;
}

/**
 * Train and test loss against epoch on a log scale, drawn as SVG so the job pages stay light
 * (Plotly loads only with the Visualization page). Redrawn as points arrive.
 */
@customElement('loss-chart')
export class LossChart extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      svg {
        width: 100%;
        height: auto;
        font-size: 10px;
      }
      .grid {
        stroke: #e4e7eb;
      }
      .axis {
        fill: var(--wb-muted);
      }
      .train {
        stroke: #1f77b4;
      }
      .test {
        stroke: #ff7f0e;
      }
      polyline {
        fill: none;
        stroke-width: 1.5;
      }
      .legend {
        display: flex;
        gap: 14px;
        font-size: 0.8rem;
        color: var(--wb-muted);
      }
      .swatch {
        display: inline-block;
        width: 14px;
        height: 3px;
        vertical-align: middle;
        margin-right: 4px;
      }
    `,
  ];

  @property({ attribute: false }) points: LossPoint[] = [];
  /** The run's length, so the x axis does not rescale as training proceeds. */
  @property({ type: Number, attribute: 'num-epochs' }) numEpochs = 0;

  override render() {
    const losses = this.points.flatMap((p) => [p.trainLoss, p.testLoss]).filter((v) => v > 0 && Number.isFinite(v));
    if (losses.length === 0) return html`<p class="legend">The loss curves appear here as training runs.</p>`;
    const yMin = Math.min(...losses);
    const yMax = Math.max(...losses);
    const logMin = Math.floor(Math.log10(yMin));
    const logMax = Math.max(Math.ceil(Math.log10(yMax)), logMin + 1);
    const xMax = Math.max(this.numEpochs - 1, this.points.at(-1)!.epoch, 1);
    const x = (epoch: number) => PAD.left + (epoch / xMax) * (WIDTH - PAD.left - PAD.right);
    const y = (value: number) =>
      PAD.top + ((logMax - Math.log10(Math.max(value, 10 ** logMin))) / (logMax - logMin)) * (HEIGHT - PAD.top - PAD.bottom);
    const line = (key: 'trainLoss' | 'testLoss') => this.points.map((p) => `${x(p.epoch).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
    const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * xMax));
    return html`
      <div class="legend">
        <span><span class="swatch" style="background:#1f77b4"></span>Train loss</span>
        <span><span class="swatch" style="background:#ff7f0e"></span>Test loss</span>
      </div>
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Train and test loss (log scale) by epoch">
        ${decades(10 ** logMin, 10 ** logMax).map(
          (tick) => svg`<line class="grid" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(tick)} y2=${y(tick)}></line>
            <text class="axis" x=${PAD.left - 6} y=${y(tick) + 3} text-anchor="end">${tick >= 0.001 && tick <= 1000 ? tick : tick.toExponential(0)}</text>`,
        )}
        ${xTicks.map((tick) => svg`<text class="axis" x=${x(tick)} y=${HEIGHT - 8} text-anchor="middle">${tick.toLocaleString('en-US')}</text>`)}
        <polyline class="train" points=${line('trainLoss')}></polyline>
        <polyline class="test" points=${line('testLoss')}></polyline>
      </svg>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'loss-chart': LossChart;
  }
}
