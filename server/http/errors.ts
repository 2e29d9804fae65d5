/** One error format for the whole API: `{ error: { status, message, fields? } }`. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody } from '../../shared/api.ts';
import type { FieldError } from '../../shared/validation.ts';
import type { JobErrorKind } from '../jobs/errors.ts';

/** The HTTP status of each kind of job-layer refusal. */
export const JOB_ERROR_STATUS = { 'not-found': 404, conflict: 409, invalid: 400 } as const satisfies Record<
  JobErrorKind,
  ContentfulStatusCode
>;

/** Thrown anywhere in a handler; app.onError turns it into the JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

export function errorBody(status: number, message: string, fields?: FieldError[]): ApiErrorBody {
  return { error: { status, message, ...(fields ? { fields } : {}) } };
}

export function sendError(c: Context, status: ContentfulStatusCode, message: string, fields?: FieldError[]) {
  return c.json(errorBody(status, message, fields), status);
}
