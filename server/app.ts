/**
 * The Hono application: the request guards, the JSON API under /api (api.ts), then the built
 * frontend with a history fallback to index.html so deep links and reloads of client routes work.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { WorkbenchPaths } from './config.ts';
import { ProbeProcess } from './analysis/probe-process.ts';
import { ApiError, JOB_ERROR_STATUS, sendError } from './http/errors.ts';
import { JobError } from './jobs/errors.ts';
import { requestGuards } from './http/guard.ts';
import { Registry } from './registry/registry.ts';
import { defaultMaxJobs } from './jobs/cores.ts';
import { EmbeddedBackend } from './jobs/embedded-backend.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { RedisBackend } from './jobs/redis-backend.ts';
import { SweepRunner } from './jobs/sweep-runner.ts';
import type { QueueSetting } from './settings.ts';
import { apiRoutes } from './api.ts';

export interface AppOptions {
  paths: WorkbenchPaths;
  /** The Vite build to serve; omitted or missing means API only. */
  distDir?: string;
  /** Origins allowed to call the API and load the element bundles (for embedding elsewhere). */
  corsOrigins?: string[];
  /** Host names answered besides localhost, 127.0.0.1 and [::1]; requests naming another host are refused. */
  allowedHosts?: string[];
  /** Jobs allowed to run at once in this server with the embedded queue (default: one per core). */
  maxConcurrentJobs?: number;
  /** Where jobs wait and run (default: embedded). */
  queue?: QueueSetting;
  /** Start the read API's probe process with the app rather than on the first recomputed grid. */
  warmProbes?: boolean;
}

export function createApp({
  paths,
  distDir,
  corsOrigins = [],
  allowedHosts = [],
  maxConcurrentJobs = defaultMaxJobs(),
  queue = { kind: 'embedded' },
  warmProbes = false,
}: AppOptions) {
  const registry = new Registry(paths);
  const probes = new ProbeProcess();
  if (warmProbes) probes.warm();
  const backend =
    queue.kind === 'embedded' ? new EmbeddedBackend({ ...paths, maxConcurrent: maxConcurrentJobs }) : new RedisBackend({ url: queue.url });
  const jobs = new JobRunner({ resultsDir: paths.resultsDir, backend });
  const sweeps = new SweepRunner(jobs, registry, paths.resultsDir);
  registry.setActiveJobs(jobs);

  const app = new Hono();
  // First, so a refused request reaches nothing else, CORS preflights and static files included.
  app.use('*', ...requestGuards({ allowedHosts, corsOrigins }));
  if (corsOrigins.length > 0) app.use('*', cors({ origin: corsOrigins }));
  const api = apiRoutes(registry, jobs, sweeps, probes);
  app.route('/', api);
  app.all('/api/*', (c) => sendError(c, 404, `no API route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof ApiError) return sendError(c, error.status, error.message, error.fields);
    if (error instanceof JobError) return sendError(c, JOB_ERROR_STATUS[error.kind], error.message, error.fields);
    if (error instanceof HTTPException) return sendError(c, error.status, error.message);
    console.error(`[api] ${c.req.method} ${c.req.path} failed:`, error);
    return sendError(c, 500, 'internal error; the server log has the details');
  });

  if (distDir && existsSync(join(distDir, 'index.html'))) {
    // serveStatic resolves `root` against the working directory.
    const root = relative(process.cwd(), distDir) || '.';
    app.use('/assets/*', serveStatic({ root, onFound: (_, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }));
    app.use('*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  return { app, api, registry, jobs, sweeps };
}

export type { ApiApp } from './api.ts';
