import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { REPO_ROOT, resolvePaths } from '../../../server/config.ts';
import { APP_VERSION } from '../../../version.ts';

describe('application version', () => {
  it('is the same in package.json and version.ts', async () => {
    const pkg = JSON.parse(await readFile(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };
    expect(pkg.version).toBe(APP_VERSION);
    expect(APP_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is what GET /api/version returns', async () => {
    const { app } = createApp({ paths: resolvePaths({ resultsDir: '/nonexistent-results' }) });
    const res = await app.request('/api/version');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: APP_VERSION });
  });
});
