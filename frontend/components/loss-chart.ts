import { LitElement, css, svg, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { formatNumber, formatPercent } from '../../shared/format.ts';
import type { LossPoint } from '../../shared/jobs.ts';
import { theme } from '../styles/theme.ts';

const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 48, right: 40, top: 12, bottom: 28 };
/** Accuracy ticks on the right axis (shares). */
const ACCURACY_TICKS = [0, 0.5, 1];

/** Decade ticks 10^k covering [min, max]. */
function decades(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) ticks.push(10 ** k);
  return ticks;
}

/** Round epoch ticks 0, step, 2·step, … up to `max`, the whole step 1, 2 or 5 × 10^k that makes at most `intervals` of them. */
export function roundTicks(max: number, intervals = 5): number[] {
  if (!(max > 0)) return [0];
  const power = Math.max(1, 10 ** Math.floor(Math.log10(max / intervals)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s * intervals >= max)!;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** A loss with its accuracy in brackets when the point has one: "3.54 (12.5 %)". */
function figure(loss: number, accuracy: number | undefined): string {
  return accuracy === undefined ? formatNumber(loss) : `${formatNumber(loss)} (${formatPercent(accuracy)})`;
}

/** The hover read-out: "Epoch 1,200: train 1.65e-7 (100 %), test 3.54 (12.5 %)"; without accuracies, the losses alone. */
export function readout({ epoch, trainLoss, testLoss, trainAccuracy, testAccuracy }: LossPoint): string {
  return `Epoch ${epoch.toLocaleString('en-US')}: train ${figure(trainLoss, trainAccuracy)}, test ${figure(testLoss, testAccuracy)}`;
}

/** The point whose epoch is nearest to `epoch` (points ascending by epoch). */
function nearestPoint(points: readonly LossPoint[], epoch: number): LossPoint | undefined {
  let best = points[0];
  for (const point of points) if (Math.abs(point.epoch - epoch) < Math.abs(best!.epoch - epoch)) best = point;
  return best;
}

/**
 * Train and test loss against epoch on a log scale, drawn as SVG so the job pages stay light
 * (Plotly loads only with the Visualization page), and, when the points carry them, train and test
 * accuracy dashed on a second axis (0–100 %, right). Redrawn as points arrive; hovering reads out
 * the epoch, both losses and both accuracies under the pointer.
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
      .hit {
        fill: transparent;
      }
      .guide {
        stroke: var(--wb-muted);
        stroke-dasharray: 3 3;
      }
      circle.train {
        fill: #1f77b4;
      }
      circle.test {
        fill: #ff7f0e;
      }
      polyline.accuracy {
        stroke-width: 1.2;
        stroke-dasharray: 4 3;
      }
      circle.accuracy {
        fill: var(--wb-surface);
        stroke-width: 1.5;
      }
      .legend {
        display: flex;
        gap: 14px;
        font-size: 0.8rem;
        color: var(--wb-muted);
      }
      /* A line of its own, kept when empty: hovering never moves the chart. */
      .readout {
        min-height: 1.3em;
        font-size: 0.8rem;
        font-family: var(--wb-mono);
        color: var(--wb-fg);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
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

  /** The point under the pointer. */
  @state() private hovered?: LossPoint;

  @query('svg') private chart?: SVGSVGElement;

  override render() {
    const losses = this.points.flatMap((p) => [p.trainLoss, p.testLoss]).filter((v) => v > 0 && Number.isFinite(v));
    if (losses.length === 0) return html`<p class="legend">The loss curves appear here as training runs.</p>`;
    const yMin = Math.min(...losses);
    const yMax = Math.max(...losses);
    const logMin = Math.floor(Math.log10(yMin));
    const logMax = Math.max(Math.ceil(Math.log10(yMax)), logMin + 1);
    const xMax = this.xMax;
    const x = (epoch: number) => PAD.left + (epoch / xMax) * (WIDTH - PAD.left - PAD.right);
    const y = (value: number) =>
      PAD.top + ((logMax - Math.log10(Math.max(value, 10 ** logMin))) / (logMax - logMin)) * (HEIGHT - PAD.top - PAD.bottom);
    const line = (key: 'trainLoss' | 'testLoss') => this.points.map((p) => `${x(p.epoch).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
    // Accuracy, a share 0…1, on the right axis: 1 at the top, 0 at the bottom.
    const yAccuracy = (share: number) => PAD.top + (1 - share) * (HEIGHT - PAD.top - PAD.bottom);
    const withAccuracy = this.points.filter((p) => p.trainAccuracy !== undefined && p.testAccuracy !== undefined);
    const accuracyLine = (key: 'trainAccuracy' | 'testAccuracy') =>
      withAccuracy.map((p) => `${x(p.epoch).toFixed(1)},${yAccuracy(p[key]!).toFixed(1)}`).join(' ');
    const hovered = this.hovered;
    const hoveredAccuracy = hovered?.trainAccuracy !== undefined && hovered.testAccuracy !== undefined;
    return html`
      <div class="legend">
        <span><span class="swatch" style="background:#1f77b4"></span>Train loss</span>
        <span><span class="swatch" style="background:#ff7f0e"></span>Test loss</span>
        ${withAccuracy.length > 0 ? html`<span>${accuracyLegend()}</span>` : nothing}
      </div>
      <div class="readout">${hovered ? readout(hovered) : ''}</div>
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${chartLabel(withAccuracy.length > 0)}>
        ${decades(10 ** logMin, 10 ** logMax).map(
          (tick) => svg`<line class="grid" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(tick)} y2=${y(tick)}></line>
            <text class="axis" x=${PAD.left - 6} y=${y(tick) + 3} text-anchor="end">${formatNumber(tick)}</text>`,
        )}
        ${roundTicks(xMax).map(
          // A tick at the very end is anchored by its end, so its label stays inside the chart.
          (tick) =>
            svg`<text class="axis epoch" x=${x(tick)} y=${HEIGHT - 8} text-anchor=${tick === xMax ? 'end' : 'middle'}>${tick.toLocaleString('en-US')}</text>`,
        )}
        <polyline class="train" points=${line('trainLoss')}></polyline>
        <polyline class="test" points=${line('testLoss')}></polyline>
        ${
          withAccuracy.length > 0
            ? svg`${ACCURACY_TICKS.map(
                (tick) =>
                  svg`<text class="axis accuracy-tick" x=${WIDTH - PAD.right + 6} y=${yAccuracy(tick) + 3} text-anchor="start">${formatPercent(tick)}</text>`,
              )}
              <polyline class="train accuracy" points=${accuracyLine('trainAccuracy')}></polyline>
              <polyline class="test accuracy" points=${accuracyLine('testAccuracy')}></polyline>`
            : nothing
        }
        ${
          hovered
            ? svg`<line class="guide" x1=${x(hovered.epoch)} x2=${x(hovered.epoch)} y1=${PAD.top} y2=${HEIGHT - PAD.bottom}></line>
            <circle class="train" cx=${x(hovered.epoch)} cy=${y(hovered.trainLoss)} r="3"></circle>
            <circle class="test" cx=${x(hovered.epoch)} cy=${y(hovered.testLoss)} r="3"></circle>`
            : nothing
        }
        ${
          hovered && hoveredAccuracy
            ? svg`<circle class="train accuracy" cx=${x(hovered.epoch)} cy=${yAccuracy(hovered.trainAccuracy!)} r="3"></circle>
            <circle class="test accuracy" cx=${x(hovered.epoch)} cy=${yAccuracy(hovered.testAccuracy!)} r="3"></circle>`
            : nothing
        }
        <rect
          class="hit"
          x=${PAD.left}
          y=${PAD.top}
          width=${WIDTH - PAD.left - PAD.right}
          height=${HEIGHT - PAD.top - PAD.bottom}
          @pointermove=${this.onPointerMove}
          @pointerleave=${this.onPointerLeave}
        ></rect>
      </svg>
    `;
  }

  /** The last epoch of the run (or of the points, if they go further): the x axis ends there. */
  private get xMax(): number {
    return Math.max(this.numEpochs - 1, this.points.at(-1)?.epoch ?? 0, 1);
  }

  private onPointerMove(event: PointerEvent) {
    const box = this.chart!.getBoundingClientRect();
    const svgX = ((event.clientX - box.left) / box.width) * WIDTH;
    const epoch = ((svgX - PAD.left) / (WIDTH - PAD.left - PAD.right)) * this.xMax;
    this.hovered = nearestPoint(this.points, epoch);
  }

  private onPointerLeave() {
    this.hovered = undefined;
  }
}

/** The legend entry of the accuracy lines. */
function accuracyLegend(): string {
  return 'Dashed: accuracy (right axis)';
}

function chartLabel(withAccuracy: boolean): string {
  return withAccuracy ? 'Train and test loss (log scale) and accuracy (right axis) by epoch' : 'Train and test loss (log scale) by epoch';
}

declare global {
  interface HTMLElementTagNameMap {
    'loss-chart': LossChart;
  }
}
