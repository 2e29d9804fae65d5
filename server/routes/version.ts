/** GET /api/version */
import { createRoute } from '@hono/zod-openapi';
import { versionInfoSchema } from '../../shared/api.ts';
import { APP_VERSION } from '../../version.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';

const getVersion = createRoute({
  method: 'get',
  operationId: 'getVersion',
  path: '/',
  tags: ['meta'],
  summary: 'The application version',
  responses: { 200: json(versionInfoSchema, 'The version of this server.'), ...errorResponses([]) },
});

export function versionRoutes() {
  return routeGroup().openapi(getVersion, (c) => c.json({ version: APP_VERSION }, 200));
}
