/**
 * Admitting a job request (already checked against its family's schema): the variant is held
 * synchronously before any await on its state, so concurrent requests cannot both pass, and the
 * variant's files must allow the job. Refusals are JobErrors (the routes map them to 404/409).
 */
import type { VariantState } from '../../shared/api.ts';
import { taskParams, type Family } from '../../shared/family-schema.ts';
import type { JobRecord, JobRequest, TrainJobRequest } from '../../shared/jobs.ts';
import { variantName } from '../../shared/variant-name.ts';
import { modelDims } from '../engine/weights.ts';
import type { Registry } from '../registry/registry.ts';
import { checkpointSource, InitSourceError, readInitWeights } from '../training/init-weights.ts';
import { JobError } from './errors.ts';
import type { JobRunner, SubmitOptions } from './job-runner.ts';

/** Why the variant's files do not allow this job, or undefined when they do. */
export function variantProblem(request: JobRequest, variant: string, state: VariantState | undefined): JobError | undefined {
  const now = state ?? 'untrained';
  if (request.kind === 'analyze') {
    if (!state) return new JobError('not-found', `unknown variant "${variant}" of family ${request.family}`);
    if (state !== 'trained' && state !== 'analyzed')
      return new JobError('conflict', `variant ${variant} cannot be analyzed while it is ${state}; it must finish training first`);
    return undefined;
  }
  if (request.continue_to !== null) {
    if (now !== 'trained' && now !== 'analyzed')
      return new JobError('conflict', `variant ${variant} has no completed run to continue (it is ${now})`);
  } else if (request.resume) {
    if (now !== 'incomplete') return new JobError('conflict', `variant ${variant} has no interrupted run to resume (it is ${now})`);
  } else if (now !== 'untrained' && !request.overwrite) {
    return new JobError('conflict', `variant ${variant} already exists (${now}); confirm overwrite to replace it`);
  }
  return undefined;
}

/** An `init_from` problem, as a field error of the request. */
const initFromError = (field: 'variant' | 'epoch', message: string) =>
  new JobError('invalid', `init_from.${field}: ${message}`, [{ field: `init_from.${field}`, message }]);

/**
 * The digest of the checkpoint a training request starts from (null: the seeded init), which ends
 * the variant's name. The source must be a variant of the family with the same modulus and a
 * checkpoint at that epoch.
 */
export async function initDigest(registry: Registry, family: Family, request: TrainJobRequest): Promise<string | null> {
  if (!request.init_from) return null;
  const { variant, epoch } = request.init_from;
  const source = await registry.variant(family, variant);
  if (!source) throw initFromError('variant', `unknown variant "${variant}" of family ${family.name}`);
  const modulus = taskParams(family, request.params).modulus;
  const modulusName = family.task.modulus_parameter;
  const sourceModulus = taskParams(family, source.params).modulus;
  if (sourceModulus !== modulus) {
    throw initFromError(
      'variant',
      `${variant} has ${modulusName} = ${sourceModulus}; allowed: a variant with ${modulusName} = ${modulus}, as the weights' shapes depend on it`,
    );
  }
  if (!source.checkpointEpochs.includes(epoch)) {
    const epochs = source.checkpointEpochs;
    throw initFromError(
      'epoch',
      `${variant} has no checkpoint at epoch ${epoch}; allowed: one of its ${epochs.length} checkpoint epochs${epochs.length > 0 ? ` (${epochs[0]} … ${epochs.at(-1)})` : ''}`,
    );
  }
  const dims = modelDims(family.architecture, modulus);
  try {
    return (await readInitWeights(checkpointSource(registry.paths.resultsDir, family.name, variant, epoch), dims)).digest;
  } catch (error) {
    if (error instanceof InitSourceError) throw initFromError('epoch', error.message);
    throw error;
  }
}

/** Holds the variant, checks its files, and queues the job; the queued (or started) record. */
export async function admitJob(
  runner: JobRunner,
  registry: Registry,
  family: Family,
  request: JobRequest,
  options: SubmitOptions = {},
): Promise<JobRecord> {
  const variant =
    request.kind === 'train'
      ? variantName(family, request.params, { ...request.training, init: await initDigest(registry, family, request) })
      : request.variant;
  const admission = runner.reserve(family.name, variant, request.kind);
  try {
    const problem = variantProblem(request, variant, (await registry.variant(family, variant))?.state);
    if (problem) throw problem;
    return await runner.submit(admission, request, options);
  } finally {
    admission.release();
  }
}
