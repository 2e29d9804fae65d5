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

/** Characters of an offending string quoted in a message; the rest is counted. */
const MAX_SHOWN_CHARACTERS = 60;

/**
 * An offending input as a message quotes it: `"abc"`, `12.5`, `true`, `a list`, `an object`. Never
 * more than about 80 characters and never recursive, so a 200 KB string or a list nested 10,000
 * deep (both fit in a request body) gives a short message instead of a huge one or a stack overflow.
 */
export function showInput(input: unknown): string {
  if (typeof input === 'string') {
    if (input.length <= MAX_SHOWN_CHARACTERS) return JSON.stringify(input);
    return `${JSON.stringify(`${input.slice(0, MAX_SHOWN_CHARACTERS)}…`)} (${input.length.toLocaleString('en-US')} characters)`;
  }
  if (Array.isArray(input)) return 'a list';
  if (input !== null && typeof input === 'object') return 'an object';
  return String(input);
}

/** How an offending input reads in a message: `"abc"`, `12.5`, or "a value is required" when absent. */
export function describeInput(input: unknown, allowed: string, problem: string): string {
  if (input === undefined || input === null || input === '') return `a value is required; allowed: ${allowed}`;
  return `${showInput(input)} ${problem}; allowed: ${allowed}`;
}
