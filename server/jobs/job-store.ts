/** Job records on disk: one JSON file per job under results/.jobs/, written atomically. */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobRecordSchema, type JobRecord } from '../../shared/jobs.ts';
import { writeJsonAtomic } from '../storage/atomic-write.ts';

export class JobStore {
  readonly dir: string;

  constructor(resultsDir: string) {
    this.dir = join(resultsDir, '.jobs');
  }

  async save(record: JobRecord): Promise<void> {
    await writeJsonAtomic(join(this.dir, `${record.id}.json`), record, 2);
  }

  /** Every stored record, oldest first. Unreadable files are reported and skipped. */
  async loadAll(): Promise<JobRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const records: JobRecord[] = [];
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json') || file.startsWith('.')) continue;
      try {
        records.push(jobRecordSchema.parse(upgrade(JSON.parse(await readFile(join(this.dir, file), 'utf8')))));
      } catch (error) {
        console.warn(`[jobs] skipped unreadable job record ${file}: ${(error as Error).message}`);
      }
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}

/** Fills in the fields records written before the queue (0.1.0) lack. */
function upgrade(raw: Record<string, unknown>): Record<string, unknown> {
  const record = { ...raw };
  record.queuedAt ??= record.createdAt;
  record.attempts ??= record.startedAt ? 1 : 0;
  if (record.kind === 'train') {
    record.lossHistory ??= [];
    record.request = { resume: false, continue_to: null, ...(record.request as object) };
  }
  return record;
}
