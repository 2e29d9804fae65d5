/** The data of one server-sent event, parsed with the schema its name declares (shared/jobs.ts, shared/sweeps.ts). */
import type { z } from 'zod';
import { fieldErrors, summarizeFieldErrors } from '../../shared/validation.ts';

export type ParsedEventData<T> = { success: true; data: T } | { success: false; problem: string };

/** Problems of a mismatching event quoted in the watcher's error. */
const SHOWN_PROBLEMS = 3;

export function parseEventData<Schema extends z.ZodType>(schema: Schema, text: string): ParsedEventData<z.output<Schema>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { success: false, problem: 'its data is not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, problem: summarizeFieldErrors(fieldErrors(parsed.error).slice(0, SHOWN_PROBLEMS)) };
}
