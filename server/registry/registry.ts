/**
 * The registry: families from their family.json files, variants discovered on disk, and each
 * variant's state (and, when incomplete, whether it can resume) derived from its files every time
 * it is asked (nothing cached that the disk could contradict).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FamiliesResponse, VariantState, VariantSummary } from '../../shared/api.ts';
import { defaultDomainParams, type DomainParams, type Family } from '../../shared/family-schema.ts';
import {
  IDENTITY_SETTING_NAMES,
  parseVariantName,
  trainingIdentity,
  type ParsedVariantName,
  type TrainingIdentity,
} from '../../shared/variant-name.ts';
import type { WorkbenchPaths } from '../config.ts';
import { loadFamilies } from './families.ts';
import { CHECKPOINT_FILE, variantPaths } from './variant-paths.ts';
import { EPOCH_FILE } from '../analysis/artifact-store.ts';
import { pathExists } from '../storage/path-exists.ts';
import { resumePoint } from '../training/resume-point.ts';

/** Which variants have a job running on them right now (the job runner answers; none by default). */
export interface ActiveJobs {
  activeJobKind(family: string, variant: string): 'train' | 'analyze' | undefined;
}

const noActiveJobs: ActiveJobs = { activeJobKind: () => undefined };

export class Registry {
  constructor(
    readonly paths: WorkbenchPaths,
    private activeJobs: ActiveJobs = noActiveJobs,
  ) {}

  /** Lets the job runner, created after the registry, report running jobs. */
  setActiveJobs(activeJobs: ActiveJobs): void {
    this.activeJobs = activeJobs;
  }

  async listFamilies(): Promise<FamiliesResponse> {
    const { families, warnings } = await loadFamilies(this.paths.familiesDir);
    return {
      families: [...families.values()].map((family) => ({ ...family, defaults: defaultDomainParams(family) })),
      warnings,
    };
  }

  async family(name: string): Promise<Family | undefined> {
    return (await loadFamilies(this.paths.familiesDir)).families.get(name);
  }

  /** Every folder under results/<family>/ whose name is a variant of the family, sorted by params, then by training settings. */
  async listVariants(family: Family): Promise<VariantSummary[]> {
    let folders: string[];
    try {
      folders = (await readdir(join(this.paths.resultsDir, family.name), { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return [];
    }
    const variants: VariantSummary[] = [];
    for (const folder of folders) {
      const parsed = parseVariantName(family, folder);
      if (parsed) variants.push(await this.describe(family, folder, parsed));
    }
    // The seeded run before those started from other weights.
    return variants.sort(
      (a, b) =>
        compareParams(family, a.params, b.params) || compareTraining(a.training, b.training) || (a.init ?? '').localeCompare(b.init ?? ''),
    );
  }

  async variant(family: Family, name: string): Promise<VariantSummary | undefined> {
    const parsed = parseVariantName(family, name);
    if (!parsed) return undefined;
    try {
      if (!(await stat(variantPaths(this.paths.resultsDir, family.name, name).dir)).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    return this.describe(family, name, parsed);
  }

  private async describe(family: Family, name: string, { params, training, init }: ParsedVariantName): Promise<VariantSummary> {
    const paths = variantPaths(this.paths.resultsDir, family.name, name);
    const checkpointEpochs = await listCheckpointEpochs(paths.checkpointsDir);
    const files = {
      checkpoints: checkpointEpochs.length > 0,
      metadata: await pathExists(paths.metadata),
      analyzed: await analysisCovers(paths.artifactsDir, checkpointEpochs),
    };
    const state = deriveVariantState(files, this.activeJobs.activeJobKind(family.name, name));
    const summary: VariantSummary = {
      name,
      family: family.name,
      params,
      training: trainingIdentity(training),
      ...(init !== null && { init }),
      state,
      checkpointEpochs,
    };
    if (state === 'incomplete') {
      const from = await resumePoint(paths);
      if (from !== null) summary.resumableFromEpoch = from;
    }
    return summary;
  }
}

/**
 * State from files: a running job wins; then no checkpoint → untrained; checkpoints without
 * metadata.json (written last by training) → incomplete; analysis covering every checkpoint →
 * analyzed; else trained.
 */
export function deriveVariantState(
  files: { checkpoints: boolean; metadata: boolean; analyzed: boolean },
  activeJob?: 'train' | 'analyze',
): VariantState {
  if (activeJob === 'train') return 'training';
  if (activeJob === 'analyze') return 'analyzing';
  if (!files.checkpoints) return 'untrained';
  if (!files.metadata) return 'incomplete';
  return files.analyzed ? 'analyzed' : 'trained';
}

/** Natural order of variants: by each domain parameter numerically, in declaration order (p97 < p113). */
export function compareParams(family: Pick<Family, 'domain_parameters'>, a: DomainParams, b: DomainParams): number {
  for (const name of Object.keys(family.domain_parameters)) {
    const diff = (a[name] ?? 0) - (b[name] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Variants of the same domain parameters: by each identity setting numerically, in name order. */
function compareTraining(a: TrainingIdentity, b: TrainingIdentity): number {
  for (const setting of IDENTITY_SETTING_NAMES) {
    const diff = a[setting] - b[setting];
    if (diff !== 0) return diff;
  }
  return 0;
}

export async function listCheckpointEpochs(checkpointsDir: string): Promise<number[]> {
  try {
    return (await readdir(checkpointsDir))
      .map((file) => CHECKPOINT_FILE.exec(file))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/**
 * Whether analysis results cover the run: some finished artifact (not a hidden temporary) exists
 * under artifacts/, and every checkpoint has a per-epoch artifact of some analyzer. A continued run's
 * new checkpoints make the variant `trained` again until they are analyzed. (Results of cross-epoch
 * analyzers alone count as analyzed.)
 */
async function analysisCovers(artifactsDir: string, checkpointEpochs: readonly number[]): Promise<boolean> {
  let files: string[];
  try {
    files = (await readdir(artifactsDir, { recursive: true })).filter(
      (entry) => entry.endsWith('.safetensors') && !basename(entry).startsWith('.'),
    );
  } catch {
    return false;
  }
  const analyzedEpochs = new Set(
    files.map((file) => EPOCH_FILE.exec(basename(file))).flatMap((match) => (match ? [Number(match[1])] : [])),
  );
  return files.length > 0 && (analyzedEpochs.size === 0 || checkpointEpochs.every((epoch) => analyzedEpochs.has(epoch)));
}
