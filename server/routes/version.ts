import { Hono } from 'hono';
import type { VersionInfo } from '../../shared/api.ts';
import { APP_VERSION } from '../../version.ts';

export function versionRoutes() {
  return new Hono().get('/', (c) => c.json({ version: APP_VERSION } satisfies VersionInfo, 200));
}
