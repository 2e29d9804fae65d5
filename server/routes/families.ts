/** GET /api/families and GET /api/families/:family/variants */
import { createRoute } from '@hono/zod-openapi';
import { familiesResponseSchema, familyParamsSchema, variantsResponseSchema } from '../../shared/api.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';
import type { Registry } from '../registry/registry.ts';

const listFamilies = createRoute({
  method: 'get',
  operationId: 'listFamilies',
  path: '/',
  tags: ['families'],
  summary: 'Every family, with its default domain parameters',
  description: 'A family file that cannot be read or is invalid is skipped and listed in `warnings`.',
  responses: { 200: json(familiesResponseSchema, 'The families, sorted by name.'), ...errorResponses([]) },
});

const listVariants = createRoute({
  method: 'get',
  operationId: 'listVariants',
  path: '/{family}/variants',
  tags: ['families'],
  summary: "A family's variants, with their state",
  request: { params: familyParamsSchema },
  responses: {
    200: json(variantsResponseSchema, 'Every variant folder of the family.'),
    ...errorResponses([400, 404], { 404: 'Unknown family.' }),
  },
});

export function familyRoutes(registry: Registry) {
  return routeGroup()
    .openapi(listFamilies, async (c) => c.json(await registry.listFamilies(), 200))
    .openapi(listVariants, async (c) => {
      const { family: familyName } = c.req.valid('param');
      const family = await registry.family(familyName);
      if (!family) throw new ApiError(404, `unknown family "${familyName}"`);
      return c.json({ family: family.name, variants: await registry.listVariants(family) }, 200);
    });
}
