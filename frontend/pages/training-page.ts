import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { FamilySummary, VariantSummary } from '../../shared/api.ts';
import type { VariantDetail } from '../../shared/artifacts.ts';
import { taskParams } from '../../shared/family-schema.ts';
import { adaptiveCheckpointDescription } from '../../shared/adaptive-checkpoints.ts';
import { defaultCheckpointEpochs, defaultScheduleDescription } from '../../shared/checkpoint-schedule.ts';
import type { InitFrom, JobRecord, JobRequestInput, LossPoint, TrainJobRecord, TrainResult } from '../../shared/jobs.ts';
import { storedLossPoints, wholeRunLosses } from '../../shared/loss-history.ts';
import { MAX_LEARNING_RATE, MAX_WEIGHT_DECAY, TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { measuredSpeeds, TRAINING_PRESETS, type EpochSpeed, type TrainingPreset } from '../../shared/training-presets.ts';
import { IDENTITY_SETTING_NAMES } from '../../shared/variant-name.ts';
import { ApiRequestError } from '../api/client.ts';
import { JobWatcher } from '../api/job-watcher.ts';
import { WithApi } from '../api/with-api.ts';
import '../components/family-select.ts';
import type { FamilyChangeEvent } from '../components/family-select.ts';
import { epochRange, formatDuration, formatNumber, formatPercent } from '../../shared/format.ts';
import '../components/init-source-select.ts';
import type { InitSourceChangeEvent } from '../components/init-source-select.ts';
import '../components/job-status.ts';
import '../components/loss-chart.ts';
import '../components/param-form.ts';
import type { FieldInputEvent, FieldSpec } from '../components/param-form.ts';
import '../components/sweep-form.ts';
import { buttonStyles, jobPageLayout, pageLayout, theme } from '../styles/theme.ts';
import {
  busyText,
  checkContinueTo,
  continueLabel,
  continuePrompt,
  existsText,
  resumeLabel,
  resumePrompt,
  isBusy,
  isFinished,
  suggestedContinueTo,
  trainedEpochs,
} from './existing-variant.ts';
import { PageTitle } from './page-title.ts';
import {
  checkTrainingForm,
  estimateSource,
  estimateText,
  initialTrainingValues,
  jobTrainingValues,
  trainingValues,
  type TrainingFormCheck,
  type TrainingFormValues,
} from './training-form.ts';

type TrainingRequest = NonNullable<TrainingFormCheck['request']>;

/** "Variant: …", or why there is no name yet. */
function previewText(check: TrainingFormCheck): string {
  if (check.variant) return `Variant: ${check.variant}`;
  return check.awaitingDigest ? "Variant: reading the starting checkpoint's weights…" : 'Invalid parameters';
}

/** A summary row of a share 0…1; none for a record written before accuracies were recorded. */
function shareRow(label: string, share: number | undefined) {
  return share === undefined
    ? nothing
    : html`<dt>${label}</dt>
        <dd>${formatPercent(share)}</dd>`;
}

/**
 * Training: pick a family (or a named preset, with the time it takes here), set its domain
 * parameters (inputs built from the family's schema) and the training parameters, preview the
 * variant name, start, and watch the run live. Coming back shows the running job with its settings
 * in the form, or the latest finished one.
 */
/** "23, of which 5 added where the test loss fell fast" */
function checkpointsText({ checkpointCount, addedCheckpointCount }: TrainResult): string {
  return addedCheckpointCount
    ? `${checkpointCount}, of which ${addedCheckpointCount} added where the test loss fell fast`
    : String(checkpointCount);
}

@customElement('training-page')
export class TrainingPage extends WithApi(LitElement) {
  static override styles = [
    theme,
    pageLayout,
    buttonStyles,
    jobPageLayout,
    css`
      .preview {
        font-family: var(--wb-mono);
        font-size: 0.9rem;
        padding: 8px 10px;
        background: var(--wb-subtle);
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        margin: 14px 0;
        overflow-wrap: anywhere;
      }
      .exists {
        border: 1px solid #f0b429;
        background: #fffbea;
        border-radius: var(--wb-radius);
        padding: 8px 10px;
        margin-bottom: 12px;
        font-size: 0.9rem;
      }
      .links {
        display: flex;
        gap: 16px;
        margin-top: 10px;
      }
      family-select {
        margin-bottom: 14px;
      }
      .continue {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        margin-top: 10px;
      }
      .continue input {
        font: inherit;
        width: 9em;
        padding: 4px 6px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
      }
      .continue .error {
        flex-basis: 100%;
        font-size: 0.8rem;
      }
      .presets {
        display: grid;
        gap: 8px;
        margin: 0 0 14px;
        padding: 10px 14px 12px;
        border: 1px solid var(--wb-border);
        border-radius: var(--wb-radius);
        background: var(--wb-surface);
      }
      .presets legend {
        font-weight: 600;
        padding: 0 4px;
      }
      .presets button {
        display: grid;
        gap: 2px;
        text-align: left;
      }
      .presets .estimate,
      .presets .source {
        font-size: 0.78rem;
        color: var(--wb-muted);
      }
      .adaptive {
        display: flex;
        gap: 6px;
        align-items: baseline;
        margin-top: 12px;
        font-size: 0.9rem;
      }
      .adaptive-help {
        display: block;
        margin-top: 3px;
        font-size: 0.78rem;
        color: var(--wb-muted);
      }
    `,
  ];

  @state() private families: FamilySummary[] = [];
  @state() private family?: FamilySummary;
  @state() private values?: TrainingFormValues;
  /** Variants of the selected family, to warn before overwriting one. */
  @state() private variants: VariantSummary[] = [];
  @state() private overwrite = false;
  /** The total epochs typed for continuing the chosen finished variant; undefined shows the suggestion. */
  @state() private continueTo?: string;
  @state() private submitError = '';
  @state() private loadError = '';
  /** The digest of the `init_from` checkpoint's weights, which ends the variant's name; undefined while asked for. */
  @state() private initDigest?: string;
  /** The newest training job as the page opened, when none was running: its outcome stays in view. */
  @state() private latest?: JobRecord;
  /**
   * The earlier run's losses (metadata.json) of the shown job when it continues or resumes a run: its
   * own curve starts where that run stopped.
   */
  @state() private earlier?: { jobId: string; points: LossPoint[] };
  /** How fast training ran here, per modulus, for the presets' time estimates (none: a rough figure). */
  @state() private speeds: EpochSpeed[] = [];
  private readonly watcher = new JobWatcher(
    this,
    () => this.api,
    (job) => this.onJobFinished(job),
  );
  protected readonly tabTitle = new PageTitle(this, () => 'Training');
  /** Aborts the digest request of a starting checkpoint no longer chosen. */
  private digestRequest = new AbortController();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override willUpdate(): void {
    const job = this.shownJob;
    if (job?.kind !== 'train' || this.earlier?.jobId === job.id) return;
    this.earlier = { jobId: job.id, points: [] };
    if (job.request.continue_to !== null || job.request.resume) void this.loadEarlier(job);
  }

  override render() {
    return html`<h1>Training</h1>
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
      <div class="columns">
        <section aria-label="Parameters">${this.renderForm()}</section>
        <section aria-label="Status">
          <h2>Status</h2>
          ${this.watcher.error ? html`<p class="error" role="alert">${this.watcher.error}</p>` : nothing}
          <job-status .job=${this.shownJob} idle-text="Ready to train" @job-cancel=${this.onCancel}>
            ${this.shownJob?.kind === 'train' ? this.renderLossChart(this.shownJob) : nothing} ${this.renderSummary(this.shownJob)}
          </job-status>
        </section>
      </div>
      <section aria-label="Sweep">
        <h2>Sweep</h2>
        <sweep-form .family=${this.family}></sweep-form>
      </section>`;
  }

  private renderForm() {
    if (!this.family || !this.values) return html`<family-select .families=${this.families}></family-select>`;
    const check = checkTrainingForm(this.family, this.values, this.initDigest);
    const existing = this.variants.find((variant) => variant.name === check.variant && variant.state !== 'untrained');
    // A busy variant needs no overwrite: the server refuses the job and its message is shown.
    const canStart = check.request !== undefined && check.variant !== undefined && (!existing || isBusy(existing) || this.overwrite);
    return html`
      <family-select .families=${this.families} .value=${this.family.name} @family-change=${this.onFamilyChange}></family-select>
      ${this.renderPresets(this.family)}
      <param-form heading="Domain parameters" .fields=${this.domainFields(check.errors)} @field-input=${this.onDomainInput}></param-form>
      <param-form heading="Training parameters" .fields=${this.trainingFields(check.errors)} @field-input=${this.onTrainingInput}>
        <label class="adaptive"
          ><input
            type="checkbox"
            name="adaptive_checkpoints"
            aria-describedby="adaptive_checkpoints-help"
            .checked=${this.values.adaptive_checkpoints}
            @change=${this.onAdaptiveCheckpoints}
          />
          Add checkpoints where the test loss falls fast</label
        >
        <span class="adaptive-help" id="adaptive_checkpoints-help">${adaptiveCheckpointDescription()}</span>
      </param-form>
      <init-source-select
        .variants=${this.initSources()}
        .value=${this.values.init_from}
        digest=${this.initDigest ?? ''}
        @init-source-change=${this.onInitSourceChange}
      ></init-source-select>
      <div class="preview" aria-live="polite" data-testid="variant-preview">${previewText(check)}</div>
      ${existing ? this.renderExisting(existing, check.request) : nothing}
      <button class="primary wide" ?disabled=${!canStart} @click=${() => this.start(check.request!, Boolean(existing))}>
        Start Training
      </button>
      ${this.submitError ? html`<p class="error" role="alert">${this.submitError}</p>` : nothing}
    `;
  }

  /** A busy variant says so; a finished one asks to confirm an overwrite and offers to continue its run. */
  private renderExisting(existing: VariantSummary, request: TrainingRequest | undefined) {
    if (isBusy(existing)) return html`<div class="exists" role="status">${busyText(existing)}</div>`;
    return html`<div class="exists">
      ${existsText(existing)}
      <label
        ><input type="checkbox" name="overwrite" .checked=${this.overwrite} @change=${this.onOverwrite} /> Overwrite it: its checkpoints and
        analysis are deleted</label
      >
      ${isFinished(existing) ? this.renderContinue(existing, request) : nothing}
      ${existing.resumableFromEpoch !== undefined ? this.renderResume(existing.name, existing.resumableFromEpoch, request) : nothing}
    </div>`;
  }

  /** An interrupted run that saved a commit point: resuming it finishes the run it began, on its own settings. */
  private renderResume(variant: string, fromEpoch: number, request: TrainingRequest | undefined) {
    return html`<div class="continue">
      <span>${resumePrompt(fromEpoch)}</span>
      <button name="resume" ?disabled=${!request} @click=${() => this.resumeRun(request!, variant)}>${resumeLabel(fromEpoch)}</button>
    </div>`;
  }

  private renderContinue(existing: VariantSummary, request: TrainingRequest | undefined) {
    const trained = trainedEpochs(existing);
    const text = this.continueTo ?? String(suggestedContinueTo(trained, this.values!.num_epochs));
    const target = checkContinueTo(text, trained);
    const epochs = 'epochs' in target ? target.epochs : undefined;
    return html`<div class="continue">
      <label
        >${continuePrompt(trained)}
        <input
          type="number"
          name="continue_to"
          min=${trained + 1}
          step="1"
          aria-invalid=${epochs === undefined ? 'true' : 'false'}
          .value=${text}
          @input=${this.onContinueToInput}
      /></label>
      <button ?disabled=${!request || epochs === undefined} @click=${() => this.continueRun(request!, epochs!)}>
        ${continueLabel(epochs ?? trained)}
      </button>
      ${'error' in target ? html`<span class="error" role="alert">${target.error}</span>` : nothing}
    </div>`;
  }

  private renderPresets(family: FamilySummary) {
    const presets = TRAINING_PRESETS.filter((preset) => preset.family === family.name);
    if (presets.length === 0) return nothing;
    return html`<fieldset class="presets">
      <legend>Presets</legend>
      ${presets.map(
        (preset) =>
          html`<button type="button" @click=${() => this.applyPreset(preset)}>
            <span>${preset.label}</span>
            <span class="estimate"
              >${estimateText(taskParams(family, preset.params).modulus, preset.training.num_epochs, this.speeds)}</span
            >
          </button>`,
      )}
      <span class="source">${estimateSource(this.speeds)}</span>
    </fieldset>`;
  }

  private domainFields(errors: Record<string, string>): FieldSpec[] {
    return Object.entries(this.family!.domain_parameters).map(([name, spec]) => ({
      name,
      label: spec.label ?? name,
      description: `${spec.description} (${spec.constraint === 'prime' ? 'a prime' : 'whole number'} from ${spec.min} to ${spec.max}; default ${spec.default})`,
      kind: 'number',
      min: spec.min,
      max: spec.max,
      step: spec.type === 'int' ? 1 : undefined,
      value: this.values!.params[name] ?? '',
      error: errors[`params.${name}`],
    }));
  }

  private trainingFields(errors: Record<string, string>): FieldSpec[] {
    const values = this.values!;
    const epochs = Number(values.num_epochs);
    const validEpochs = Number.isInteger(epochs) && epochs > 0;
    const defaultCount = validEpochs ? defaultCheckpointEpochs(epochs).length : undefined;
    const last = (epochs - 1).toLocaleString('en-US');
    return [
      {
        name: 'data_seed',
        label: 'Data seed',
        description: 'Random seed for the train/test split',
        kind: 'number',
        min: 0,
        step: 1,
        value: values.data_seed,
        error: errors.data_seed,
      },
      {
        name: 'training_fraction',
        label: 'Training fraction',
        description: 'Share of all (a, b) pairs used for training; the rest is the test set',
        kind: 'range',
        min: 0.1,
        max: 0.9,
        step: 0.05,
        value: values.training_fraction,
        error: errors.training_fraction,
      },
      {
        name: 'learning_rate',
        label: 'Learning rate',
        description: `AdamW's learning rate, constant over the run (default ${TRAINING_DEFAULTS.learning_rate})`,
        kind: 'number',
        min: 0,
        max: MAX_LEARNING_RATE,
        value: values.learning_rate,
        error: errors.learning_rate,
      },
      {
        name: 'weight_decay',
        label: 'Weight decay',
        description: `AdamW's decoupled weight decay, which drives grokking (default ${TRAINING_DEFAULTS.weight_decay})`,
        kind: 'number',
        min: 0,
        max: MAX_WEIGHT_DECAY,
        value: values.weight_decay,
        error: errors.weight_decay,
      },
      {
        name: 'num_epochs',
        label: 'Total epochs',
        description: `Full-batch optimizer steps, counted from 0${validEpochs ? `: this run has epochs ${epochRange(epochs)}` : ''}`,
        kind: 'number',
        min: 1,
        step: 1,
        value: values.num_epochs,
        error: errors.num_epochs,
      },
      {
        name: 'checkpoints',
        label: 'Checkpoint epochs (comma-separated)',
        description:
          `Leave empty for the default schedule: ${defaultScheduleDescription(validEpochs ? epochs : undefined)}${defaultCount ? ` (${defaultCount} checkpoints for this run)` : ''}. ` +
          `The final epoch${validEpochs ? `, ${last},` : ''} is always saved; ${validEpochs ? epochs.toLocaleString('en-US') : 'the number of epochs'} in the list also means it.`,
        kind: 'text',
        placeholder: 'Leave empty for default schedule',
        value: values.checkpoints,
        error: errors.checkpoints,
      },
    ];
  }

  /** The whole run's curve: a job that trains on from an earlier run draws that run's epochs too. */
  private renderLossChart(job: TrainJobRecord) {
    const earlier = this.earlier?.jobId === job.id ? this.earlier.points : [];
    const numEpochs = job.progress.numEpochs ?? job.request.continue_to ?? job.request.training.num_epochs;
    return html`<loss-chart .points=${wholeRunLosses(earlier, job.lossHistory)} num-epochs=${numEpochs}></loss-chart>`;
  }

  private renderSummary(job: JobRecord | undefined) {
    if (job?.state !== 'succeeded' || job.result?.kind !== 'train') return nothing;
    const result: TrainResult = job.result;
    const query = `?family=${encodeURIComponent(job.family)}&variant=${encodeURIComponent(result.variant)}`;
    return html`<div class="summary">
      <h2>Training complete</h2>
      <dl>
        <dt>Variant</dt>
        <dd>${result.variant}</dd>
        <dt>Checkpoints</dt>
        <dd>${checkpointsText(result)}</dd>
        <dt>Final train loss</dt>
        <dd>${formatNumber(result.finalTrainLoss)}</dd>
        <dt>Final test loss</dt>
        <dd>${formatNumber(result.finalTestLoss)}</dd>
        ${shareRow('Final train accuracy', result.finalTrainAccuracy)} ${shareRow('Final test accuracy', result.finalTestAccuracy)}
        <dt>Wall time</dt>
        <dd>${formatDuration(result.wallTimeSeconds)} (${result.backend} backend)</dd>
      </dl>
      <div class="links">
        <a href="/analysis-run${query}">Analyze it →</a>
        <a href="/viz${query}">View it →</a>
      </div>
    </div>`;
  }

  /** Variants whose checkpoints can start this run: those with checkpoints and the modulus the form names. */
  private initSources(): VariantSummary[] {
    const modulus = this.formModulus();
    return this.variants.filter((v) => v.checkpointEpochs.length > 0 && taskParams(this.family!, v.params).modulus === modulus);
  }

  /** The modulus the form's domain parameters name, as typed. */
  private formModulus(): number {
    return Number(this.values!.params[this.family!.task.modulus_parameter]);
  }

  /** The job the status card shows: the one followed live, else the latest as the page opened. */
  private get shownJob(): JobRecord | undefined {
    return this.watcher.job ?? this.latest;
  }

  /**
   * Families first, then the training jobs (newest first): a running one is followed and its
   * settings fill the form; otherwise the newest stays in the status card. The newest with a
   * measured speed times the presets.
   */
  private async load() {
    try {
      const { families } = await this.api.families();
      this.families = families;
      if (families[0]) this.selectFamily(families[0]);
      const { jobs } = await this.api.jobs({ kind: 'train' });
      this.speeds = measuredSpeeds(jobs, families);
      const newest = jobs[0];
      if (newest?.state === 'running' || newest?.state === 'queued') this.follow(newest);
      else this.latest = newest;
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  /** Follows a running job and shows its settings in the form (a continuation's: the run's new length). */
  private follow(job: JobRecord) {
    this.watcher.watch(job);
    const family = this.families.find((f) => f.name === job.family);
    if (!family || job.request.kind !== 'train') return;
    this.selectFamily(family);
    this.setValues(jobTrainingValues(job.request));
  }

  /** The losses the variant's run stored before `job` trained on from it. */
  private async loadEarlier(job: TrainJobRecord) {
    try {
      const detail = await this.api.variantDetail(job.family, job.variant);
      const before = job.lossHistory[0]?.epoch ?? Infinity;
      if (this.earlier?.jobId === job.id) this.earlier = { jobId: job.id, points: storedLossPoints(detail, before) };
    } catch {
      // Without the stored run the chart shows this job's own epochs only.
    }
  }

  /** Shows new form values; a newly chosen starting checkpoint has its digest asked for. */
  private setValues(values: TrainingFormValues) {
    const before = this.values?.init_from;
    this.values = values;
    const after = values.init_from;
    if (before?.variant === after?.variant && before?.epoch === after?.epoch) return;
    this.digestRequest.abort();
    this.initDigest = undefined;
    if (after) void this.loadDigest(after);
  }

  private async loadDigest(source: InitFrom) {
    this.digestRequest = new AbortController();
    const { signal } = this.digestRequest;
    try {
      const { digest } = await this.api.checkpoint(this.family!.name, source.variant, source.epoch, signal);
      if (!signal.aborted) this.initDigest = digest;
    } catch (error) {
      if (!signal.aborted) this.submitError = `Cannot start from ${source.variant} at epoch ${source.epoch}: ${(error as Error).message}`;
    }
  }

  private selectFamily(family: FamilySummary) {
    this.family = family;
    this.setValues(initialTrainingValues(family));
    this.overwrite = false;
    this.continueTo = undefined;
    void this.loadVariants();
  }

  private async loadVariants() {
    if (!this.family) return;
    try {
      this.variants = (await this.api.variants(this.family.name)).variants;
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  private applyPreset(preset: TrainingPreset) {
    this.setValues(trainingValues(preset.params, preset.training));
    this.overwrite = false;
    this.continueTo = undefined;
  }

  private onJobFinished(job: JobRecord) {
    // The run just ended is the newest figure for its modulus.
    const [timed] = measuredSpeeds([job], this.families);
    if (timed) this.speeds = [timed, ...this.speeds.filter((speed) => speed.prime !== timed.prime)];
    void this.loadVariants();
  }

  private onFamilyChange(event: FamilyChangeEvent) {
    const family = this.families.find((f) => f.name === event.detail.family);
    if (family) this.selectFamily(family);
  }

  private onDomainInput(event: FieldInputEvent) {
    const values = { ...this.values!, params: { ...this.values!.params, [event.detail.name]: event.detail.value } };
    this.values = values;
    // A starting checkpoint of another modulus no longer fits: the run starts from its seeded init again.
    const source = values.init_from && this.variants.find((v) => v.name === values.init_from!.variant);
    if (source && taskParams(this.family!, source.params).modulus !== this.formModulus()) this.setValues({ ...values, init_from: null });
    this.overwrite = false;
    this.continueTo = undefined;
  }

  private onInitSourceChange(event: InitSourceChangeEvent) {
    this.setValues({ ...this.values!, init_from: event.detail.source });
    this.submitError = '';
    this.overwrite = false;
    this.continueTo = undefined;
  }

  private onTrainingInput(event: FieldInputEvent) {
    this.values = { ...this.values!, [event.detail.name]: event.detail.value };
    // A setting in the variant's name names another variant: its overwrite needs its own tick.
    if ((IDENTITY_SETTING_NAMES as readonly string[]).includes(event.detail.name)) {
      this.overwrite = false;
      this.continueTo = undefined;
    }
  }

  /** Not part of the variant's name: the same variant either way, so an overwrite tick stays. */
  private onAdaptiveCheckpoints(event: Event) {
    this.values = { ...this.values!, adaptive_checkpoints: (event.target as HTMLInputElement).checked };
  }

  private onContinueToInput(event: Event) {
    this.continueTo = (event.target as HTMLInputElement).value;
  }

  private onOverwrite(event: Event) {
    this.overwrite = (event.target as HTMLInputElement).checked;
  }

  private async start(request: TrainingRequest, exists: boolean) {
    await this.submit({ ...request, overwrite: exists && this.overwrite });
  }

  /** Extends the chosen finished run to `epochs` in all, from its final checkpoint, on its own schedule. */
  private async continueRun(request: TrainingRequest, epochs: number) {
    const continued = { ...request, training: { ...request.training, checkpoint_epochs: null }, continue_to: epochs };
    // The form shows the run being continued: its total epochs are now the target.
    if (await this.submit(continued)) this.setValues(jobTrainingValues(continued));
  }

  /** Finishes the chosen interrupted run on its own plan (total epochs and checkpoints, which the server checks), shown in the form. */
  private async resumeRun(request: TrainingRequest, variant: string) {
    let detail: VariantDetail;
    try {
      detail = await this.api.variantDetail(request.family, variant);
    } catch (error) {
      this.submitError = `Could not read the interrupted run: ${(error as Error).message}`;
      return;
    }
    const training = { ...request.training, num_epochs: detail.numEpochs, checkpoint_epochs: detail.run?.checkpointRequest ?? null };
    const resumed = { ...request, training, resume: true };
    if (await this.submit(resumed)) this.setValues(jobTrainingValues(resumed));
  }

  /** Queues the job and shows it (with its place in line); a refusal shows the server's message. True once queued. */
  private async submit(request: JobRequestInput): Promise<boolean> {
    this.submitError = '';
    try {
      this.watcher.watch(await this.api.submitJob(request));
      this.overwrite = false;
      this.continueTo = undefined;
      void this.loadVariants();
      return true;
    } catch (error) {
      this.submitError = error instanceof ApiRequestError ? error.message : `Could not start training: ${(error as Error).message}`;
      return false;
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
    'training-page': TrainingPage;
  }
}
