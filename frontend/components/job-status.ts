import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { epochsDone, formatDuration, formatNumber, formatPercent, queuePlace } from '../../shared/format.ts';
import type { JobRecord, JobState } from '../../shared/jobs.ts';
import { theme } from '../styles/theme.ts';

export type JobCancelEvent = CustomEvent<{ id: string }>;

const STATE_LABEL: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Complete',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** What a figure the job has not reported shows: "…" while it may still come, "–" once the job has ended. */
function missingFigure(job: JobRecord): string {
  return job.state === 'running' || job.state === 'queued' ? '…' : '–';
}

/**
 * The status panel both job pages share: state, progress bar, live figures, the latest message,
 * a readable error, the place in line while queued, and a Cancel button while the job is queued or runs. Extra content (a loss chart, a
 * completion summary) goes in the default slot.
 * @fires job-cancel - the user asked to cancel the running job; `detail.id` is the job id.
 */
@customElement('job-status')
export class JobStatus extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
        padding: 14px 16px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 10px;
        margin-bottom: 10px;
      }
      .badge {
        font-size: 0.75rem;
        font-weight: 600;
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--wb-subtle);
        border: 1px solid var(--wb-border);
      }
      .badge[data-state='running'] {
        background: #e3ecfb;
        border-color: var(--wb-accent);
        color: var(--wb-accent);
      }
      .badge[data-state='succeeded'] {
        background: #e8f5e9;
        border-color: var(--wb-ok);
        color: var(--wb-ok);
      }
      .badge[data-state='failed'],
      .badge[data-state='interrupted'] {
        background: #fdecea;
        border-color: var(--wb-danger);
        color: var(--wb-danger);
      }
      .place {
        font-size: 0.8rem;
        color: var(--wb-muted);
      }
      .variant {
        font-family: var(--wb-mono);
        font-size: 0.85rem;
        flex: 1;
        overflow-wrap: anywhere;
      }
      .bar {
        height: 10px;
        background: var(--wb-subtle);
        border-radius: 5px;
        overflow: hidden;
        border: 1px solid var(--wb-border);
      }
      .bar > div {
        height: 100%;
        background: var(--wb-accent);
        transition: width 0.3s;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(130px, 1fr));
        gap: 8px 16px;
        margin: 12px 0;
      }
      dt {
        font-size: 0.75rem;
        color: var(--wb-muted);
      }
      dd {
        margin: 0;
        font-family: var(--wb-mono);
        font-size: 0.9rem;
      }
      .message {
        font-family: var(--wb-mono);
        font-size: 0.8rem;
        background: var(--wb-subtle);
        padding: 8px;
        border-radius: var(--wb-radius);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .error {
        color: var(--wb-danger);
        font-weight: 500;
      }
      button {
        font: inherit;
        padding: 4px 12px;
        border-radius: var(--wb-radius);
        border: 1px solid var(--wb-danger);
        background: var(--wb-surface);
        color: var(--wb-danger);
        cursor: pointer;
      }
    `,
  ];

  @property({ attribute: false }) job?: JobRecord;
  /** What to say before any job ran, e.g. "Ready to train". */
  @property({ attribute: 'idle-text' }) idleText = 'No job yet';

  override render() {
    const job = this.job;
    if (!job) return html`<p class="message" part="idle">${this.idleText}</p>`;
    const percent = Math.floor(job.progress.fraction * 100);
    return html`
      <header>
        <span class="badge" data-state=${job.state}>${STATE_LABEL[job.state]}</span>
        <span class="variant">${job.variant}</span>
        ${job.queuePosition ? html`<span class="place">${queuePlace(job.queuePosition)}</span>` : nothing}
        ${job.state === 'running' || job.state === 'queued' ? html`<button @click=${this.onCancel}>Cancel</button>` : nothing}
      </header>
      <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent} aria-label="Progress">
        <div style="width: ${percent}%"></div>
      </div>
      <dl>${job.kind === 'train' ? this.trainFigures(job) : this.analyzeFigures(job)}</dl>
      <div class="message" aria-live="polite">${job.message}</div>
      ${job.error ? html`<p class="error" role="alert">${job.error}</p>` : nothing}
      <slot></slot>
    `;
  }

  private trainFigures(job: JobRecord) {
    const p = job.progress;
    const missing = missingFigure(job);
    return html`
      <div>
        <dt>Trained</dt>
        <dd>${p.epoch === undefined || p.numEpochs === undefined ? missing : epochsDone(p.epoch + 1, p.numEpochs)}</dd>
      </div>
      <div>
        <dt>Train loss</dt>
        <dd>${p.trainLoss === undefined ? missing : formatNumber(p.trainLoss)}</dd>
      </div>
      <div>
        <dt>Test loss</dt>
        <dd>${p.testLoss === undefined ? missing : formatNumber(p.testLoss)}</dd>
      </div>
      <div>
        <dt>Train accuracy</dt>
        <dd>${p.trainAccuracy === undefined ? missing : formatPercent(p.trainAccuracy)}</dd>
      </div>
      <div>
        <dt>Test accuracy</dt>
        <dd>${p.testAccuracy === undefined ? missing : formatPercent(p.testAccuracy)}</dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd>${p.msPerEpoch === undefined ? missing : `${formatNumber(p.msPerEpoch)} ms/epoch`}</dd>
      </div>
      <div>
        <dt>ETA</dt>
        <dd>${job.state === 'running' ? formatDuration(p.etaSeconds) : '–'}</dd>
      </div>
    `;
  }

  private analyzeFigures(job: JobRecord) {
    const p = job.progress;
    const missing = missingFigure(job);
    return html`
      <div>
        <dt>Checkpoint</dt>
        <dd>${p.checkpointCount ? `${Math.min((p.checkpointIndex ?? 0) + 1, p.checkpointCount)} of ${p.checkpointCount}` : missing}</dd>
      </div>
      <div>
        <dt>Epoch</dt>
        <dd>${p.epoch ?? missing}</dd>
      </div>
      <div>
        <dt>Analyzer</dt>
        <dd>${p.analyzer ?? missing}</dd>
      </div>
    `;
  }

  private onCancel() {
    this.dispatchEvent(new CustomEvent('job-cancel', { detail: { id: this.job!.id }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'job-status': JobStatus;
  }
  interface HTMLElementEventMap {
    'job-cancel': JobCancelEvent;
  }
}
