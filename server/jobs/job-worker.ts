/**
 * A job process (started by the embedded queue or a Redis worker as an RpcChild): runs the one job
 * it is asked to, with its own OpenBLAS thread count, and stops between epochs or checkpoints when
 * the request is aborted. The process is stopped once its outcome is in.
 */
import type { JobProgressEvent } from '../../shared/jobs.ts';
import { serveRpc } from '../workers/child-rpc.ts';
import type { JobOutcome } from './job-backend.ts';
import { runJob, type JobRun } from './run-job.ts';

serveRpc<JobRun, JobOutcome, JobProgressEvent>((run, context) => runJob(run, context));
