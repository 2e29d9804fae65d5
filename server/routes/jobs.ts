/**
 * Jobs: POST /api/jobs (train | analyze) → 202 queued, GET /api/jobs, GET /api/jobs/:id,
 * POST /api/jobs/:id/cancel | resume | retry, GET /api/jobs/:id/events (SSE: snapshot, update…,
 * progress…, done|failed|cancelled). The runner does the work and refuses in domain errors, which
 * app.onError maps to statuses; this file speaks HTTP only.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  analyzeJobSchema,
  jobEnvelopeSchema,
  jobIdParamsSchema,
  jobListQuerySchema,
  jobRecordSchema,
  jobRequestSchema,
  jobStreamEventSchema,
  jobsResponseSchema,
  trainJobSchema,
  type JobRequest,
} from '../../shared/jobs.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';
import { forwardEvents } from '../http/sse.ts';
import { admitJob } from '../jobs/admission.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { Registry } from '../registry/registry.ts';
import { jobEventExamples } from './job-event-examples.ts';

const submitJob = createRoute({
  method: 'post',
  operationId: 'submitJob',
  path: '/',
  tags: ['jobs'],
  summary: 'Queue a training or analysis job',
  description:
    'The job joins the queue and starts when a slot frees (at most WORKBENCH_MAX_JOBS run at once in the server, or as many as the workers take with Redis). ' +
    'A variant has at most one queued or running job. Training over a variant that has files needs `overwrite: true`; `resume: true` continues an ' +
    'interrupted run from its latest checkpoint, and `continue_to` extends a completed one. Only a trained or analyzed variant can be analyzed. ' +
    'Follow the job on GET /api/jobs/{id}/events.',
  request: { body: { required: true, content: { 'application/json': { schema: jobRequestSchema } } } },
  responses: {
    202: json(jobRecordSchema, 'Admitted: the new record, state `queued` with its `queuePosition` (or already `running`).'),
    ...errorResponses([400, 404, 409, 413, 415], {
      404: 'Unknown family, or (analyze) unknown variant.',
      409: 'The variant has a queued or running job, it exists and `overwrite` is not true, it has no interrupted run (`resume`) or no completed one (`continue_to`), or (analyze) it has not finished training.',
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
  summary: 'Cancel a queued job, or ask a running one to stop',
  description:
    'A queued job is cancelled at once. A running one stops between epochs (training, which keeps its latest checkpoint to resume from) or checkpoints (analysis); its event stream then ends with `cancelled`.',
  request: { params: jobIdParamsSchema },
  responses: {
    202: json(jobRecordSchema, 'The record: `cancelled`, or still `running` with the message "Cancelling...".'),
    ...errorResponses([400, 404, 409], { 404: 'No such job.', 409: 'The job is not queued or running.' }),
  },
});

const resumeJob = createRoute({
  method: 'post',
  operationId: 'resumeJob',
  path: '/{id}/resume',
  tags: ['jobs'],
  summary: 'Resume an interrupted, failed or cancelled training from its latest checkpoint',
  description:
    'The same job joins the queue again and continues from the checkpoint its run saved last, with the optimizer state saved there: ' +
    'the finished run is bitwise what an uninterrupted one gives with the same backend and thread count.',
  request: { params: jobIdParamsSchema },
  responses: {
    202: json(jobRecordSchema, 'The record, `queued` again.'),
    ...errorResponses([400, 404, 409], {
      404: 'No such job.',
      409: 'The job is not a failed, cancelled or interrupted training, its variant has no checkpoint, or another job holds the variant.',
    }),
  },
});

const retryJob = createRoute({
  method: 'post',
  operationId: 'retryJob',
  path: '/{id}/retry',
  tags: ['jobs'],
  summary: 'Run a failed, cancelled or interrupted job again',
  description:
    'Training resumes from its latest checkpoint when it saved one, and starts over otherwise; analysis keeps the results it wrote.',
  request: { params: jobIdParamsSchema },
  responses: {
    202: json(jobRecordSchema, 'The record, `queued` again.'),
    ...errorResponses([400, 404, 409], { 404: 'No such job.', 409: 'The job has not ended in failure, or another job holds the variant.' }),
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
    '* `update`: the full `JobRecord` when its state or place in the queue changes;\n' +
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

  const routes = routeGroup();
  routes.use(async (_, next) => {
    await runner.ready;
    await next();
  });
  return routes
    .openapi(
      submitJob,
      async (c) => {
        const { family, request } = await checkRequest(c.req.valid('json'));
        return c.json(await admitJob(runner, registry, family, request), 202);
      },
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
    .openapi(getJob, (c) => c.json(runner.require(c.req.valid('param').id), 200))
    .openapi(cancelJob, async (c) => c.json(await runner.cancel(c.req.valid('param').id), 202))
    .openapi(resumeJob, async (c) => c.json(await runner.rerun(c.req.valid('param').id, { mustResume: true }), 202))
    .openapi(retryJob, async (c) => c.json(await runner.rerun(c.req.valid('param').id), 202))
    .openapi(followJob, (c) => {
      const { id } = c.req.valid('param');
      runner.require(id);
      return forwardEvents(c, (signal) => runner.events(id, signal));
    });
}
