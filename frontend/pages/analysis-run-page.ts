import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import type { AnalysisStatus, AnalyzerStatus } from '../../shared/artifacts.ts';
import { ANALYZER_INFO } from '../../shared/analyzer-info.ts';
import type { JobRecord } from '../../shared/jobs.ts';
import { JobWatcher } from '../api/job-watcher.ts';
import { WithApi } from '../api/with-api.ts';
import '../components/family-select.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import { formatDuration } from '../../shared/format.ts';
import '../components/job-status.ts';
import type { JobCancelEvent } from '../components/job-status.ts';
import '../components/variant-select.ts';
import type { VariantChangeEvent } from '../components/variant-select.ts';
import { buttonStyles, jobPageLayout, pageLayout, theme } from '../styles/theme.ts';
import { PageTitle } from './page-title.ts';

const ANALYZABLE = new Set(['trained', 'analyzed']);
/** States in which a job of the server holds the variant. */
const BUSY = new Set(['training', 'analyzing']);

function notAnalyzableReason(variant: VariantSummary): string {
  if (BUSY.has(variant.state))
    return `A job is ${variant.state} this variant; its progress is shown under Status, and the variant can be analyzed once it ends.`;
  return `This variant is ${variant.state}; only a variant that finished training can be analyzed. Train it (again) on the Training page.`;
}

/** "≈ 86 % of the time", "< 1 % of the time": an analyzer's share of a full analysis. */
function costText(percent: number): string {
  return percent >= 1 ? `≈ ${Math.round(percent)} % of the time` : '< 1 % of the time';
}

/**
 * Analysis Run: pick a family and a trained variant (or arrive with `?family=…&variant=…`), see
 * what each analyzer computes, what it costs and which results exist, choose which to run (and
 * whether to recompute), run, and watch progress per checkpoint. A variant still training shows
 * that job's progress.
 */
@customElement('analysis-run-page')
export class AnalysisRunPage extends WithApi(LitElement) {
  static override styles = [
    theme,
    pageLayout,
    buttonStyles,
    jobPageLayout,
    css`
      .pickers {
        display: grid;
        gap: 12px;
        margin-bottom: 14px;
      }
      fieldset {
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
        padding: 10px 14px;
        margin: 0 0 14px;
      }
      legend {
        font-weight: 600;
      }
      .analyzer {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 8px;
        align-items: center;
        padding: 4px 0;
        font-size: 0.9rem;
      }
      .analyzer code {
        font-family: var(--wb-mono);
      }
      .about {
        display: grid;
        gap: 1px;
      }
      .description,
      .cost {
        font-size: 0.78rem;
        color: var(--wb-muted);
      }
      .done {
        font-family: var(--wb-mono);
        font-size: 0.8rem;
        color: var(--wb-muted);
      }
      .done[data-complete] {
        color: var(--wb-ok);
      }
      .notice {
        border: 1px solid #f0b429;
        background: #fffbea;
        border-radius: var(--wb-radius);
        padding: 8px 10px;
        font-size: 0.9rem;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-bottom: 12px;
      }
    `,
  ];

  @state() private families: FamilySummary[] = [];
  @state() private family = '';
  @state() private variants: VariantSummary[] = [];
  /** The family `variants` belong to: until it is `family`, they are still on their way. */
  @state() private variantsFamily = '';
  @state() private variant = '';
  @state() private status?: AnalysisStatus;
  /** Analyzers the user unticked; everything else runs. */
  @state() private excluded = new Set<string>();
  @state() private force = false;
  @state() private error = '';
  /** The checkpoint of the running analysis the analyzers' counts were last asked at. */
  private statusCheckpoint?: number;
  private readonly watcher = new JobWatcher(
    this,
    () => this.api,
    (job) => void this.onJobFinished(job),
  );
  /** Follows the training job of a selected variant that is still training. */
  private readonly trainingWatcher = new JobWatcher(
    this,
    () => this.api,
    (job) => void this.onJobFinished(job),
  );
  protected readonly tabTitle = new PageTitle(this, () => (this.variant ? `Analysis Run — ${this.variant}` : 'Analysis Run'));

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override updated(): void {
    // While the variant's analysis runs, its analyzers' counts follow it checkpoint by checkpoint.
    const job = this.watcher.job;
    const checkpoint = job?.state === 'running' && job.variant === this.variant ? job.progress.checkpointIndex : undefined;
    if (checkpoint === undefined || checkpoint === this.statusCheckpoint) return;
    this.statusCheckpoint = checkpoint;
    void this.refreshStatus();
  }

  override render() {
    const selected = this.variants.find((v) => v.name === this.variant);
    const chosen = this.status?.analyzers.filter((a) => !this.excluded.has(a.name)) ?? [];
    const canRun = selected !== undefined && ANALYZABLE.has(selected.state) && chosen.length > 0 && !this.watcher.running;
    return html`<h1>Analysis Run</h1>
      <div class="columns">
        <section aria-label="Analysis settings">
          <div class="pickers">
            <family-select .families=${this.families} .value=${this.family} @family-change=${this.onFamilyChange}></family-select>
            <variant-select .variants=${this.variants} .value=${this.variant} @variant-change=${this.onVariantChange}></variant-select>
            <button @click=${this.refresh}>Refresh variants</button>
          </div>
          ${selected && !ANALYZABLE.has(selected.state) ? html`<p class="notice" role="status">${notAnalyzableReason(selected)}</p>` : nothing}
          ${this.status ? this.renderAnalyzers(this.status) : nothing}
          <button class="primary wide" ?disabled=${!canRun} @click=${this.run}>Run Analysis</button>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        </section>
        <section aria-label="Status">
          <h2>Status</h2>
          ${this.watcher.error ? html`<p class="error" role="alert">${this.watcher.error}</p>` : nothing}
          <job-status .job=${this.shownJob} idle-text=${this.idleText(selected)} @job-cancel=${this.onCancel}>
            ${this.renderSummary(this.shownJob)}
          </job-status>
        </section>
      </div>`;
  }

  private renderAnalyzers(status: AnalysisStatus) {
    const total = status.checkpointEpochs.length;
    const progressText = (a: AnalyzerStatus) =>
      a.kind === 'cross_epoch' ? `covers ${a.epochsDone.length} / ${total}` : `${a.epochsDone.length} / ${total} epochs`;
    return html`<fieldset>
      <legend>Analyzers</legend>
      ${status.analyzers.map((a) => {
        const info = ANALYZER_INFO[a.name];
        return html`<label class="analyzer">
          <input type="checkbox" name=${a.name} .checked=${!this.excluded.has(a.name)} @change=${(e: Event) => this.toggle(a.name, e)} />
          <span class="about">
            <code>${a.name}${a.kind === 'cross_epoch' ? ' (cross-epoch)' : ''}</code>
            ${info ? html`<span class="description">${info.description}</span><span class="cost">${costText(info.costPercent)}</span>` : nothing}
          </span>
          <span class="done" ?data-complete=${a.complete}>${a.complete ? '✓ ' : ''}${progressText(a)}</span>
        </label>`;
      })}
      <div class="row">
        <button @click=${() => (this.excluded = new Set())}>All</button>
        <button @click=${() => (this.excluded = new Set(status.analyzers.map((a) => a.name)))}>None</button>
      </div>
      <label class="analyzer">
        <input
          type="checkbox"
          name="force"
          .checked=${this.force}
          @change=${(e: Event) => (this.force = (e.target as HTMLInputElement).checked)}
        />
        <span>Recompute existing results (force)</span>
      </label>
    </fieldset>`;
  }

  private renderSummary(job: JobRecord | undefined) {
    if (job?.state !== 'succeeded' || job.result?.kind !== 'analyze') return nothing;
    const result = job.result;
    const query = `?family=${encodeURIComponent(job.family)}&variant=${encodeURIComponent(result.variant)}`;
    return html`<div class="summary">
      <h2>Analysis complete</h2>
      <dl>
        <dt>Variant</dt>
        <dd>${result.variant}</dd>
        <dt>Checkpoints</dt>
        <dd>${result.checkpointCount}</dd>
        <dt>Results computed</dt>
        <dd>${result.epochFilesWritten === 0 ? 'none: everything existed already' : result.epochFilesWritten}</dd>
        <dt>Wall time</dt>
        <dd>${formatDuration(result.wallTimeSeconds)}</dd>
        <dt>Artifacts</dt>
        <dd>${result.artifactsDir}</dd>
      </dl>
      <a href="/viz${query}">View it →</a>
    </div>`;
  }

  /**
   * The job the status card shows: an analysis while it runs or when it is of the selected
   * variant, else the selected variant's training while it runs.
   */
  private get shownJob(): JobRecord | undefined {
    const analysis = this.watcher.job;
    if (analysis && (analysis.state === 'running' || analysis.variant === this.variant)) return analysis;
    const training = this.trainingWatcher.job;
    return training?.state === 'running' && training.variant === this.variant ? training : undefined;
  }

  /** What the status card says while it shows no job, for the current selection. */
  private idleText(selected: VariantSummary | undefined): string {
    if (!this.family || this.variantsFamily !== this.family) return 'Loading…';
    if (this.variants.length === 0) return 'No variants yet: train one on the Training page first.';
    if (!selected) return 'Select a variant to analyze';
    if (!ANALYZABLE.has(selected.state)) return notAnalyzableReason(selected);
    if (!this.status) return `Loading the analyzers of ${selected.name}…`;
    const chosen = this.status.analyzers.filter((a) => !this.excluded.has(a.name));
    if (chosen.length === 0) return 'Choose at least one analyzer.';
    if (!this.force && chosen.every((a) => a.complete)) {
      return `The chosen analyzers already have results for all ${this.status.checkpointEpochs.length} checkpoints; tick "Recompute" to compute them again.`;
    }
    return `Ready to analyze ${selected.name} with ${chosen.length} of ${this.status.analyzers.length} analyzers: press Run Analysis.`;
  }

  /** The variant in the URL (`?family=…&variant=…`) if any, else the variant of a running analysis. */
  private async load() {
    try {
      this.families = (await this.api.families()).families;
      const query = new URLSearchParams(window.location.search);
      const family = this.families.find((f) => f.name === query.get('family')) ?? this.families[0];
      if (!family) return;
      const linked = query.get('variant') ?? '';
      await this.selectFamily(family.name, linked);
      if ((await this.watcher.resume({ kind: 'analyze' })) && !this.variant) {
        const job = this.watcher.job!;
        await this.selectFamily(job.family, job.variant);
      }
      // A link to a variant the family does not have (deleted, or mistyped) says so instead of opening on nothing.
      if (linked && !this.variant) this.error = `The link names variant "${linked}", which ${family.name} does not have; pick one below.`;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async selectFamily(family: string, variant = '') {
    this.family = family;
    await this.loadVariants();
    await this.selectVariant(this.variants.some((v) => v.name === variant) ? variant : '');
  }

  private async selectVariant(variant: string) {
    this.variant = variant;
    this.status = undefined;
    this.excluded = new Set();
    this.error = '';
    if (!variant) return;
    if (BUSY.has(this.variants.find((v) => v.name === variant)!.state)) await this.followJobOf(variant);
    this.status = await this.api.analysisStatus(this.family, variant);
  }

  /** The selected variant's analyzers and their epochs done, asked again (a failure keeps the last answer). */
  private async refreshStatus() {
    const { family, variant } = this;
    try {
      const status = await this.api.analysisStatus(family, variant);
      if (family === this.family && variant === this.variant) this.status = status;
    } catch {
      // The next checkpoint asks again.
    }
  }

  /** Follows the job that holds the variant (training or analyzing it), so its progress shows under Status. */
  private async followJobOf(variant: string) {
    const job = (await this.api.jobs({ state: 'running', family: this.family, variant })).jobs[0];
    if (!job) return;
    const watcher = job.kind === 'train' ? this.trainingWatcher : this.watcher;
    if (watcher.job?.id !== job.id) watcher.watch(job);
  }

  private async loadVariants() {
    const family = this.family;
    const { variants } = await this.api.variants(family);
    if (family !== this.family) return;
    this.variants = variants;
    this.variantsFamily = family;
  }

  private async refresh() {
    this.error = '';
    try {
      await this.loadVariants();
      await this.selectVariant(this.variants.some((v) => v.name === this.variant) ? this.variant : '');
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private onFamilyChange(event: FamilyChangeEvent) {
    void this.selectFamily(event.detail.family).catch((error: Error) => (this.error = error.message));
  }

  private onVariantChange(event: VariantChangeEvent) {
    void this.selectVariant(event.detail.variant).catch((error: Error) => (this.error = error.message));
  }

  private toggle(name: string, event: Event) {
    const excluded = new Set(this.excluded);
    if ((event.target as HTMLInputElement).checked) excluded.delete(name);
    else excluded.add(name);
    this.excluded = excluded;
  }

  private async run() {
    this.error = '';
    const all = this.status!.analyzers.map((a) => a.name);
    const chosen = all.filter((name) => !this.excluded.has(name));
    try {
      const job = await this.api.submitJob({
        kind: 'analyze',
        family: this.family,
        variant: this.variant,
        ...(chosen.length < all.length ? { analyzers: chosen } : {}),
        force: this.force,
      });
      this.watcher.watch(job);
      await this.loadVariants();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async onJobFinished(job: JobRecord) {
    if (job.family === this.family) await this.refresh();
  }

  /** Cancels the job the status card shows (an analysis, or the selected variant's training). */
  private async onCancel(event: JobCancelEvent) {
    try {
      await this.api.cancelJob(event.detail.id);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'analysis-run-page': AnalysisRunPage;
  }
}
