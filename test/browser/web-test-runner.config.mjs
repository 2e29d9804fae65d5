// Component tests in Debian's Chromium (no browser download). The real Hono app answers /api
// requests through a middleware, on a temporary results folder, so pages load real data.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';

register();
const { createApp } = await import('../../server/app.ts');
const { resolvePaths } = await import('../../server/config.ts');

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = process.env.WORKBENCH_RESULTS_DIR ?? mkdtempSync(join(tmpdir(), 'workbench-wtr-'));
const { app } = createApp({ paths: resolvePaths({ resultsDir }) });

/** Koa middleware handing /api/* to the Hono app. */
async function apiMiddleware(ctx, next) {
  if (!ctx.path.startsWith('/api/')) return next();
  const body = ['GET', 'HEAD'].includes(ctx.method) ? undefined : await readBody(ctx.req);
  const response = await app.fetch(new Request(new URL(ctx.url, 'http://localhost'), { method: ctx.method, headers: ctx.headers, body }));
  ctx.status = response.status;
  response.headers.forEach((value, key) => ctx.set(key, value));
  ctx.body = Buffer.from(await response.arrayBuffer());
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export default {
  rootDir: repoRoot,
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  middleware: [apiMiddleware],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: join(repoRoot, 'tsconfig.json') })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
      },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
};
