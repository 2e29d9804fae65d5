import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FamilySummary } from '../../shared/api.ts';
import {
  SWEPT_TRAINING_SETTINGS,
  type SweepEntry,
  type SweepRecord,
  type SweepRequest,
  type SweptTrainingSetting,
} from '../../shared/sweeps.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { ApiRequestError } from '../api/client.ts';
import { SweepWatcher } from '../api/sweep-watcher.ts';
import { WithApi } from '../api/with-api.ts';
import { buttonStyles, theme } from '../styles/theme.ts';
import './param-form.ts';
import type { FieldInputEvent, FieldSpec } from './param-form.ts';
import { RUN_STATE_LABEL, sweepTally } from './run-rows.ts';
import {
  GRID_FIELD,
  checkSweepForm,
  initialSweepValues,
  sweepFieldName,
  sweepPreviewText,
  type SweepFormValues,
} from './sweep-form-check.ts';

const SETTING_LABEL: Record<SweptTrainingSetting, string> = {
  data_seed: 'Data seeds',
  training_fraction: 'Training fractions',
  learning_rate: 'Learning rates',
  weight_decay: 'Weight decays',
};

/** "Complete", "Skipped: variant … already exists". */
function entryStateText(entry: SweepEntry): string {
  if (entry.state === 'skipped') return entry.skipped ? `Skipped: ${entry.skipped}` : 'Skipped';
  return RUN_STATE_LABEL[entry.state];
}

/** "Sweep running · 1 complete · 2 queued". */
function sweepHeadline(sweep: SweepRecord): string {
  return `Sweep ${RUN_STATE_LABEL[sweep.state].toLowerCase()} · ${sweepTally(sweep)}`;
}

/**
 * Sweep: train a grid of variants in one go. Comma-separated lists for every domain parameter of
 * the family and for the training settings to vary, the run length, whether to analyze each
 * variant and to overwrite existing ones; a live count of the grid's variants and inline errors
 * from the server's own check; then the sweep's variants with their states, live, and a Cancel.
 */
@customElement('sweep-form')
export class SweepForm extends WithApi(LitElement) {
  static override styles = [
    theme,
    buttonStyles,
    css`
      :host {
        display: block;
      }
      .options {
        display: grid;
        gap: 6px;
        margin: 0 0 12px;
        font-size: 0.9rem;
      }
      .preview {
        font-family: var(--wb-mono);
        font-size: 0.9rem;
        padding: 8px 10px;
        background: var(--wb-subtle);
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        margin: 0 0 12px;
      }
      .error {
        color: var(--wb-danger);
      }
      .sweep {
        margin-top: 14px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        padding: 10px 14px;
        background: var(--wb-surface);
      }
      .sweep header {
        display: flex;
        gap: 10px;
        align-items: center;
        justify-content: space-between;
        margin-bottom: 8px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.85rem;
      }
      td {
        border-top: 1px solid var(--wb-border);
        padding: 4px 6px;
      }
      .variant {
        font-family: var(--wb-mono);
        font-size: 0.8rem;
        overflow-wrap: anywhere;
      }
      .percent {
        font-family: var(--wb-mono);
        text-align: right;
      }
      button.cancel {
        border-color: var(--wb-danger);
        color: var(--wb-danger);
        padding: 4px 12px;
      }
    `,
  ];

  /** The family whose variants the sweep trains. */
  @property({ attribute: false }) family?: FamilySummary;

  @state() private values?: SweepFormValues;
  @state() private submitError = '';
  private readonly watcher = new SweepWatcher(this, () => this.api);

  override connectedCallback(): void {
    super.connectedCallback();
    this.watcher.resume().catch((error: Error) => (this.submitError = error.message));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('family')) this.values = this.family ? initialSweepValues(this.family) : undefined;
  }

  override render() {
    if (!this.family || !this.values) return nothing;
    const check = checkSweepForm(this.family, this.values);
    const sweep = this.watcher.sweep;
    return html`
      <param-form
        heading="Sweep grid (comma-separated lists)"
        .fields=${this.fields(check.errors)}
        @field-input=${this.onFieldInput}
      ></param-form>
      <div class="options">
        <label
          ><input type="checkbox" name="sweep_analyze" .checked=${this.values.analyze} @change=${this.onAnalyze} /> Analyze each variant
          when its training ends</label
        >
        <label
          ><input type="checkbox" name="sweep_overwrite" .checked=${this.values.overwrite} @change=${this.onOverwrite} /> Overwrite variants
          that exist (otherwise they are skipped)</label
        >
      </div>
      <div class="preview" aria-live="polite" data-testid="sweep-preview">${sweepPreviewText(check)}</div>
      ${check.errors[GRID_FIELD] ? html`<p class="error" role="alert">${check.errors[GRID_FIELD]}</p>` : nothing}
      <button class="primary wide" ?disabled=${!check.request} @click=${() => this.start(check.request!)}>Start sweep</button>
      ${this.submitError ? html`<p class="error" role="alert">${this.submitError}</p>` : nothing}
      ${this.watcher.error ? html`<p class="error" role="alert">${this.watcher.error}</p>` : nothing}
      ${sweep ? this.renderSweep(sweep) : nothing}
    `;
  }

  private renderSweep(sweep: SweepRecord) {
    return html`<section class="sweep" aria-label="Sweep" data-state=${sweep.state}>
      <header>
        <span class="headline" aria-live="polite">${sweepHeadline(sweep)}</span>
        ${sweep.state === 'running' ? html`<button class="cancel" @click=${this.onCancel}>Cancel sweep</button>` : nothing}
      </header>
      <table>
        <tbody>
          ${sweep.entries.map(
            (entry) =>
              html`<tr data-variant=${entry.variant} data-state=${entry.state}>
                <td class="variant">${entry.variant}</td>
                <td class="state">${entryStateText(entry)}</td>
                <td class="percent">${Math.floor(entry.fraction * 100)} %</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }

  private fields(errors: Record<string, string>): FieldSpec[] {
    const values = this.values!;
    const domain: FieldSpec[] = Object.entries(this.family!.domain_parameters).map(([name, spec]) => ({
      name: sweepFieldName(name),
      label: `${spec.label ?? name}: values`,
      description: `${spec.constraint === 'prime' ? 'Primes' : 'Whole numbers'} from ${spec.min} to ${spec.max}, e.g. ${spec.default}`,
      kind: 'text',
      value: values.params[name] ?? '',
      error: errors[sweepFieldName(name)],
    }));
    const varied: FieldSpec[] = SWEPT_TRAINING_SETTINGS.map((key) => ({
      name: sweepFieldName(key),
      label: SETTING_LABEL[key],
      description: `Leave empty to keep the default, ${TRAINING_DEFAULTS[key]}`,
      kind: 'text',
      value: values.vary[key],
      error: errors[sweepFieldName(key)],
    }));
    const epochs: FieldSpec = {
      name: sweepFieldName('num_epochs'),
      label: 'Total epochs (every variant)',
      description: 'Checkpoints follow the default schedule',
      kind: 'number',
      min: 1,
      step: 1,
      value: values.num_epochs,
      error: errors[sweepFieldName('num_epochs')],
    };
    return [...domain, ...varied, epochs];
  }

  private onFieldInput(event: FieldInputEvent) {
    const { name, value } = event.detail;
    const values = this.values!;
    const key = name.slice(sweepFieldName('').length);
    if (key === 'num_epochs') this.values = { ...values, num_epochs: value };
    else if (key in values.vary) this.values = { ...values, vary: { ...values.vary, [key]: value } };
    else this.values = { ...values, params: { ...values.params, [key]: value } };
  }

  private onAnalyze(event: Event) {
    this.values = { ...this.values!, analyze: (event.target as HTMLInputElement).checked };
  }

  private onOverwrite(event: Event) {
    this.values = { ...this.values!, overwrite: (event.target as HTMLInputElement).checked };
  }

  private async start(request: SweepRequest) {
    this.submitError = '';
    try {
      this.watcher.watch(await this.api.startSweep(request));
    } catch (error) {
      this.submitError = error instanceof ApiRequestError ? error.message : `Could not start the sweep: ${(error as Error).message}`;
    }
  }

  private async onCancel() {
    try {
      await this.watcher.cancel();
    } catch (error) {
      this.submitError = (error as Error).message;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sweep-form': SweepForm;
  }
}
