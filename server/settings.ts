/**
 * The server's settings, read once from the environment at start and checked as a whole, so a
 * wrong value stops the server with a line naming it instead of failing later (a job that cannot
 * write its results, a port that is not a number, a CORS origin that never matches).
 * Unset means the default; a set value must be valid (lists may be empty).
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { isIP, isIPv6 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { resolvePaths, type WorkbenchPaths } from './config.ts';
import { defaultMaxJobs } from './jobs/cores.ts';

const MAX_JOBS_LIMIT = 64;

export interface Settings {
  /** The address the server listens on. */
  host: string;
  port: number;
  paths: WorkbenchPaths;
  corsOrigins: string[];
  /** Host names answered besides loopback (http/guard.ts): WORKBENCH_ALLOWED_HOSTS and HOST's own names. */
  allowedHosts: string[];
  maxConcurrentJobs: number;
  queue: QueueSetting;
}

/** Where jobs wait and run: in this server, or in BullMQ on Redis for `workbench worker` processes. */
export type QueueSetting = { kind: 'embedded' } | { kind: 'redis'; url: string };

export type ParsedSettings = { settings: Settings } | { problems: string[] };

/** Addresses meaning "every interface", which name no host a browser could ask for. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '[::]']);

const HOST_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i;

/** A host name or IP address as a Host header carries it (lower case, IPv6 in brackets); undefined if it is neither. */
function hostNameOrAddress(text: string): string | undefined {
  const unbracketed = text.replace(/^\[(.*)\]$/, '$1');
  if (isIPv6(unbracketed)) return `[${unbracketed.toLowerCase()}]`;
  return HOST_NAME.test(text) ? text.toLowerCase() : undefined;
}

/** `text` if it is exactly an http(s) origin as browsers send it (cors() compares strings). */
function origin(text: string): string | undefined {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text ? text : undefined;
  } catch {
    return undefined;
  }
}

/** This machine's host name and addresses: answered when listening on every interface, so the app opens at http://<LAN address>:PORT/. */
function machineHostNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
  return [hostname(), ...addresses].flatMap((name) => hostNameOrAddress(name) ?? []);
}

function wholeNumber(min: number, max: number) {
  const allowed = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, allowed)
    .transform(Number)
    .refine((n) => n >= min && n <= max, allowed);
}

/** A comma-separated list (empty by default), each item normalized by `parse`, which returns undefined for a wrong one. */
function list(what: string, rule: string, parse: (item: string) => string | undefined) {
  return z
    .string()
    .default('')
    .transform((text, ctx) => {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      const wrong = items.find((item) => parse(item) === undefined);
      if (wrong === undefined) return items.map((item) => parse(item)!);
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(wrong)} is not ${what}; ${rule}` });
      return z.NEVER;
    });
}

const folder = z.string().min(1, 'must be a folder path').optional();

const environmentSchema = z.object({
  HOST: z
    .string()
    .refine((text) => isIP(text) !== 0 || HOST_NAME.test(text), 'must be a host name or IP address to listen on')
    .default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(8787),
  WORKBENCH_RESULTS_DIR: folder,
  WORKBENCH_FAMILIES_DIR: folder,
  WORKBENCH_CORS_ORIGINS: list('an origin', 'each must be scheme://host[:port] without a path, e.g. http://localhost:5173', origin),
  WORKBENCH_ALLOWED_HOSTS: list(
    'a host name',
    'each must be a host name or IP address without a port, e.g. workbench.lan',
    hostNameOrAddress,
  ),
  WORKBENCH_MAX_JOBS: wholeNumber(1, MAX_JOBS_LIMIT).optional(),
  WORKBENCH_QUEUE: z
    .string()
    .refine(
      (text) => text === 'embedded' || /^rediss?:\/\/[^\s/]+(\/\d+)?$/.test(text),
      'must be embedded or a Redis URL such as redis://host:6379',
    )
    .default('embedded'),
  // Only checked here: job processes read it from the environment they inherit (engine/gemm/gemm.ts).
  WORKBENCH_GEMM: z.enum(['native', 'portable'], { error: 'must be native or portable' }).optional(),
});

/** One line naming the setting, its value and what is allowed. */
function problem(name: string, value: unknown, allowed: string): string {
  return `invalid setting ${name}=${JSON.stringify(value)}: ${allowed}`;
}

/**
 * The settings from `env`, or one line per wrong setting. Touches no files (see checkFolders);
 * `machineNames` is asked only when HOST is a wildcard address.
 */
export function parseSettings(env: Record<string, string | undefined>, machineNames = machineHostNames): ParsedSettings {
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    const problems = new Map<string, string>();
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      if (!problems.has(name)) problems.set(name, problem(name, env[name], issue.message));
    }
    return { problems: [...problems.values()] };
  }
  const parsed = result.data;
  const listenName = hostNameOrAddress(parsed.HOST)!;
  const ownNames = WILDCARD_ADDRESSES.has(listenName) ? machineNames() : [listenName];
  return {
    settings: {
      host: parsed.HOST,
      port: parsed.PORT,
      paths: resolvePaths({ resultsDir: parsed.WORKBENCH_RESULTS_DIR, familiesDir: parsed.WORKBENCH_FAMILIES_DIR }, {}),
      corsOrigins: parsed.WORKBENCH_CORS_ORIGINS,
      allowedHosts: [...new Set([...parsed.WORKBENCH_ALLOWED_HOSTS, ...ownNames])],
      maxConcurrentJobs: parsed.WORKBENCH_MAX_JOBS ?? defaultMaxJobs(),
      queue: parsed.WORKBENCH_QUEUE === 'embedded' ? { kind: 'embedded' } : { kind: 'redis', url: parsed.WORKBENCH_QUEUE },
    },
  };
}

/** What the schema cannot see: the results folder can be created and written in, the families folder exists. */
export async function checkFolders({ resultsDir, familiesDir }: WorkbenchPaths): Promise<string[]> {
  const problems: string[] = [];
  try {
    await mkdir(resultsDir, { recursive: true });
    const probe = join(resultsDir, `.write-check-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    problems.push(
      problem('WORKBENCH_RESULTS_DIR', resultsDir, `must be a folder the server can create and write in (${(error as Error).message})`),
    );
  }
  const families = await stat(familiesDir).catch(() => undefined);
  if (!families?.isDirectory()) problems.push(problem('WORKBENCH_FAMILIES_DIR', familiesDir, 'must be an existing folder'));
  return problems;
}

/** parseSettings, then checkFolders. */
export async function loadSettings(env: Record<string, string | undefined>): Promise<ParsedSettings> {
  const parsed = parseSettings(env);
  if ('problems' in parsed) return parsed;
  const problems = await checkFolders(parsed.settings.paths);
  return problems.length > 0 ? { problems } : parsed;
}
