/** One readable error format for zod failures, used by the API's 400 bodies and the forms' inline messages. */
import type { z } from 'zod';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `params.prime` or `training.checkpoint_epochs`. */
  field: string;
  message: string;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** `prime: 100 is not a prime …; training.num_epochs: …` */
export function summarizeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}
