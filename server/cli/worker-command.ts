/**
 * `workbench worker`: takes jobs from the Redis queue a server was started with
 * (WORKBENCH_QUEUE=redis://…) and runs them on this machine, until stopped (Ctrl-C, SIGTERM): then
 * it hands its running jobs back to the queue, for the next worker to resume at once.
 */
import { resolvePaths } from '../config.ts';
import { defaultMaxJobs } from '../jobs/cores.ts';
import { HAND_BACK_MS, startWorker } from '../jobs/redis-worker.ts';
import { parseFlags, type Command } from './command.ts';

const HELP = `Usage: workbench worker --queue redis://HOST:6379 [flags]

Runs jobs from the Redis queue of a workbench server started with WORKBENCH_QUEUE set to the same
address. Every worker and the server must see the same results folder (a shared disk).

  --queue URL          the Redis address (default: $WORKBENCH_QUEUE)
  --concurrency N      jobs run at once (default: $WORKBENCH_MAX_JOBS or one per core);
                       each gets an equal share of the cores as OpenBLAS threads
  --threads N          OpenBLAS threads of each job (default: cores / concurrency); lower it
                       when several workers share one machine
  --name NAME          how the worker appears in the job records (default: host:pid)
  --lock-seconds S     how soon a job of a worker that died is taken up by another (default 30)
  --results DIR        results folder (default: $WORKBENCH_RESULTS_DIR or ./results)
  --families DIR       families folder (default: $WORKBENCH_FAMILIES_DIR or the shipped ones)
  -h, --help           this text

Stopping (Ctrl-C, SIGTERM) hands the running jobs back: the worker takes no more jobs, stops each
running one between epochs (analysis: between checkpoints) and puts it back at the head of the
queue, where the next worker (or this one, started again) takes it up at once and resumes it from
its latest checkpoint. A job handed back counts neither as failed nor as cancelled. A job that has
not stopped within ${HAND_BACK_MS / 1000} s, or every job still running at a second Ctrl-C/SIGTERM, is killed and left
to its lock: another worker takes it up once --lock-seconds have passed, as when a worker dies.`;

const REDIS_URL = /^rediss?:\/\/[^\s/]+(\/\d+)?$/;

async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      threads: { type: 'string' },
      name: { type: 'string' },
      'lock-seconds': { type: 'string', default: '30' },
      results: { type: 'string' },
      families: { type: 'string' },
    },
    HELP,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const url = values.queue ?? process.env.WORKBENCH_QUEUE;
  if (!url || !REDIS_URL.test(url)) {
    console.error(
      `error: --queue ${JSON.stringify(url ?? '')} is not a Redis address; allowed: redis://host:port, e.g. redis://localhost:6379`,
    );
    return 2;
  }
  const concurrencyText = values.concurrency ?? process.env.WORKBENCH_MAX_JOBS;
  const concurrency = concurrencyText === undefined ? defaultMaxJobs() : Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    console.error(`error: --concurrency ${JSON.stringify(concurrencyText)} is not allowed; allowed: a whole number from 1 to 64`);
    return 2;
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    console.error(`error: --threads ${JSON.stringify(values.threads)} is not allowed; allowed: a whole number from 1 to 256`);
    return 2;
  }
  const lockSeconds = Number(values['lock-seconds']);
  if (!Number.isFinite(lockSeconds) || lockSeconds < 1 || lockSeconds > 3600) {
    console.error(`error: --lock-seconds ${JSON.stringify(values['lock-seconds'])} is not allowed; allowed: 1 to 3600 seconds`);
    return 2;
  }
  const paths = resolvePaths({ resultsDir: values.results, familiesDir: values.families });
  const worker = await startWorker({ url, ...paths, concurrency, threads, name: values.name, lockMs: lockSeconds * 1000 });
  console.log(`workbench worker ${worker.name}: ${concurrency} job(s) at once from ${url}; results in ${paths.resultsDir}`);
  const signals = ['SIGINT', 'SIGTERM'] as const;
  await new Promise<void>((resolve) => {
    for (const signal of signals) process.once(signal, () => resolve());
  });
  console.log(`workbench worker ${worker.name}: stopping; handing its running jobs back to the queue (Ctrl-C again to stop at once)`);
  const hurry = new AbortController();
  for (const signal of signals) process.once(signal, () => hurry.abort());
  const { handedBack, leftToLock } = await worker.close({ signal: hurry.signal });
  const left =
    leftToLock > 0
      ? `; ${leftToLock} left to their lock (another worker takes them up once it expires: --lock-seconds ${lockSeconds})`
      : '';
  console.log(`workbench worker ${worker.name}: stopped; ${handedBack} job(s) handed back${left}`);
  // Nothing should be left to keep the process alive; if a connection hangs (Redis gone), exit anyway.
  setTimeout(() => process.exit(0), 5000).unref();
  return 0;
}

export const workerCommand: Command = { summary: 'run jobs from a Redis queue (WORKBENCH_QUEUE)', run };
