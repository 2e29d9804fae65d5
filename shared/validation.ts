/** One readable error format for zod failures, used by the API's 400 bodies and the forms' inline messages. */

export interface FieldError {
  /** Dotted path of the offending field, e.g. `params.prime` or `training.checkpoint_epochs`. */
  field: string;
  message: string;
}

/** Accepts any zod error (classic or core) by its issues. */
export function fieldErrors(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** `prime: 100 is not a prime …; training.num_epochs: …` */
export function summarizeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}

/** How an offending input reads in a message: `"abc"`, `12.5`, or "a value is required" when absent. */
export function describeInput(input: unknown, allowed: string, problem: string): string {
  if (input === undefined || input === null || input === '') return `a value is required; allowed: ${allowed}`;
  return `${typeof input === 'string' ? JSON.stringify(input) : String(input)} ${problem}; allowed: ${allowed}`;
}
