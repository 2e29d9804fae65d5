/**
 * The browser's client for the workbench API. Requests go through Hono's typed client over the
 * server's route types (paths, parameters and bodies checked by the compiler); every answer is
 * parsed with the schema its route declares (shared/), so a server that answers something else
 * fails here, naming the path, instead of deep inside a page. One instance is shared through
 * @lit/context.
 */
import { hc } from 'hono/client';
import type { z } from 'zod';
// Type only: no server code reaches the browser bundle.
import type { ApiApp } from '../../server/api.ts';
import { apiErrorBodySchema, familiesResponseSchema, variantsResponseSchema, versionInfoSchema } from '../../shared/api.ts';
import {
  analysisStatusSchema,
  attentionSliceResponseSchema,
  checkpointInfoSchema,
  crossEpochResponseSchema,
  decodeFloat32Payload,
  epochArtifactResponseSchema,
  neuronGridResponseSchema,
  summaryResponseSchema,
  variantDeletedSchema,
  variantDetailSchema,
  type AttentionSliceResponse,
  type Decoded,
  type NeuronGridResponse,
} from '../../shared/artifacts.ts';
import { curvesResponseSchema, reportResponseSchema, type CurveSeriesId, type CurveWidth } from '../../shared/reports.ts';
import { sweepRecordSchema, sweepsResponseSchema, type SweepRequestInput } from '../../shared/sweeps.ts';
import { jobRecordSchema, jobsResponseSchema, type JobKind, type JobRequestInput, type JobState } from '../../shared/jobs.ts';
import { fieldErrors, summarizeFieldErrors, type FieldError } from '../../shared/validation.ts';

/** A non-2xx answer, carrying the server's message and field errors; status 0 when the server cannot be reached. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

/** Problems of a mismatching answer quoted in the error; the rest are counted. */
const SHOWN_PROBLEMS = 3;

/** Path segments are sent as given by hono/client, so names are encoded here. */
const segment = (value: string | number) => encodeURIComponent(String(value));

export class ApiClient {
  private readonly api: ReturnType<typeof hc<ApiApp>>['api'];

  /** `baseUrl` is the server origin ('' for the same origin), e.g. "http://127.0.0.1:8787". */
  constructor(readonly baseUrl = '') {
    this.api = hc<ApiApp>(this.origin).api;
  }

  private get origin(): string {
    return this.baseUrl.replace(/\/+$/, '');
  }

  url(path: string): string {
    return `${this.origin}/api${path}`;
  }

  /** GET any API path (`/jobs/…`), its answer checked against `schema`. */
  get<Schema extends z.ZodType>(path: string, schema: Schema, signal?: AbortSignal): Promise<z.output<Schema>> {
    return this.answer(schema, () => fetch(this.url(path), { signal }));
  }

  /** POST a JSON body to any API path, the answer checked against `schema`. */
  post<Schema extends z.ZodType>(path: string, body: unknown, schema: Schema, signal?: AbortSignal): Promise<z.output<Schema>> {
    return this.answer(schema, () =>
      fetch(this.url(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal }),
    );
  }

  version() {
    return this.answer(versionInfoSchema, () => this.api.version.$get());
  }

  families() {
    return this.answer(familiesResponseSchema, () => this.api.families.$get());
  }

  variants(family: string) {
    return this.answer(variantsResponseSchema, () => this.api.families[':family'].variants.$get({ param: { family: segment(family) } }));
  }

  /** Per analyzer of the family, which epochs of this variant are done. */
  analysisStatus(family: string, variant: string) {
    return this.answer(analysisStatusSchema, () =>
      this.api.variants[':family'][':variant'].status.$get({ param: variantParam(family, variant) }),
    );
  }

  /** A variant's config, losses, checkpoints, analyzed epochs and analyzer status. */
  variantDetail(family: string, variant: string, signal?: AbortSignal) {
    return this.answer(variantDetailSchema, () =>
      this.api.variants[':family'][':variant'].$get({ param: variantParam(family, variant) }, { init: { signal } }),
    );
  }

  /** One analyzer's result file at one epoch. */
  epochArtifact(family: string, variant: string, analyzer: string, epoch: number, signal?: AbortSignal) {
    const param = { ...variantParam(family, variant), analyzer: segment(analyzer), epoch: segment(epoch) };
    return this.answer(epochArtifactResponseSchema, () =>
      this.api.variants[':family'][':variant'].artifacts[':analyzer'].epochs[':epoch'].$get({ param }, { init: { signal } }),
    );
  }

  summary(family: string, variant: string, analyzer: string, signal?: AbortSignal) {
    const param = { ...variantParam(family, variant), analyzer: segment(analyzer) };
    return this.answer(summaryResponseSchema, () =>
      this.api.variants[':family'][':variant'].summaries[':analyzer'].$get({ param }, { init: { signal } }),
    );
  }

  crossEpoch(family: string, variant: string, analyzer: string, signal?: AbortSignal) {
    const param = { ...variantParam(family, variant), analyzer: segment(analyzer) };
    return this.answer(crossEpochResponseSchema, () =>
      this.api.variants[':family'][':variant']['cross-epoch'][':analyzer'].$get({ param }, { init: { signal } }),
    );
  }

  /** One neuron's activation grid at one epoch, recomputed from the checkpoint. */
  async neuronGrid(
    family: string,
    variant: string,
    neuron: number,
    epoch: number,
    signal?: AbortSignal,
  ): Promise<Decoded<NeuronGridResponse>> {
    const param = { ...variantParam(family, variant), neuron: segment(neuron), epoch: segment(epoch) };
    const response = await this.answer(neuronGridResponseSchema, () =>
      this.api.variants[':family'][':variant'].neurons[':neuron'].epochs[':epoch'].$get({ param }, { init: { signal } }),
    );
    return { ...response, activations: decodeFloat32Payload(response.activations) };
  }

  /** Every head's attention from position `query` to `key` at one epoch, recomputed from the checkpoint. */
  async attentionSlice(
    family: string,
    variant: string,
    epoch: number,
    query: number,
    key: number,
    signal?: AbortSignal,
  ): Promise<Decoded<AttentionSliceResponse>> {
    const request = {
      param: { ...variantParam(family, variant), epoch: segment(epoch) },
      query: { query: String(query), key: String(key) },
    };
    const response = await this.answer(attentionSliceResponseSchema, () =>
      this.api.variants[':family'][':variant'].attention[':epoch'].$get(request, { init: { signal } }),
    );
    return { ...response, patterns: decodeFloat32Payload(response.patterns) };
  }

  /** A checkpoint's weights digest, which ends the name of a run started from it. */
  checkpoint(family: string, variant: string, epoch: number, signal?: AbortSignal) {
    const param = { ...variantParam(family, variant), epoch: segment(epoch) };
    return this.answer(checkpointInfoSchema, () =>
      this.api.variants[':family'][':variant'].checkpoints[':epoch'].$get({ param }, { init: { signal } }),
    );
  }

  /** Every variant of a family with its state, settings and metrics (the Reports page's table). */
  report(family: string, signal?: AbortSignal) {
    return this.answer(reportResponseSchema, () =>
      this.api.reports[':family'].$get({ param: { family: segment(family) } }, { init: { signal } }),
    );
  }

  /** Some variants' curves, downsampled on the server for a plot `width` pixels wide. */
  /** Curves thinned for a plot `width` pixels wide, or every point (`full`, for a download). */
  reportCurves(family: string, variants: readonly string[], series: readonly CurveSeriesId[], width: CurveWidth, signal?: AbortSignal) {
    const request = {
      param: { family: segment(family) },
      query: { variants: variants.join(','), series: series.join(','), width: width === 'full' ? width : String(Math.round(width)) },
    };
    return this.answer(curvesResponseSchema, () => this.api.reports[':family'].curves.$get(request, { init: { signal } }));
  }

  jobs(filter: { kind?: JobKind; state?: JobState; family?: string; variant?: string } = {}) {
    // An empty filter value means no filter, not an empty name.
    const query = {
      kind: filter.kind || undefined,
      state: filter.state || undefined,
      family: filter.family || undefined,
      variant: filter.variant || undefined,
    };
    return this.answer(jobsResponseSchema, () => this.api.jobs.$get({ query }));
  }

  job(id: string, signal?: AbortSignal) {
    return this.answer(jobRecordSchema, () => this.api.jobs[':id'].$get({ param: { id: segment(id) } }, { init: { signal } }));
  }

  submitJob(request: JobRequestInput) {
    return this.answer(jobRecordSchema, () => this.api.jobs.$post({ json: request }));
  }

  cancelJob(id: string) {
    return this.answer(jobRecordSchema, () => this.api.jobs[':id'].cancel.$post({ param: { id: segment(id) } }));
  }

  /** Resumes an ended training from its latest checkpoint. */
  resumeJob(id: string) {
    return this.answer(jobRecordSchema, () => this.api.jobs[':id'].resume.$post({ param: { id: segment(id) } }));
  }

  /** Runs an ended job again (training resumes when it can). */
  retryJob(id: string) {
    return this.answer(jobRecordSchema, () => this.api.jobs[':id'].retry.$post({ param: { id: segment(id) } }));
  }

  /** Deletes a variant's folder (refused while a job is queued or running on it). */
  deleteVariant(family: string, variant: string) {
    return this.answer(variantDeletedSchema, () =>
      this.api.variants[':family'][':variant'].$delete({ param: variantParam(family, variant) }),
    );
  }

  sweeps() {
    return this.answer(sweepsResponseSchema, () => this.api.sweeps.$get());
  }

  startSweep(request: SweepRequestInput) {
    return this.answer(sweepRecordSchema, () => this.api.sweeps.$post({ json: request }));
  }

  cancelSweep(id: string) {
    return this.answer(sweepRecordSchema, () => this.api.sweeps[':id'].cancel.$post({ param: { id: segment(id) } }));
  }

  /** The server-sent-event stream of one sweep (snapshot, update…, done). */
  sweepEvents(id: string): EventSource {
    return new EventSource(`${this.origin}${this.api.sweeps[':id'].events.$path({ param: { id: segment(id) } })}`);
  }

  /** The URL of one job's server-sent-event stream (snapshot, progress…, done|failed|cancelled). */
  jobEventsUrl(id: string): string {
    return `${this.origin}${this.api.jobs[':id'].events.$path({ param: { id: segment(id) } })}`;
  }

  /** The server-sent-event stream of one job; JobWatcher parses its events. */
  jobEvents(id: string): EventSource {
    return new EventSource(this.jobEventsUrl(id));
  }

  /** The answer of one request, checked against `schema`. */
  private async answer<Schema extends z.ZodType>(schema: Schema, send: () => Promise<Response>): Promise<z.output<Schema>> {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiRequestError(0, `cannot reach the workbench server (${(error as Error).message})`);
    }
    // An abort while the body downloads must stay an abort: read as "no body", it became a null result.
    const body = (await response.json().catch((error: Error) => {
      if (error.name === 'AbortError') throw error;
      return undefined;
    })) as unknown;
    if (!response.ok) {
      const error = apiErrorBodySchema.safeParse(body).data?.error;
      throw new ApiRequestError(response.status, error?.message ?? `HTTP ${response.status}`, error?.fields);
    }
    if (body === undefined) throw new ApiRequestError(response.status, `the server's answer to ${apiPath(response.url)} is not JSON`);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error);
      const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
      throw new ApiRequestError(
        response.status,
        `the server's answer to ${apiPath(response.url)} does not match the API: ${summarizeFieldErrors(problems.slice(0, SHOWN_PROBLEMS))}${more}`,
      );
    }
    return parsed.data;
  }
}

function variantParam(family: string, variant: string) {
  return { family: segment(family), variant: segment(variant) };
}

/** "http://host/api/jobs/x?y" → "/jobs/x?y", the path as the API's documentation names it. */
function apiPath(url: string): string {
  if (!URL.canParse(url)) return url || 'a request';
  const { pathname, search } = new URL(url);
  return `${pathname.replace(/^.*?\/api(?=\/)/, '')}${search}`;
}
