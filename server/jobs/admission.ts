/**
 * Admitting a job request (already checked against its family's schema): the variant is held
 * synchronously before any await on its state, so concurrent requests cannot both pass, and the
 * variant's files must allow the job. Refusals are JobErrors (the routes map them to 404/409).
 */
import type { VariantState } from '../../shared/api.ts';
import type { Family } from '../../shared/family-schema.ts';
import type { JobRecord, JobRequest } from '../../shared/jobs.ts';
import { variantName } from '../../shared/variant-name.ts';
import type { Registry } from '../registry/registry.ts';
import { JobError } from './errors.ts';
import type { JobRunner } from './job-runner.ts';

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

/** Holds the variant, checks its files, and queues the job; the queued (or started) record. */
export async function admitJob(runner: JobRunner, registry: Registry, family: Family, request: JobRequest): Promise<JobRecord> {
  const variant = request.kind === 'train' ? variantName(family, request.params, request.training) : request.variant;
  const admission = runner.reserve(family.name, variant, request.kind);
  try {
    const problem = variantProblem(request, variant, (await registry.variant(family, variant))?.state);
    if (problem) throw problem;
    return await runner.submit(admission, request);
  } finally {
    admission.release();
  }
}
