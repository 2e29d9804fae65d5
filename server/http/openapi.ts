/**
 * How routes are declared: each with `createRoute` from @hono/zod-openapi, its inputs and answers
 * as zod schemas from shared/. The schemas validate the inputs (a failure is a 400 in the API's one
 * error format, naming the fields), type the handlers and the browser's client, and make the
 * OpenAPI document (GET /api/openapi.json).
 */
import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { z } from 'zod';
import { apiErrorBodySchema } from '../../shared/api.ts';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { sendError } from './errors.ts';

/** A failed input check: 400 `invalid <param|query|json>: field: problem; …` with the fields. */
export const validationFailure: Hook<unknown, Env, string, Response | undefined> = (result, c) => {
  if (result.success) return undefined;
  const fields = fieldErrors(result.error);
  return sendError(c, 400, `invalid ${result.target}: ${summarizeFieldErrors(fields)}`, fields);
};

/** One resource's routes; every declared input is checked by its schema. */
export function routeGroup() {
  return new OpenAPIHono({ defaultHook: validationFailure });
}

/** A JSON answer of a route declaration. */
export function json<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const ERROR_MEANINGS = {
  400: 'Bad input, nothing was done; `fields` names each wrong input and what is allowed.',
  403: 'The request names a host this server does not answer to, or changes something from a foreign origin.',
  404: 'Unknown family, variant, analyzer, job or result.',
  409: 'Conflicts with the current state (see the message).',
  413: 'The body is larger than 256 KiB.',
  415: 'The body is not application/json.',
  500: 'Internal error; the server log has the details.',
} as const;
type ErrorStatus = keyof typeof ERROR_MEANINGS;
type ErrorResponse = ReturnType<typeof json<typeof apiErrorBodySchema>>;

/**
 * The error answers of a route: the given statuses, plus the 403 of the request guards and the 500
 * any route may give. `meanings` overrides the generic description where a route knows more.
 */
export function errorResponses<const Status extends ErrorStatus>(
  statuses: readonly Status[],
  meanings: Partial<Record<Status, string>> = {},
): Record<Status | 403 | 500, ErrorResponse> {
  const all = [...new Set<ErrorStatus>([...statuses, 403, 500])].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => [status, json(apiErrorBodySchema, meanings[status as Status] ?? ERROR_MEANINGS[status])]),
  ) as Record<Status | 403 | 500, ErrorResponse>;
}
