/** GET /api/families and GET /api/families/:family/variants */
import { Hono } from 'hono';
import { z } from 'zod';
import { nameSegment, type VariantsResponse } from '../../shared/api.ts';
import { sendError } from '../http/errors.ts';
import { validate } from '../http/validate.ts';
import type { Registry } from '../registry/registry.ts';

export function familyRoutes(registry: Registry) {
  return new Hono()
    .get('/', async (c) => c.json(await registry.listFamilies(), 200))
    .get('/:family/variants', validate('param', z.object({ family: nameSegment })), async (c) => {
      const { family: familyName } = c.req.valid('param');
      const family = await registry.family(familyName);
      if (!family) return sendError(c, 404, `unknown family "${familyName}"`);
      return c.json({ family: family.name, variants: await registry.listVariants(family) } satisfies VariantsResponse, 200);
    });
}
