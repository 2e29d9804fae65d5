/**
 * Sweeps: POST /api/sweeps → 202 (its training jobs queued), GET /api/sweeps, GET /api/sweeps/:id,
 * POST /api/sweeps/:id/cancel, GET /api/sweeps/:id/events (SSE: snapshot, update…, done).
 */
import { createRoute } from '@hono/zod-openapi';
import {
  MAX_SWEEP_VARIANTS,
  checkSweep,
  sweepIdParamsSchema,
  sweepRecordSchema,
  sweepRequestSchema,
  sweepStreamEventSchema,
  sweepsResponseSchema,
} from '../../shared/sweeps.ts';
import { summarizeFieldErrors } from '../../shared/validation.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';
import { forwardEvents } from '../http/sse.ts';
import type { SweepRunner } from '../jobs/sweep-runner.ts';
import type { Registry } from '../registry/registry.ts';

const startSweep = createRoute({
  method: 'post',
  operationId: 'startSweep',
  path: '/',
  tags: ['sweeps'],
  summary: 'Train a grid of variants',
  description:
    `Queues one training job per variant of the grid (at most ${MAX_SWEEP_VARIANTS}), each analysed when it ends if \`analyze\` is true. ` +
    'Variants that exist are skipped unless `overwrite` is true (with `analyze`, a trained one that is not analysed gets its analysis); ' +
    'variants another job holds are skipped. Follow it on GET /api/sweeps/{id}/events.',
  request: { body: { required: true, content: { 'application/json': { schema: sweepRequestSchema } } } },
  responses: {
    202: json(sweepRecordSchema, 'The sweep, its jobs queued.'),
    ...errorResponses([400, 404, 413, 415], { 404: 'Unknown family.' }),
  },
});

const listSweeps = createRoute({
  method: 'get',
  operationId: 'listSweeps',
  path: '/',
  tags: ['sweeps'],
  summary: 'Sweeps, newest first',
  responses: { 200: json(sweepsResponseSchema, 'Every sweep with the states of its variants.'), ...errorResponses([]) },
});

const getSweep = createRoute({
  method: 'get',
  operationId: 'getSweep',
  path: '/{id}',
  tags: ['sweeps'],
  summary: "A sweep's record",
  request: { params: sweepIdParamsSchema },
  responses: { 200: json(sweepRecordSchema, 'The sweep as of now.'), ...errorResponses([400, 404], { 404: 'No such sweep.' }) },
});

const cancelSweep = createRoute({
  method: 'post',
  operationId: 'cancelSweep',
  path: '/{id}/cancel',
  tags: ['sweeps'],
  summary: 'Cancel every queued or running job of a sweep',
  request: { params: sweepIdParamsSchema },
  responses: { 202: json(sweepRecordSchema, 'The sweep, `cancelled` once its running jobs have stopped.'), ...errorResponses([400, 404]) },
});

const followSweep = createRoute({
  method: 'get',
  operationId: 'followSweep',
  path: '/{id}/events',
  tags: ['sweeps'],
  summary: "Follow a sweep's progress (server-sent events)",
  description:
    'A `text/event-stream`: `snapshot` (the `SweepRecord`, id 0), then `update` with the record whenever one of its jobs changes state and every second while it runs, and `done` when no job of it is queued or running; the stream then ends.',
  request: { params: sweepIdParamsSchema },
  responses: {
    200: { description: 'The event stream.', content: { 'text/event-stream': { schema: sweepStreamEventSchema } } },
    ...errorResponses([400, 404], { 404: 'No such sweep.' }),
  },
});

export function sweepRoutes(registry: Registry, sweeps: SweepRunner) {
  const routes = routeGroup();
  routes.use(async (_, next) => {
    await sweeps.ready;
    await next();
  });
  return routes
    .openapi(startSweep, async (c) => {
      const request = c.req.valid('json');
      const family = await registry.family(request.family);
      if (!family) throw new ApiError(404, `unknown family "${request.family}"`);
      const checked = checkSweep(family, request);
      if ('errors' in checked) throw new ApiError(400, `invalid sweep: ${summarizeFieldErrors(checked.errors)}`, checked.errors);
      return c.json(await sweeps.create(family, request, checked.points), 202);
    })
    .openapi(listSweeps, (c) => c.json({ sweeps: sweeps.list() }, 200))
    .openapi(getSweep, (c) => c.json(sweeps.require(c.req.valid('param').id), 200))
    .openapi(cancelSweep, async (c) => c.json(await sweeps.cancel(c.req.valid('param').id), 202))
    .openapi(followSweep, (c) => {
      const { id } = c.req.valid('param');
      sweeps.require(id);
      return forwardEvents(c, (signal) => sweeps.events(id, signal));
    });
}
