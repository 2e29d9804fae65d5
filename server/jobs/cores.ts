/**
 * How jobs share the machine's cores (docs/ARCHITECTURE.md, "Processes").
 *
 * A training or analysis epoch is part OpenBLAS products (which can use several threads) and part
 * single-threaded JavaScript (attention, ReLU, cross-entropy, AdamW). Two jobs with one OpenBLAS
 * thread each therefore do more work per second than one job with two threads, and jobs whose
 * threads add up to more than the cores spin against each other (OpenBLAS threads busy-wait):
 * two two-thread jobs on two cores ran 6× slower per epoch. So by default there are as many job
 * slots as cores, and each job gets an equal whole share of the cores as its OpenBLAS threads.
 */
import { availableParallelism } from 'node:os';

/** Jobs running at once when WORKBENCH_MAX_JOBS is not set: one per core. */
export function defaultMaxJobs(cores = availableParallelism()): number {
  return Math.max(1, cores);
}

/** OpenBLAS threads of each job process when `maxJobs` may run at once: an equal whole share, at least 1. */
export function threadsPerJob(maxJobs: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / maxJobs));
}
