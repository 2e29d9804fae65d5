/** Reading JSON files whose absence or damage the caller shows as missing, not as an error. */
import { readFile } from 'node:fs/promises';

/** The file's JSON object, or undefined when it is missing or not valid JSON. */
export async function readJsonRecord(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A variant's training record: metadata.json once training has completed, else training_progress.json,
 * the same keys up to the latest checkpoint of a run still training or interrupted (§4.12). metadata.json
 * is read again last, for a run that completed (writing it, then removing the progress file) between
 * the first two reads.
 */
export async function readTrainingRecord(paths: { metadata: string; progress: string }): Promise<Record<string, unknown> | undefined> {
  return (await readJsonRecord(paths.metadata)) ?? (await readJsonRecord(paths.progress)) ?? (await readJsonRecord(paths.metadata));
}
