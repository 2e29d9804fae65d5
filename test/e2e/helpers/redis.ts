/** A redis-server on a free port and `workbench worker` processes, for the Redis-queue test and bench:sweep. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../server/config.ts';

export interface Launched {
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `command` and resolves once its output matches `ready`. */
async function launch(command: string, args: string[], cwd: string, env: Record<string, string>, ready: RegExp): Promise<Launched> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)));
  });
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** redis-server on a free loopback port, keeping nothing on disk; `url` is its redis:// address. */
export async function startRedis(cwd: string): Promise<Launched & { url: string }> {
  const port = await freePort();
  const redis = await launch(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    cwd,
    {},
    /Ready to accept connections/,
  );
  return { ...redis, url: `redis://127.0.0.1:${port}` };
}

export interface WorkerLaunch {
  queue: string;
  resultsDir: string;
  name: string;
  /** Folder in which the worker gets its own working folder. */
  root: string;
  concurrency?: number;
  /** OpenBLAS threads of each job; default the worker's own (cores / concurrency). */
  threads?: number;
  lockSeconds?: number;
  env?: Record<string, string>;
}

/** `workbench worker` in a working folder of its own, as on another machine that shares the results folder. */
export async function startWorker({ queue, resultsDir, name, root, concurrency = 1, threads, lockSeconds = 30, env = {} }: WorkerLaunch) {
  const cwd = await mkdtemp(join(root, `${name}-`));
  const args = [join(REPO_ROOT, 'server/cli/bin.js'), 'worker', '--queue', queue, '--results', resultsDir, '--name', name];
  args.push('--concurrency', String(concurrency), '--lock-seconds', String(lockSeconds));
  if (threads !== undefined) args.push('--threads', String(threads));
  return launch(process.execPath, args, cwd, env, /workbench worker/);
}
