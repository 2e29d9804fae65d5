/**
 * A job process (started by the embedded queue or a Redis worker as an RpcChild): runs the one job
 * it is asked to, with its own OpenBLAS thread count, and stops between epochs or checkpoints when
 * the request is aborted. The process is stopped once its outcome is in.
 */
import type { JobProgressEvent } from '../../shared/jobs.ts';
import { serveRpc } from '../workers/child-rpc.ts';
import type { JobOutcome } from './job-backend.ts';
import { runJob, type JobRun } from './run-job.ts';

// Ctrl-C in a terminal signals the whole process group, this process too. Stopping it is the parent's
// (an aborted request stops between epochs; a kill; the parent's exit, see ts-child.mjs): a `workbench
// worker` stopped with Ctrl-C hands its jobs back cleanly, instead of seeing them die and fail.
process.on('SIGINT', () => {});

serveRpc<JobRun, JobOutcome, JobProgressEvent>((run, context) => runJob(run, context));
