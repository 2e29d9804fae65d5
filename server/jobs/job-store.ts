/** Job records on disk: one JSON file per job under results/.jobs/, written atomically. */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord } from '../../shared/jobs.ts';
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
        records.push(JSON.parse(await readFile(join(this.dir, file), 'utf8')) as JobRecord);
      } catch (error) {
        console.warn(`[jobs] skipped unreadable job record ${file}: ${(error as Error).message}`);
      }
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
