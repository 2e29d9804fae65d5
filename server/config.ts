/** Where things live on disk, for the server's settings (settings.ts) and the CLI; the environment or a flag can move each folder. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface WorkbenchPaths {
  /** Folder holding one sub-folder per family, each with a family.json. */
  familiesDir: string;
  /** Folder holding results/<family>/<variant>/… */
  resultsDir: string;
}

export function resolvePaths(overrides: Partial<WorkbenchPaths> = {}, env = process.env): WorkbenchPaths {
  return {
    familiesDir: resolve(overrides.familiesDir ?? env.WORKBENCH_FAMILIES_DIR ?? resolve(REPO_ROOT, 'server/families')),
    resultsDir: resolve(overrides.resultsDir ?? env.WORKBENCH_RESULTS_DIR ?? 'results'),
  };
}
