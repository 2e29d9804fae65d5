/**
 * Jobs: POST /api/jobs (train | analyze) → 202, GET /api/jobs, GET /api/jobs/:id,
 * POST /api/jobs/:id/cancel, GET /api/jobs/:id/events (SSE: snapshot, progress…, done|failed|cancelled).
 */
import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import {
  TERMINAL_EVENTS,
  analyzeJobSchema,
  jobEnvelopeSchema,
  jobIdParamsSchema,
  jobListQuerySchema,
  jobRecordSchema,
  jobRequestSchema,
  jobStreamEventSchema,
  jobsResponseSchema,
  trainJobSchema,
  type JobRecord,
  type JobRequest,
} from '../../shared/jobs.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { variantName } from '../../shared/variant-name.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';
import type { JobEvent, JobRunner } from '../jobs/job-runner.ts';
import type { Registry } from '../registry/registry.ts';
import { jobEventExamples } from './job-event-examples.ts';

const HEARTBEAT_MS = 15_000;

const submitJob = createRoute({
  method: 'post',
  operationId: 'submitJob',
  path: '/',
  tags: ['jobs'],
  summary: 'Start a training or analysis job',
  description:
    'Only one job per variant runs at a time, and at most WORKBENCH_MAX_JOBS in all. Training over a variant that has files needs `overwrite: true`; ' +
    'only a trained or analyzed variant can be analyzed. Follow the job on GET /api/jobs/{id}/events.',
  request: { body: { required: true, content: { 'application/json': { schema: jobRequestSchema } } } },
  responses: {
    202: json(jobRecordSchema, 'Admitted and started: the new record, state `running`.'),
    ...errorResponses([400, 404, 409, 413, 415], {
      404: 'Unknown family, or (analyze) unknown variant.',
      409: 'The variant is busy with another job, the job limit is reached, the variant exists and `overwrite` is not true, or (analyze) it has not finished training.',
    }),
  },
});

const listJobs = createRoute({
  method: 'get',
  operationId: 'listJobs',
  path: '/',
  tags: ['jobs'],
  summary: 'Jobs, newest first, optionally filtered',
  request: { query: jobListQuerySchema },
  responses: { 200: json(jobsResponseSchema, 'The matching jobs, newest first.'), ...errorResponses([400]) },
});

const getJob = createRoute({
  method: 'get',
  operationId: 'getJob',
  path: '/{id}',
  tags: ['jobs'],
  summary: "A job's record",
  request: { params: jobIdParamsSchema },
  responses: { 200: json(jobRecordSchema, 'The record as of now.'), ...errorResponses([400, 404], { 404: 'No such job.' }) },
});

const cancelJob = createRoute({
  method: 'post',
  operationId: 'cancelJob',
  path: '/{id}/cancel',
  tags: ['jobs'],
  summary: 'Ask a running job to stop',
  description: 'The job stops between epochs (training) or checkpoints (analysis); its event stream then ends with `cancelled`.',
  request: { params: jobIdParamsSchema },
  responses: {
    202: json(jobRecordSchema, 'Cancelling: the record, still `running`, message "Cancelling...".'),
    ...errorResponses([400, 404, 409], { 404: 'No such job.', 409: 'The job is not running.' }),
  },
});

const followJob = createRoute({
  method: 'get',
  operationId: 'followJob',
  path: '/{id}/events',
  tags: ['jobs'],
  summary: "Follow a job's progress (server-sent events)",
  description:
    'A `text/event-stream` of `JobStreamEvent`s. Each event has a name, an increasing `id` and JSON `data`:\n\n' +
    '* `snapshot` (id 0): the full `JobRecord`, first on every (re)connection;\n' +
    '* `progress`: a `JobProgressEvent`, at most every 250 ms while the job runs;\n' +
    '* `done`, `failed` or `cancelled`: the final `JobRecord`; the stream then ends (`failed` also covers `interrupted`).\n\n' +
    'A job that is no longer running gets its snapshot and its final event at once. After 15 s without an event the server sends a `: heartbeat` comment.',
  request: { params: jobIdParamsSchema },
  responses: {
    200: {
      description: 'The event stream, until the job ends or the client disconnects.',
      content: {
        'text/event-stream': {
          // OpenAPI 3.1 has no schema for the items of a stream (3.2's itemSchema); this one describes each event.
          schema: jobStreamEventSchema,
          examples: jobEventExamples,
        },
      },
    },
    ...errorResponses([400, 404], { 404: 'No such job.' }),
  },
});

/** 400 `invalid <what>: field: problem; …`, naming the fields. */
function invalid(what: 'job' | 'json', error: z.ZodError): ApiError {
  const fields = fieldErrors(error);
  return new ApiError(400, `invalid ${what}: ${summarizeFieldErrors(fields)}`, fields);
}

function parseOr400<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid('job', parsed.error);
  return parsed.data;
}

export function jobRoutes(registry: Registry, runner: JobRunner) {
  /**
   * A job request checked against its family (404 for an unknown one): the messages the pages
   * show for the same input, since they parse with the same family schemas.
   */
  async function checkRequest(body: unknown) {
    const envelope = parseOr400(jobEnvelopeSchema, body);
    const family = await registry.family(envelope.family);
    if (!family) throw new ApiError(404, `unknown family "${envelope.family}"`);
    const request: JobRequest =
      envelope.kind === 'train' ? parseOr400(trainJobSchema(family), body) : parseOr400(analyzeJobSchema(family), body);
    return { family, request };
  }

  /**
   * Checks a job request and starts it. The variant and a job slot are reserved synchronously
   * before any await on the variant's state, so concurrent requests cannot both pass the checks.
   */
  async function admitAndStart(body: unknown): Promise<JobRecord> {
    const { family, request } = await checkRequest(body);
    const variant = request.kind === 'train' ? variantName(family, request.params) : request.variant;

    const admission = runner.reserve(family.name, variant, request.kind);
    try {
      const existing = await registry.variant(family, variant);
      if (request.kind === 'train') {
        if (existing && existing.state !== 'untrained' && !request.overwrite) {
          throw new ApiError(409, `variant ${variant} already exists (${existing.state}); confirm overwrite to replace it`);
        }
      } else {
        if (!existing) throw new ApiError(404, `unknown variant "${variant}" of family ${family.name}`);
        if (existing.state !== 'trained' && existing.state !== 'analyzed') {
          throw new ApiError(409, `variant ${variant} cannot be analyzed while it is ${existing.state}; it must finish training first`);
        }
      }
      return await runner.start(admission, request);
    } finally {
      admission.release();
    }
  }

  /**
   * A body that fails the shape every family shares also fails its family's schema, whose messages
   * (the ones the pages show) are the answer. The hook is handed the input even on a failure (see
   * @hono/zod-validator's Hook type).
   */
  async function explainRefusal(body: unknown, error: z.ZodError): Promise<never> {
    // Not an object at all: the plain `invalid json` answer, as for any other route's body.
    const notAnObject = z.looseObject({}).safeParse(body).error;
    if (notAnObject) throw invalid('json', notAnObject);
    await checkRequest(body);
    throw invalid('job', error);
  }

  function recordOr404(id: string): JobRecord {
    const record = runner.get(id);
    if (!record) throw new ApiError(404, `no job ${id}`);
    return record;
  }

  const routes = routeGroup();
  routes.use(async (_, next) => {
    await runner.ready;
    await next();
  });
  return routes
    .openapi(
      submitJob,
      async (c) => c.json(await admitAndStart(c.req.valid('json')), 202),
      (result) => (result.success ? undefined : explainRefusal((result as { data?: unknown }).data, result.error)),
    )
    .openapi(listJobs, (c) => {
      const filter = c.req.valid('query');
      const jobs = runner
        .list()
        .filter(
          (job) =>
            (!filter.kind || job.kind === filter.kind) &&
            (!filter.state || job.state === filter.state) &&
            (!filter.family || job.family === filter.family) &&
            (!filter.variant || job.variant === filter.variant),
        );
      return c.json({ jobs }, 200);
    })
    .openapi(getJob, (c) => c.json(recordOr404(c.req.valid('param').id), 200))
    .openapi(cancelJob, (c) => c.json(runner.cancel(c.req.valid('param').id), 202))
    .openapi(followJob, (c) => {
      const { id } = c.req.valid('param');
      const snapshot = recordOr404(id);
      return streamSSE(c, async (stream) => {
        const queue: JobEvent[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = runner.subscribe(id, (event) => {
          queue.push(event);
          wake?.();
        });
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        // A snapshot first, so a client (re)connecting at any time starts from the full state.
        await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snapshot), id: '0' });
        if (!runner.isRunning(id)) {
          const terminal = snapshot.state === 'succeeded' ? 'done' : snapshot.state === 'cancelled' ? 'cancelled' : 'failed';
          await stream.writeSSE({ event: terminal, data: JSON.stringify(snapshot), id: '1' });
          unsubscribe();
          return;
        }
        while (!stream.aborted) {
          const event = queue.shift();
          if (event) {
            await stream.writeSSE({ event: event.name, data: JSON.stringify(event.data), id: String(event.id) });
            if (TERMINAL_EVENTS.includes(event.name)) break;
            continue;
          }
          // Sleep until the next event or the heartbeat that keeps proxies from closing the stream.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (queue.length === 0 && !stream.aborted) await stream.write(': heartbeat\n\n');
        }
        unsubscribe();
      });
    });
}
