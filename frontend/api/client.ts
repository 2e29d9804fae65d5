/** The browser's typed client for the workbench API. One instance is shared through @lit/context. */
import type { ApiErrorBody, FamiliesResponse, VariantsResponse, VersionInfo } from '../../shared/api.ts';
import {
  decodeFloat32Payload,
  type AnalysisStatus,
  type AttentionSliceResponse,
  type CrossEpochResponse,
  type Decoded,
  type EpochArtifactResponse,
  type NeuronGridResponse,
  type SummaryResponse,
  type VariantDetail,
} from '../../shared/artifacts.ts';
import type { JobKind, JobRecord, JobRequest, JobState, JobsResponse } from '../../shared/jobs.ts';
import type { FieldError } from '../../shared/validation.ts';

/** A non-2xx answer, carrying the server's message and field errors. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export class ApiClient {
  /** `baseUrl` is the server origin ('' for the same origin), e.g. "http://127.0.0.1:8787". */
  constructor(readonly baseUrl = '') {}

  url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}/api${path}`;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { signal });
  }

  async post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }

  version(): Promise<VersionInfo> {
    return this.get('/version');
  }

  families(): Promise<FamiliesResponse> {
    return this.get('/families');
  }

  variants(family: string): Promise<VariantsResponse> {
    return this.get(`/families/${encodeURIComponent(family)}/variants`);
  }

  /** Per analyzer of the family, which epochs of this variant are done. */
  analysisStatus(family: string, variant: string): Promise<AnalysisStatus> {
    return this.get(`${variantPath(family, variant)}/status`);
  }

  /** A variant's config, losses, checkpoints, analyzed epochs and analyzer status. */
  variantDetail(family: string, variant: string, signal?: AbortSignal): Promise<VariantDetail> {
    return this.get(variantPath(family, variant), signal);
  }

  /** One analyzer's result file at one epoch. */
  epochArtifact(family: string, variant: string, analyzer: string, epoch: number, signal?: AbortSignal): Promise<EpochArtifactResponse> {
    return this.get(`${variantPath(family, variant)}/artifacts/${encodeURIComponent(analyzer)}/epochs/${epoch}`, signal);
  }

  summary(family: string, variant: string, analyzer: string, signal?: AbortSignal): Promise<SummaryResponse> {
    return this.get(`${variantPath(family, variant)}/summaries/${encodeURIComponent(analyzer)}`, signal);
  }

  crossEpoch(family: string, variant: string, analyzer: string, signal?: AbortSignal): Promise<CrossEpochResponse> {
    return this.get(`${variantPath(family, variant)}/cross-epoch/${encodeURIComponent(analyzer)}`, signal);
  }

  /** One neuron's activation grid at one epoch, recomputed from the checkpoint. */
  async neuronGrid(family: string, variant: string, neuron: number, epoch: number, signal?: AbortSignal): Promise<Decoded<NeuronGridResponse>> {
    const response = await this.get<NeuronGridResponse>(`${variantPath(family, variant)}/neurons/${neuron}/epochs/${epoch}`, signal);
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
    const response = await this.get<AttentionSliceResponse>(`${variantPath(family, variant)}/attention/${epoch}?query=${query}&key=${key}`, signal);
    return { ...response, patterns: decodeFloat32Payload(response.patterns) };
  }

  jobs(filter: { kind?: JobKind; state?: JobState; family?: string; variant?: string } = {}): Promise<JobsResponse> {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])));
    return this.get(`/jobs${query.size ? `?${query}` : ''}`);
  }

  submitJob(request: JobRequest): Promise<JobRecord> {
    return this.post('/jobs', request);
  }

  cancelJob(id: string): Promise<JobRecord> {
    return this.post(`/jobs/${encodeURIComponent(id)}/cancel`, {});
  }

  /** The server-sent-event stream of one job (snapshot, progress…, done|failed|cancelled). */
  jobEvents(id: string): EventSource {
    return new EventSource(this.url(`/jobs/${encodeURIComponent(id)}/events`));
  }

  private async request<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url(path), init);
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
      const error = (body as ApiErrorBody | undefined)?.error;
      throw new ApiRequestError(response.status, error?.message ?? `HTTP ${response.status}`, error?.fields);
    }
    if (body === undefined) throw new ApiRequestError(response.status, `the server's answer to ${path} is not JSON`);
    return body as T;
  }
}

function variantPath(family: string, variant: string): string {
  return `/variants/${encodeURIComponent(family)}/${encodeURIComponent(variant)}`;
}
