/**
 * The JSON API under /api: one sub-app per resource, each route declared with its zod schemas from
 * shared/ (server/http/openapi.ts), and GET /api/openapi.json, the OpenAPI 3.1 document of them all.
 * `ApiApp` is its type: it carries every route, so the browser's client (hono/client) is typed by it.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { APP_VERSION } from '../version.ts';
import type { ProbeProcess } from './analysis/probe-process.ts';
import { errorResponses, json, routeGroup } from './http/openapi.ts';
import type { JobRunner } from './jobs/job-runner.ts';
import type { SweepRunner } from './jobs/sweep-runner.ts';
import type { Registry } from './registry/registry.ts';
import { familyRoutes } from './routes/families.ts';
import { jobRoutes } from './routes/jobs.ts';
import { sweepRoutes } from './routes/sweeps.ts';
import { reportRoutes } from './routes/reports.ts';
import { variantRoutes } from './routes/variants.ts';
import { versionRoutes } from './routes/version.ts';

export const API_TITLE = 'Training Dynamics Workbench API';

const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.looseObject({})),
  })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).' });

const getOpenApiDocument = createRoute({
  method: 'get',
  operationId: 'getOpenApiDocument',
  path: '/openapi.json',
  tags: ['meta'],
  summary: 'This document',
  responses: { 200: json(openApiDocumentSchema, 'The OpenAPI 3.1 document of every route under /api.'), ...errorResponses([]) },
});

export function apiRoutes(registry: Registry, jobs: JobRunner, sweeps: SweepRunner, probes: ProbeProcess) {
  // The base path is part of the app, so the document and the client's types name the full paths (/api/…).
  const api = routeGroup()
    .basePath('/api')
    .route('/version', versionRoutes())
    .route('/families', familyRoutes(registry))
    .route('/jobs', jobRoutes(registry, jobs))
    .route('/sweeps', sweepRoutes(registry, sweeps))
    .route('/variants', variantRoutes(registry, jobs, probes))
    .route('/reports', reportRoutes(registry));
  // Made on first request, once every route is declared; the routes never change after that.
  let document: z.infer<typeof openApiDocumentSchema> | undefined;
  return api.openapi(getOpenApiDocument, (c) => {
    document ??= openApiDocumentSchema.parse(
      api.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: API_TITLE,
          version: APP_VERSION,
          description:
            'Train small transformers on modular arithmetic ((a + b) or (a − b) mod p, as each family declares), analyze their checkpoints, and read the results. ' +
            'JSON in and out; every non-2xx answer is `{error: {status, message, fields?}}`.',
        },
        tags: [
          { name: 'families', description: 'Model families (family.json) and their variants' },
          { name: 'jobs', description: 'Training and analysis jobs: the queue, their progress, resume and retry' },
          { name: 'sweeps', description: 'Grids of variants trained (and analysed) as queued jobs' },
          { name: 'variants', description: "One variant's training record and analysis results" },
          { name: 'reports', description: 'Variants of a family compared: metrics table and overlay curves' },
          { name: 'meta', description: 'The server itself' },
        ],
      }),
    );
    return c.json(document, 200);
  });
}

export type ApiApp = ReturnType<typeof apiRoutes>;
