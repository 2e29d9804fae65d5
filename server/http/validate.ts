/** zod validation for every route input, failing with a 400 in the API's one error format. */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';
import { sendError } from './errors.ts';

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const fields = fieldErrors(result.error);
      return sendError(c, 400, `invalid ${target}: ${summarizeFieldErrors(fields)}`, fields);
    }
  });
}
