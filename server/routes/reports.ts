/**
 * Reports (docs/ARCHITECTURE.md §11):
 *
 *   GET /api/reports/:family                                   ReportResponse: one row per variant
 *   GET /api/reports/:family/curves?variants=a,b&series=…&width=800   CurvesResponse, downsampled for the width
 *
 * Both are computed from the stored files (metadata.json, summaries, the parameter trajectory) and
 * cached per variant until its files change (ReportService).
 */
import { createRoute } from '@hono/zod-openapi';
import { curvesQuerySchema, curvesResponseSchema, CURVE_WIDTH, reportParamsSchema, reportResponseSchema } from '../../shared/reports.ts';
import { ApiError } from '../http/errors.ts';
import { errorResponses, json, routeGroup } from '../http/openapi.ts';
import type { Registry } from '../registry/registry.ts';
import { ReportService } from '../reports/report-service.ts';

const getReport = createRoute({
  method: 'get',
  operationId: 'getReport',
  path: '/{family}',
  tags: ['reports'],
  summary: 'Every variant of a family with its state, settings and metrics from its stored results',
  description:
    'Losses from metadata.json; analysis metrics at the last analyzed epoch from the summaries and the parameter trajectory. ' +
    'A metric whose results do not exist is null.',
  request: { params: reportParamsSchema },
  responses: {
    200: json(reportResponseSchema, 'One row per variant, sorted by domain parameters.'),
    ...errorResponses([400, 404], { 404: 'Unknown family.' }),
  },
});

const getCurves = createRoute({
  method: 'get',
  operationId: 'getReportCurves',
  path: '/{family}/curves',
  tags: ['reports'],
  summary: "Some variants' curves for an overlay, downsampled for the plot's width",
  description:
    'Each series keeps, per pixel column, its minimum and maximum (and the first and last point), so no spike disappears: ' +
    `at most 2 × width + 2 points per series, whatever the run's length. Width ${CURVE_WIDTH.min}–${CURVE_WIDTH.max} px.`,
  request: { params: reportParamsSchema, query: curvesQuerySchema },
  responses: {
    200: json(curvesResponseSchema, 'The curves of each variant, in the order asked for.'),
    ...errorResponses([400, 404], { 404: 'Unknown family or variant.' }),
  },
});

export function reportRoutes(registry: Registry, reports = new ReportService(registry)) {
  async function family(name: string) {
    const found = await registry.family(name);
    if (!found) throw new ApiError(404, `unknown family "${name}"`);
    return found;
  }

  return routeGroup()
    .openapi(getReport, async (c) => {
      const found = await family(c.req.valid('param').family);
      return c.json({ family: found.name, rows: await reports.rows(found) }, 200);
    })
    .openapi(getCurves, async (c) => {
      const found = await family(c.req.valid('param').family);
      const { variants, series, width } = c.req.valid('query');
      const answer = await reports.curves(found, variants, series, width);
      if ('missing' in answer) throw new ApiError(404, `family ${found.name} has no variant "${answer.missing}"`);
      return c.json(answer, 200);
    });
}
