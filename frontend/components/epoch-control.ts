import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { nearestEpoch } from '../plots/index.ts';
import { theme } from '../styles/theme.ts';
import { epochRange, formatEpoch } from '../../shared/format.ts';

export interface EpochChangeDetail {
  epoch: number;
  /** False while the slider is being dragged (cheap updates only), true once the choice is made. */
  committed: boolean;
}
export type EpochChangeEvent = CustomEvent<EpochChangeDetail>;

/** Keys that step the slider, as a change of checkpoint index given the count. */
const STEPS: Record<string, (index: number, count: number) => number> = {
  ArrowLeft: (i) => i - 1,
  ArrowDown: (i) => i - 1,
  ArrowRight: (i) => i + 1,
  ArrowUp: (i) => i + 1,
  PageDown: (i, n) => i - Math.max(1, Math.round(n / 10)),
  PageUp: (i, n) => i + Math.max(1, Math.round(n / 10)),
  Home: () => 0,
  End: (_, n) => n - 1,
};

/**
 * The linked epoch: a slider over the analyzed checkpoints labelled in epochs, a jump-to-epoch
 * box that snaps to the nearest analyzed epoch (and says so while that epoch is shown), and
 * keyboard steps (←/→, PageUp/PageDown, Home/End).
 * @fires epoch-change - detail {epoch, committed}: uncommitted while dragging, committed on release,
 *   a key step or a jump.
 */
@customElement('epoch-control')
export class EpochControl extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        gap: 6px;
        font-size: 0.9rem;
      }
      .label {
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      input[type='range'] {
        width: 100%;
        margin: 0;
      }
      .jump {
        display: flex;
        align-items: center;
        gap: 6px;
        color: var(--wb-muted);
      }
      .jump input {
        font: inherit;
        width: 8em;
        padding: 3px 6px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
      }
      .snapped {
        margin: 0;
        font-size: 0.8rem;
        color: var(--wb-muted);
      }
    `,
  ];

  /** The analyzed epochs, ascending. */
  @property({ attribute: false }) epochs: readonly number[] = [];
  /** The current epoch (one of `epochs`), or null when there is none. */
  @property({ type: Number }) value: number | null = null;
  /** The run's length: its epochs are 0 … numEpochs − 1; 0 when unknown. */
  @property({ type: Number, attribute: 'num-epochs' }) numEpochs = 0;

  /** The epoch under the thumb while dragging, shown before the page has caught up. */
  @state() private dragged: number | null = null;
  /** The last jump that landed elsewhere than typed: the typed epoch and the analyzed one shown instead. */
  @state() private snap: { typed: number; epoch: number } | null = null;

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('value')) this.dragged = null;
  }

  override render() {
    const count = this.epochs.length;
    const epoch = this.dragged ?? this.value;
    const index = epoch === null ? -1 : this.epochs.indexOf(epoch);
    const label = index < 0 ? 'No analyzed epochs' : `Epoch ${formatEpoch(epoch!)} (checkpoint ${index + 1} of ${count})`;
    const snap = this.snap?.epoch === epoch ? this.snap : null;
    return html`<span class="label" id="label">${label}</span>
      <input
        type="range"
        aria-labelledby="label"
        aria-valuetext=${label}
        min="0"
        max=${Math.max(0, count - 1)}
        step="1"
        .value=${live(String(Math.max(0, index)))}
        ?disabled=${count === 0}
        @input=${this.onSliderInput}
        @change=${this.onSliderChange}
        @keydown=${this.onKeyDown}
      />
      <label class="jump">
        Jump to epoch
        <input
          type="number"
          min="0"
          step="1"
          .value=${epoch === null ? '' : String(epoch)}
          ?disabled=${count === 0}
          @input=${this.onJumpInput}
          @change=${this.onJump}
        />
      </label>
      ${snap ? html`<p class="snapped" role="status">${this.snapText(snap)}</p>` : nothing}`;
  }

  /** Why the shown epoch is not the one typed: beyond the run, or not analyzed. */
  private snapText({ typed, epoch }: { typed: number; epoch: number }): string {
    if (this.numEpochs > 0 && typed >= this.numEpochs) {
      const last = epoch === this.numEpochs - 1 ? 'the last one' : 'the last analyzed one';
      return `Epoch ${formatEpoch(typed)} is beyond the run (epochs ${epochRange(this.numEpochs)}); showing ${last}, ${formatEpoch(epoch)}.`;
    }
    return `No checkpoint was analyzed at epoch ${formatEpoch(typed)}; snapped to the nearest one, ${formatEpoch(epoch)}.`;
  }

  private emit(epoch: number, committed: boolean) {
    this.dispatchEvent(new CustomEvent('epoch-change', { detail: { epoch, committed }, bubbles: true, composed: true }));
  }

  private epochAt(slider: HTMLInputElement): number {
    return this.epochs[Number(slider.value)]!;
  }

  private onSliderInput(event: Event) {
    this.dragged = this.epochAt(event.target as HTMLInputElement);
    this.emit(this.dragged, false);
  }

  private onSliderChange(event: Event) {
    this.emit(this.epochAt(event.target as HTMLInputElement), true);
  }

  private onKeyDown(event: KeyboardEvent) {
    const step = STEPS[event.key];
    const count = this.epochs.length;
    if (!step || count === 0) return;
    event.preventDefault();
    const current = Math.max(0, this.epochs.indexOf(this.dragged ?? this.value ?? this.epochs[0]!));
    const next = Math.min(count - 1, Math.max(0, step(current, count)));
    if (next === current) return;
    this.dragged = this.epochs[next]!;
    this.emit(this.dragged, true);
  }

  /**
   * A new epoch being typed: the note about the last jump no longer applies. (Typing the epoch the box
   * already shows, 2399 after a snap from 2400 to 2,399, fires no change event: the note must go here.)
   */
  private onJumpInput() {
    this.snap = null;
  }

  private onJump(event: Event) {
    const input = event.target as HTMLInputElement;
    const typed = Number(input.value);
    const epoch = input.value === '' ? undefined : nearestEpoch(this.epochs, typed);
    if (epoch === undefined) return void (input.value = this.value === null ? '' : String(this.value));
    input.value = String(epoch);
    this.snap = epoch === typed ? null : { typed, epoch };
    this.dragged = epoch;
    this.emit(epoch, true);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'epoch-control': EpochControl;
  }
  interface HTMLElementEventMap {
    'epoch-change': EpochChangeEvent;
  }
}
