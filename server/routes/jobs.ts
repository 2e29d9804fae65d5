/**
 * Jobs: POST /api/jobs (train | analyze) → 202, GET /api/jobs, GET /api/jobs/:id,
 * POST /api/jobs/:id/cancel, GET /api/jobs/:id/events (SSE: snapshot, progress…, done|failed|cancelled).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { nameSegment } from '../../shared/api.ts';
import {
  JOB_KINDS,
  JOB_STATES,
  TERMINAL_EVENTS,
  analyzeJobSchema,
  jobEnvelopeSchema,
  trainJobSchema,
  type JobRecord,
  type JobRequest,
  type JobsResponse,
} from '../../shared/jobs.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { variantName } from '../../shared/variant-name.ts';
import { ApiError } from '../http/errors.ts';
import { validate } from '../http/validate.ts';
import type { JobEvent, JobRunner } from '../jobs/job-runner.ts';
import type { Registry } from '../registry/registry.ts';

const HEARTBEAT_MS = 15_000;

const jobIdParam = z.object({ id: z.string().regex(/^[0-9a-z-]{1,64}$/, 'is not a job id') });

const listQuery = z.object({
  kind: z.enum(JOB_KINDS).optional(),
  state: z.enum(JOB_STATES).optional(),
  family: nameSegment.optional(),
  variant: nameSegment.optional(),
});

function parseOr400<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    throw new ApiError(400, `invalid job: ${summarizeFieldErrors(fields)}`, fields);
  }
  return parsed.data;
}

export function jobRoutes(registry: Registry, runner: JobRunner) {
  /**
   * Checks a job request and starts it. The variant and a job slot are reserved synchronously
   * before any await on the variant's state, so concurrent requests cannot both pass the checks.
   */
  async function admitAndStart(body: unknown): Promise<JobRecord> {
    const envelope = parseOr400(jobEnvelopeSchema, body);
    const family = await registry.family(envelope.family);
    if (!family) throw new ApiError(404, `unknown family "${envelope.family}"`);
    const request: JobRequest = envelope.kind === 'train' ? parseOr400(trainJobSchema(family), body) : parseOr400(analyzeJobSchema(family), body);
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

  function recordOr404(id: string): JobRecord {
    const record = runner.get(id);
    if (!record) throw new ApiError(404, `no job ${id}`);
    return record;
  }

  return new Hono()
    .use(async (_, next) => {
      await runner.ready;
      await next();
    })
    .post('/', validate('json', z.looseObject({})), async (c) => {
      return c.json(await admitAndStart(c.req.valid('json')), 202);
    })
    .get('/', validate('query', listQuery), (c) => {
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
      return c.json({ jobs } satisfies JobsResponse, 200);
    })
    .get('/:id', validate('param', jobIdParam), (c) => c.json(recordOr404(c.req.valid('param').id), 200))
    .post('/:id/cancel', validate('param', jobIdParam), (c) => c.json(runner.cancel(c.req.valid('param').id), 202))
    .get('/:id/events', validate('param', jobIdParam), (c) => {
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
