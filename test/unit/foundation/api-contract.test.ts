/**
 * The API contract: GET /api/openapi.json is a well-formed OpenAPI 3.1 document, and every route
 * in it, called on a real workbench (a p = 11 variant trained for 60 epochs and analyzed by real
 * job processes), answers what it declares: a status it lists, and a body its schema for that
 * status accepts with no undeclared fields. The routes come from the document, so a new route
 * without calls here fails the test instead of going unchecked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ZodType } from 'zod';
import type { FamiliesResponse, VariantsResponse } from '../../../shared/api.ts';
import { jobStreamEventSchema, type JobRecord } from '../../../shared/jobs.ts';
import type { SweepRecord } from '../../../shared/sweeps.ts';
import { API_TITLE } from '../../../server/api.ts';
import { createApp } from '../../../server/app.ts';
import { APP_VERSION } from '../../../version.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';
import { readSse } from '../../helpers/sse.ts';

const FAMILY = 'modulo_addition_1layer';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
/** One answer of a documented operation (`GET /api/jobs/{id}`): a JSON body, or the events of a stream. */
interface Answer {
  operation: string;
  path: string;
  status: number;
  contentType: string;
  body?: unknown;
  events?: unknown[];
}

let wb: TempWorkbench;
let workbench: ReturnType<typeof createApp>;
const answers: Answer[] = [];
let trained: JobRecord;
let analyzed: JobRecord;
let cancelled: JobRecord;
/** A second variant, trained to be deleted. */
let spare: JobRecord;
/** A training cancelled while queued (it never started), to be retried. */
let neverStarted: JobRecord;
let sweep: SweepRecord;
let analyzers: string[];
let crossEpochAnalyzers: string[];

/** Calls the app as `operation` and keeps the answer; an event stream is read to its end. */
async function call(operation: string, path: string, init?: RequestInit): Promise<Answer> {
  const response = await workbench.app.request(path, init);
  const contentType = response.headers.get('content-type') ?? '';
  const answer: Answer = { operation, path, status: response.status, contentType };
  if (contentType.startsWith('text/event-stream'))
    answer.events = (await readSse(response)).map(({ event, id, data }) => ({ event, id, data }));
  else answer.body = await response.json();
  answers.push(answer);
  return answer;
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Submits a job, then follows its events to the end; returns the final record. */
async function runJob(body: unknown): Promise<JobRecord> {
  const submitted = await call('POST /api/jobs', '/api/jobs', postJson(body));
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const { events } = await call('GET /api/jobs/{id}/events', `/api/jobs/${(submitted.body as JobRecord).id}/events`);
  return (events!.at(-1) as { data: JobRecord }).data;
}

beforeAll(async () => {
  wb = await makeTempWorkbench();
  workbench = createApp({ paths: wb, maxConcurrentJobs: 2 });
  vi.spyOn(console, 'error').mockImplementation(() => {});
  trained = await runJob({
    kind: 'train',
    family: FAMILY,
    params: { prime: 11, seed: 1 },
    training: { num_epochs: 60, checkpoint_epochs: [0, 30] },
  });
  analyzed = await runJob({ kind: 'analyze', family: FAMILY, variant: trained.variant });
  spare = await runJob({ kind: 'train', family: FAMILY, params: { prime: 11, seed: 4 }, training: { num_epochs: 10 } });
  expect([trained.state, analyzed.state, spare.state]).toEqual(['succeeded', 'succeeded', 'succeeded']);
  // A sweep of variants that all exist: it queues nothing and is done at once.
  sweep = (await (
    await workbench.app.request('/api/sweeps', postJson({ family: FAMILY, params: { prime: [11], seed: [1, 4] } }))
  ).json()) as SweepRecord;

  // A job cancelled while it runs, for the cancel route's 202.
  const long = await call(
    'POST /api/jobs',
    '/api/jobs',
    postJson({ kind: 'train', family: FAMILY, params: { prime: 11, seed: 2 }, training: { num_epochs: 50_000, checkpoint_epochs: [0] } }),
  );
  const { id } = long.body as JobRecord;
  await vi.waitFor(async () => {
    const { variants } = (await (await workbench.app.request(`/api/families/${FAMILY}/variants`)).json()) as VariantsResponse;
    expect(variants.find((v) => v.params.seed === 2)?.checkpointEpochs).toEqual([0]);
  }, 20_000);
  // Behind two running jobs, this one waits in the queue, and is cancelled there.
  const blocker = await workbench.app.request(
    '/api/jobs',
    postJson({ kind: 'train', family: FAMILY, params: { prime: 11, seed: 5 }, training: { num_epochs: 50_000 } }),
  );
  const queued = await call(
    'POST /api/jobs',
    '/api/jobs',
    postJson({ kind: 'train', family: FAMILY, params: { prime: 11, seed: 3 }, training: { num_epochs: 50_000 } }),
  );
  expect((queued.body as JobRecord).state).toBe('queued');
  neverStarted = (await call('POST /api/jobs/{id}/cancel', `/api/jobs/${(queued.body as JobRecord).id}/cancel`, { method: 'POST' }))
    .body as JobRecord;
  expect(neverStarted.state).toBe('cancelled');
  await workbench.app.request(`/api/jobs/${((await blocker.json()) as JobRecord).id}/cancel`, { method: 'POST' });
  expect((await call('POST /api/jobs/{id}/cancel', `/api/jobs/${id}/cancel`, { method: 'POST' })).status).toBe(202);
  const { events } = await call('GET /api/jobs/{id}/events', `/api/jobs/${id}/events`);
  cancelled = (events!.at(-1) as { data: JobRecord }).data;
  expect(cancelled.state).toBe('cancelled');

  const { families } = (await (await workbench.app.request('/api/families')).json()) as FamiliesResponse;
  const family = families.find((f) => f.name === FAMILY)!;
  [analyzers, crossEpochAnalyzers] = [family.analyzers, family.cross_epoch_analyzers];
}, 180_000);

afterAll(async () => {
  await workbench.jobs.close();
  vi.restoreAllMocks();
  await wb.cleanup();
});

/** The calls of every documented operation, good and bad. */
function calls(): Record<string, [path: string, init?: RequestInit][]> {
  const variant = `/api/variants/${FAMILY}/${trained.variant}`;
  const epoch = 30;
  return {
    'GET /api/version': [['/api/version'], ['/api/version', { headers: { host: 'evil.example' } }]],
    'GET /api/families': [['/api/families']],
    'GET /api/families/{family}/variants': [
      [`/api/families/${FAMILY}/variants`],
      ['/api/families/no_such_family/variants'],
      ['/api/families/.hidden/variants'],
    ],
    'POST /api/jobs': [
      ['/api/jobs', postJson({ kind: 'bake', family: FAMILY })],
      ['/api/jobs', postJson({ kind: 'train', family: FAMILY, params: { prime: 12, seed: 1 } })],
      ['/api/jobs', postJson({ kind: 'train', family: 'no_such_family', params: {} })],
      ['/api/jobs', postJson({ kind: 'train', family: FAMILY, params: { prime: 11, seed: 1 } })],
      [
        '/api/jobs',
        postJson({ kind: 'train', family: FAMILY, params: { prime: 11, seed: 1 }, init_from: { variant: trained.variant, epoch: 7 } }),
      ],
      ['/api/jobs', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'train please' }],
      ['/api/jobs', postJson({ kind: 'train', family: FAMILY, padding: 'x'.repeat(300 * 1024) })],
    ],
    'GET /api/jobs': [['/api/jobs'], ['/api/jobs?kind=train&state=succeeded'], ['/api/jobs?state=bogus']],
    'GET /api/jobs/{id}': [
      [`/api/jobs/${trained.id}`],
      [`/api/jobs/${analyzed.id}`],
      ['/api/jobs/20260101000000-deadbeef'],
      ['/api/jobs/..%2Fx'],
    ],
    'POST /api/jobs/{id}/cancel': [
      [`/api/jobs/${trained.id}/cancel`, { method: 'POST' }],
      ['/api/jobs/20260101000000-deadbeef/cancel', { method: 'POST' }],
    ],
    'GET /api/jobs/{id}/events': [[`/api/jobs/${trained.id}/events`], ['/api/jobs/20260101000000-deadbeef/events']],
    // Resumed from its checkpoint, then cancelled again by the next call; retried, then cancelled.
    'POST /api/jobs/{id}/resume': [
      [`/api/jobs/${cancelled.id}/resume`, { method: 'POST' }],
      [`/api/jobs/${neverStarted.id}/resume`, { method: 'POST' }],
      [`/api/jobs/${trained.id}/resume`, { method: 'POST' }],
      ['/api/jobs/20260101000000-deadbeef/resume', { method: 'POST' }],
    ],
    'POST /api/jobs/{id}/retry': [
      [`/api/jobs/${neverStarted.id}/retry`, { method: 'POST' }],
      [`/api/jobs/${analyzed.id}/retry`, { method: 'POST' }],
      ['/api/jobs/x/retry', { method: 'POST' }],
    ],
    'POST /api/sweeps': [
      ['/api/sweeps', postJson({ family: FAMILY, params: { prime: [11], seed: [1] } })],
      ['/api/sweeps', postJson({ family: FAMILY, params: { prime: [12], seed: [1] } })],
      ['/api/sweeps', postJson({ family: 'no_such_family', params: {} })],
      ['/api/sweeps', postJson({ family: FAMILY })],
    ],
    'GET /api/sweeps': [['/api/sweeps']],
    'GET /api/sweeps/{id}': [[`/api/sweeps/${sweep.id}`], ['/api/sweeps/20260101000000-deadbeef'], ['/api/sweeps/..']],
    'POST /api/sweeps/{id}/cancel': [
      [`/api/sweeps/${sweep.id}/cancel`, { method: 'POST' }],
      ['/api/sweeps/20260101000000-deadbeef/cancel', { method: 'POST' }],
    ],
    'GET /api/sweeps/{id}/events': [[`/api/sweeps/${sweep.id}/events`], ['/api/sweeps/20260101000000-deadbeef/events']],
    'GET /api/variants/{family}/{variant}': [
      [variant],
      [`/api/variants/${FAMILY}/modulo_addition_1layer_p13_seed1`],
      ['/api/variants/a%2Fb/x'],
    ],
    'GET /api/variants/{family}/{variant}/status': [[`${variant}/status`], ['/api/variants/no_such_family/x/status']],
    'GET /api/variants/{family}/{variant}/artifacts/{analyzer}/epochs/{epoch}': [
      ...analyzers.map((analyzer): [string] => [`${variant}/artifacts/${analyzer}/epochs/${epoch}`]),
      [`${variant}/artifacts/no_such_analyzer/epochs/0`],
      [`${variant}/artifacts/dominant_frequencies/epochs/5`],
      [`${variant}/artifacts/dominant_frequencies/epochs/-1`],
    ],
    'GET /api/variants/{family}/{variant}/summaries/{analyzer}': analyzers.map((analyzer) => [`${variant}/summaries/${analyzer}`]),
    'GET /api/variants/{family}/{variant}/cross-epoch/{analyzer}': [
      ...crossEpochAnalyzers.map((analyzer): [string] => [`${variant}/cross-epoch/${analyzer}`]),
      [`${variant}/cross-epoch/attention_freq`],
    ],
    'GET /api/variants/{family}/{variant}/neurons/{neuron}/epochs/{epoch}': [
      [`${variant}/neurons/7/epochs/${epoch}`],
      [`${variant}/neurons/512/epochs/0`],
      [`${variant}/neurons/7/epochs/7`],
    ],
    'GET /api/variants/{family}/{variant}/attention/{epoch}': [
      [`${variant}/attention/${epoch}`],
      [`${variant}/attention/${epoch}?query=2&key=1`],
      [`${variant}/attention/${epoch}?query=3`],
      [`${variant}/attention/7`],
    ],
    'GET /api/variants/{family}/{variant}/checkpoints/{epoch}': [
      [`${variant}/checkpoints/${epoch}`],
      [`${variant}/checkpoints/7`],
      [`${variant}/checkpoints/-1`],
    ],
    'GET /api/reports/{family}': [[`/api/reports/${FAMILY}`], ['/api/reports/no_such_family'], ['/api/reports/.hidden']],
    'GET /api/reports/{family}/curves': [
      [`/api/reports/${FAMILY}/curves?variants=${trained.variant}&width=200`],
      [`/api/reports/${FAMILY}/curves?variants=${trained.variant}&series=test_loss,velocity`],
      [`/api/reports/${FAMILY}/curves?variants=${FAMILY}_p13_seed1`],
      [`/api/reports/${FAMILY}/curves?variants=${trained.variant}&width=3`],
    ],
    'DELETE /api/variants/{family}/{variant}': [
      [`/api/variants/${FAMILY}/${spare.variant}`, { method: 'DELETE' }],
      [`/api/variants/${FAMILY}/${cancelled.variant}`, { method: 'DELETE' }],
      [`/api/variants/${FAMILY}/${spare.variant}`, { method: 'DELETE' }],
    ],
    'GET /api/openapi.json': [['/api/openapi.json']],
  };
}

async function openApiDocument(): Promise<Json> {
  const response = await workbench.app.request('/api/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

/** Every operation of the document, as `GET /api/jobs/{id}`. */
function operations(document: Json): [name: string, operation: Operation][] {
  return Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

/** The zod schemas the routes declare, by operation, status and media type. */
function declaredSchemas(): Map<string, ZodType> {
  const schemas = new Map<string, ZodType>();
  for (const definition of workbench.api.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { method, path, responses } = definition.route;
    for (const [status, response] of Object.entries(responses)) {
      for (const [mediaType, media] of Object.entries((response as { content?: Record<string, { schema?: ZodType }> }).content ?? {})) {
        if (media.schema) schemas.set(`${method.toUpperCase()} /api${path} ${status} ${mediaType}`, media.schema);
      }
    }
  }
  return schemas;
}

/** Every `$ref` anywhere in a value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refs(inner)));
}

describe('GET /api/openapi.json', () => {
  it('is a well-formed OpenAPI 3.1 document of the API', async () => {
    const document = await openApiDocument();
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: API_TITLE, version: APP_VERSION } });
    const ops = operations(document);
    expect(ops.length).toBeGreaterThanOrEqual(16);
    const ids = ops.map(([, operation]) => operation.operationId);
    expect(new Set(ids).size, 'unique operationIds').toBe(ops.length);

    for (const [name, operation] of ops) {
      const path = name.split(' ')[1]!;
      expect(path, name).toMatch(/^\/api\//);
      // Path templates and path parameters agree, and every path parameter is required.
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), name).toEqual(templated);
      expect(
        declared.every((p) => p.required),
        name,
      ).toBe(true);
      // Responses: at least one success, every one described, with a schema for each media type.
      const statuses = Object.keys(operation.responses ?? {});
      expect(
        statuses.some((status) => status.startsWith('2')),
        `${name} has a 2xx response`,
      ).toBe(true);
      for (const [status, response] of Object.entries(operation.responses!)) {
        expect(response.description, `${name} ${status}`).toBeTruthy();
        expect(Object.keys(response.content ?? {}), `${name} ${status}`).not.toEqual([]);
        for (const [mediaType, media] of Object.entries(response.content!)) {
          expect(['application/json', 'text/event-stream'], `${name} ${status}`).toContain(mediaType);
          expect(media.schema, `${name} ${status} ${mediaType}`).toBeDefined();
        }
        if (!status.startsWith('2'))
          expect(response.content!['application/json']!.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/ApiError' });
      }
    }
    // Every reference resolves.
    const schemas = (document.components as { schemas: Json }).schemas;
    for (const ref of new Set(refs(document))) expect(schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
  });

  it('gives examples of every job event, each as the stream sends it and valid for its schema', async () => {
    const document = await openApiDocument();
    const media = (document.paths as Record<string, Record<string, Operation>>)['/api/jobs/{id}/events']!.get!.responses!['200']!.content![
      'text/event-stream'
    ]!;
    const examples = (media as { examples: Record<string, { value: string }> }).examples;
    expect(Object.keys(examples).sort()).toEqual(['cancelled', 'done', 'failed', 'progress', 'snapshot', 'update']);
    for (const [name, example] of Object.entries(examples)) {
      const [event] = await readSse(new Response(example.value));
      expect(event?.event).toBe(name);
      const parsed = jobStreamEventSchema.safeParse(event);
      expect(parsed.error?.issues, name).toBeUndefined();
    }
  });
});

describe('every route', () => {
  it('answers with a declared status and a body valid for its declared schema', { timeout: 120_000 }, async () => {
    const document = await openApiDocument();
    const byName = new Map(operations(document));
    const table = calls();
    expect(Object.keys(table).sort(), 'calls for exactly the documented operations').toEqual([...byName.keys()].sort());
    for (const [operation, requests] of Object.entries(table)) {
      for (const [path, init] of requests) {
        await call(operation, path, init);
        // A job a call started again is stopped, so it holds neither a core nor its variant.
        const started = answers.at(-1)!;
        if (/\/(resume|retry)$/.test(path) && started.status === 202)
          await workbench.app.request(`/api/jobs/${(started.body as JobRecord).id}/cancel`, { method: 'POST' });
      }
    }

    const schemas = declaredSchemas();
    for (const [name, operation] of byName) {
      const mine = answers.filter((answer) => answer.operation === name);
      expect(
        mine.some((answer) => answer.status >= 200 && answer.status < 300),
        `${name} answered a 2xx`,
      ).toBe(true);
      for (const answer of mine) {
        const where = `${answer.path} → ${answer.status}`;
        expect(Object.keys(operation.responses!), `${where}: a declared status`).toContain(String(answer.status));
        const mediaType = answer.contentType.split(';')[0]!.trim();
        const schema = schemas.get(`${name} ${answer.status} ${mediaType}`);
        expect(schema, `${where}: a declared ${mediaType} schema`).toBeDefined();
        for (const body of answer.events ?? [answer.body]) {
          const parsed = schema!.safeParse(body);
          expect(parsed.error?.issues.slice(0, 5), where).toBeUndefined();
          // Parsing drops fields a schema does not declare, so an undeclared field shows here.
          expect(parsed.data, `${where}: no undeclared fields`).toEqual(body);
        }
      }
    }
    // The stream of a live job was seen: progress events, not only a snapshot and an end.
    const events = answers.flatMap((answer) => answer.events ?? []) as { event: string }[];
    expect(new Set(events.map((event) => event.event))).toEqual(new Set(['snapshot', 'progress', 'done', 'cancelled']));
  });
});
