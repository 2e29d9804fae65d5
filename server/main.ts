/** Starts the workbench server: `npm start` (after a build) or `npm run serve`. */
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { APP_VERSION } from '../version.ts';
import { createApp } from './app.ts';
import { REPO_ROOT, resolvePaths } from './config.ts';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8787);
const corsOrigins = (process.env.WORKBENCH_CORS_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);
const paths = resolvePaths();

const { app, jobs } = createApp({ paths, distDir: resolve(REPO_ROOT, 'dist'), corsOrigins, warmProbes: true });

const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  console.log(`Training Dynamics Workbench ${APP_VERSION}`);
  console.log(`  results:  ${paths.resultsDir}`);
  console.log(`  families: ${paths.familiesDir}`);
  console.log(`  open http://${host}:${info.port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    await jobs.close();
    server.close(() => process.exit(0));
    // Open SSE streams would keep close() waiting; do not hang the shutdown on them.
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
