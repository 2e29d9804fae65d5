import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import { JOB_STATES, type JobRecord } from '../../shared/jobs.ts';
import type { SweepRecord } from '../../shared/sweeps.ts';
import { WithApi } from '../api/with-api.ts';
import '../components/family-select.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import '../components/run-table.ts';
import type { RunActionEvent } from '../components/run-table.ts';
import { RUN_KINDS, RUN_KIND_LABEL, RUN_STATE_LABEL, anyActive, filterRuns, runRows, type RunFilter } from '../components/run-rows.ts';
import '../components/variant-table.ts';
import type { VariantDeleteEvent } from '../components/variant-table.ts';
import { buttonStyles, pageLayout, theme } from '../styles/theme.ts';
import { PageTitle } from './page-title.ts';

/** How often the page asks for the jobs and sweeps again while one is queued or running. */
const POLL_MS = 1500;

/** "Deleted modulo_addition_1layer_p7_seed1." */
function deletedNotice(variant: string): string {
  return `Deleted ${variant}.`;
}

/** Which jobs are in which state: when it changes, variants may have changed state too. */
function jobStates(jobs: readonly JobRecord[]): string {
  return jobs.map((job) => `${job.id}:${job.state}`).join();
}

/**
 * Jobs: every job and sweep the server has run or queued, newest first, filtered by kind and
 * state, with Cancel / Resume / Retry and links to each variant's pages; it refreshes itself every
 * 1.5 s while anything is queued or running. Below, a family's variants, each deletable after a
 * confirmation (the server refuses while a job holds it, and its message is shown).
 */
@customElement('jobs-page')
export class JobsPage extends WithApi(LitElement) {
  static override styles = [
    theme,
    pageLayout,
    buttonStyles,
    css`
      :host {
        max-width: 1400px;
      }
      .filters {
        display: flex;
        gap: 16px;
        align-items: end;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .filters label {
        display: grid;
        gap: 4px;
        font-size: 0.9rem;
      }
      select {
        font: inherit;
        padding: 6px 8px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
      }
      family-select {
        max-width: 360px;
        margin-bottom: 10px;
      }
      .notice {
        color: var(--wb-ok);
      }
    `,
  ];

  @state() private jobs: JobRecord[] = [];
  @state() private sweeps: SweepRecord[] = [];
  @state() private filter: RunFilter = { kind: '', state: '' };
  @state() private families: FamilySummary[] = [];
  @state() private family = '';
  @state() private variants: VariantSummary[] = [];
  @state() private loadError = '';
  @state() private actionError = '';
  @state() private deleteError = '';
  @state() private deleteNotice = '';
  private pollTimer = 0;
  protected readonly tabTitle = new PageTitle(this, () => 'Jobs');

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    clearTimeout(this.pollTimer);
    super.disconnectedCallback();
  }

  override render() {
    const rows = runRows(this.jobs, this.sweeps, Date.now());
    return html`<h1>Jobs</h1>
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
      <section aria-label="Jobs and sweeps">
        <div class="filters">
          <label
            >Kind
            <select name="kind" @change=${this.onKindFilter}>
              <option value="" ?selected=${this.filter.kind === ''}>All kinds</option>
              ${RUN_KINDS.map((kind) => html`<option value=${kind} ?selected=${this.filter.kind === kind}>${RUN_KIND_LABEL[kind]}</option>`)}
            </select>
          </label>
          <label
            >State
            <select name="state" @change=${this.onStateFilter}>
              <option value="" ?selected=${this.filter.state === ''}>All states</option>
              ${JOB_STATES.map(
                (state) => html`<option value=${state} ?selected=${this.filter.state === state}>${RUN_STATE_LABEL[state]}</option>`,
              )}
            </select>
          </label>
        </div>
        ${this.actionError ? html`<p class="error" role="alert">${this.actionError}</p>` : nothing}
        <run-table
          .rows=${filterRuns(rows, this.filter)}
          empty-text=${rows.length === 0 ? 'No jobs yet' : 'No job or sweep matches these filters'}
          @run-action=${this.onRunAction}
        ></run-table>
      </section>
      <section aria-label="Variants">
        <h2>Variants</h2>
        <family-select .families=${this.families} .value=${this.family} @family-change=${this.onFamilyChange}></family-select>
        ${this.deleteError ? html`<p class="error" role="alert">${this.deleteError}</p>` : nothing}
        ${this.deleteNotice ? html`<p class="notice" role="status">${this.deleteNotice}</p>` : nothing}
        <variant-table .family=${this.family} .variants=${this.variants} @variant-delete=${this.onVariantDelete}></variant-table>
      </section>`;
  }

  private async load() {
    try {
      const { families } = await this.api.families();
      this.families = families;
      this.family = families[0]?.name ?? '';
      await Promise.all([this.refresh(), this.loadVariants()]);
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  /** Asks for the jobs and sweeps again, and again after POLL_MS while one is queued or running. */
  private async refresh() {
    clearTimeout(this.pollTimer);
    const before = jobStates(this.jobs);
    const [{ jobs }, { sweeps }] = await Promise.all([this.api.jobs(), this.api.sweeps()]);
    this.jobs = jobs;
    this.sweeps = sweeps;
    if (before && jobStates(jobs) !== before) void this.loadVariants();
    if (this.isConnected && anyActive(runRows(jobs, sweeps, Date.now()))) {
      this.pollTimer = window.setTimeout(() => void this.refresh().catch((error: Error) => (this.loadError = error.message)), POLL_MS);
    }
  }

  private async loadVariants() {
    if (!this.family) return;
    const family = this.family;
    const { variants } = await this.api.variants(family);
    if (family === this.family) this.variants = variants;
  }

  private onKindFilter(event: Event) {
    this.filter = { ...this.filter, kind: (event.target as HTMLSelectElement).value as RunFilter['kind'] };
  }

  private onStateFilter(event: Event) {
    this.filter = { ...this.filter, state: (event.target as HTMLSelectElement).value as RunFilter['state'] };
  }

  private async onRunAction(event: RunActionEvent) {
    const { id, kind, action } = event.detail;
    this.actionError = '';
    try {
      // A sweep offers Cancel only.
      if (kind === 'sweep') await this.api.cancelSweep(id);
      else if (action === 'cancel') await this.api.cancelJob(id);
      else if (action === 'resume') await this.api.resumeJob(id);
      else await this.api.retryJob(id);
      await this.refresh();
    } catch (error) {
      this.actionError = (error as Error).message;
    }
  }

  private async onFamilyChange(event: FamilyChangeEvent) {
    this.family = event.detail.family;
    this.variants = [];
    this.deleteError = '';
    this.deleteNotice = '';
    try {
      await this.loadVariants();
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  private async onVariantDelete(event: VariantDeleteEvent) {
    const { family, variant } = event.detail;
    this.deleteError = '';
    this.deleteNotice = '';
    try {
      await this.api.deleteVariant(family, variant);
      this.deleteNotice = deletedNotice(variant);
      await this.loadVariants();
    } catch (error) {
      this.deleteError = (error as Error).message;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jobs-page': JobsPage;
  }
}
