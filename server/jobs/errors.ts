import type { FieldError } from '../../shared/validation.ts';

/**
 * What the job layer refuses, in its own terms; the routes map each kind to an HTTP status
 * (server/http/errors.ts), so the runner knows nothing of HTTP.
 */
export type JobErrorKind =
  /** No such job, sweep, family or variant. */
  | 'not-found'
  /** The request conflicts with the state of a job or variant (busy, not running, exists). */
  | 'conflict'
  /** The request itself is wrong in a way its schema cannot say (e.g. an empty sweep). */
  | 'invalid';

export class JobError extends Error {
  override name = 'JobError';
  constructor(
    readonly kind: JobErrorKind,
    message: string,
    /** The request fields at fault, when the refusal is about some (as a schema's would be). */
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}
