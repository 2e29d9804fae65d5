/**
 * The request guards and the settings check against the real server process. Requests go through
 * node:http, since fetch does not let a caller set the Host header.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../shared/api.ts';
import type { JobRecord, JobsResponse } from '../../shared/jobs.ts';
import { REPO_ROOT } from '../../server/config.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const CORS_ORIGIN = 'http://notebook.example:5173';
const LAN_NAME = 'workbench.lan';
const TRAIN_JOB = JSON.stringify({
  kind: 'train',
  family: 'modulo_addition_1layer',
  params: { prime: 7, seed: 1 },
  training: { num_epochs: 20, checkpoint_epochs: [0, 10] },
});

const root = mkdtempSync(join(tmpdir(), 'workbench-guards-'));
const resultsDir = join(root, 'results');
let server: RunningServer;
let port: number;

beforeAll(async () => {
  server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir, WORKBENCH_CORS_ORIGINS: CORS_ORIGIN, WORKBENCH_ALLOWED_HOSTS: LAN_NAME });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

interface Sent {
  method?: string;
  /** The Host header; null sends none. Default: 127.0.0.1:<port>. */
  host?: string | null;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request to the server on 127.0.0.1, with exactly the headers given. */
function send(
  path: string,
  { method = 'GET', host = `127.0.0.1:${port}`, headers = {}, body, chunked = false }: Sent = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const allHeaders = {
      ...(host === null ? {} : { host }),
      ...(body !== undefined && !chunked ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...headers,
    };
    const req = request({ host: '127.0.0.1', port, path, method, headers: allHeaders, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    // The server may answer (413) and close before a large body is all sent; the answer is what counts.
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const errorOf = (answer: Answer) => (JSON.parse(answer.text) as ApiErrorBody).error;

/** Every file and folder under `dir`, relative to it. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

describe('Host header (DNS rebinding)', () => {
  it('refuses a rebinding-style job request: 403, no job, nothing written', async () => {
    const before = await tree(resultsDir);
    const answer = await send('/api/jobs', {
      method: 'POST',
      host: `rebind.evil.example:${port}`,
      headers: { origin: `http://rebind.evil.example:${port}`, 'content-type': 'application/json' },
      body: TRAIN_JOB,
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(answer)).toEqual({
      status: 403,
      message: 'host "rebind.evil.example" is not served here; to serve it, add it to WORKBENCH_ALLOWED_HOSTS',
    });

    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((JSON.parse((await send('/api/jobs')).text) as JobsResponse).jobs).toEqual([]);
    expect(await tree(resultsDir)).toEqual(before);
  });

  it.each(['/api/version', '/api/families', '/', '/viz', '/elements/training-page.js'])(
    'refuses GET %s naming another host',
    async (path) => {
      const answer = await send(path, { host: 'rebind.evil.example' });
      expect(answer.status).toBe(403);
      expect(errorOf(answer).message).toContain('"rebind.evil.example"');
    },
  );

  it('refuses a request without a Host header, a CORS preflight for another host, and an absolute-form target naming another host', async () => {
    const noHost = await send('/api/version', { host: null });
    expect(noHost.status).toBe(403);
    expect(errorOf(noHost)).toEqual({ status: 403, message: 'the request has no Host header' });

    const preflight = await send('/api/jobs', {
      method: 'OPTIONS',
      host: 'rebind.evil.example',
      headers: { origin: CORS_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();

    const absolute = await send('http://rebind.evil.example/api/version');
    expect(absolute.status).toBe(403);
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT', '[::1]:PORT', 'localhost', 'LocalHost:PORT', `${LAN_NAME}:PORT`])(
    'serves Host %s',
    async (host) => {
      const answer = await send('/api/version', { host: host.replace('PORT', String(port)) });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toHaveProperty('version');
    },
  );
});

describe('Origin of state-changing requests', () => {
  it('refuses a POST from a foreign origin with a valid Host, naming the origin', async () => {
    const answer = await send('/api/jobs', {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: TRAIN_JOB,
    });
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toEqual({
      status: 403,
      message: 'origin "http://evil.example" may not send POST requests here; to allow it, add it to WORKBENCH_CORS_ORIGINS',
    });
    expect((await send(`/api/jobs/nope/cancel`, { method: 'POST', headers: { origin: `http://localhost:${port}` } })).status).toBe(403);
    expect((JSON.parse((await send('/api/jobs')).text) as JobsResponse).jobs).toEqual([]);
  });

  it('lets the configured CORS origin through, with CORS headers', async () => {
    const answer = await send('/api/jobs', {
      method: 'POST',
      headers: { origin: CORS_ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(400); // reached the route, which checks the job
    expect(errorOf(answer).message).toMatch(/^invalid job/);
    expect(answer.headers['access-control-allow-origin']).toBe(CORS_ORIGIN);
  });

  it('lets requests without an Origin (scripts) through, and a bare POST needs no content type', async () => {
    expect((await send('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    const cancel = await send('/api/jobs/nope/cancel', { method: 'POST' });
    expect(cancel.status).toBe(404);
    expect(errorOf(cancel).message).toBe('no job nope');
  });
});

describe('request bodies', () => {
  it.each([
    [{ 'content-type': 'text/plain' }, 'Content-Type "text/plain"'],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 'Content-Type "application/x-www-form-urlencoded"'],
    [{}, 'no Content-Type'],
  ])('refuses a JSON text sent with %j: 415 naming application/json', async (headers, given) => {
    const answer = await send('/api/jobs', { method: 'POST', headers, body: TRAIN_JOB });
    expect(answer.status).toBe(415);
    expect(errorOf(answer)).toEqual({ status: 415, message: `a POST body must be application/json; this one has ${given}` });
  });

  it('accepts application/json with a charset', async () => {
    const answer = await send('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8' }, body: '{}' });
    expect(answer.status).toBe(400);
  });

  it.each([false, true])('refuses a 1 MiB body (chunked: %s) with a JSON 413 naming the limit', async (chunked) => {
    const answer = await send('/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `"${'x'.repeat(1024 * 1024)}"`,
      chunked,
    });
    expect(answer.status).toBe(413);
    expect(errorOf(answer)).toEqual({ status: 413, message: 'the request body is larger than the 256 KiB limit' });
    // The unread rest of the body ends the connection; a kept-alive one would hang up the next request.
    expect(answer.headers.connection).toBe('close');
    expect((await send('/api/version')).status).toBe(200);
  });

  it('still starts the same job from the app’s own origin', async () => {
    const answer = await send('/api/jobs', {
      method: 'POST',
      host: `localhost:${port}`,
      headers: { origin: `http://localhost:${port}`, 'content-type': 'application/json' },
      body: TRAIN_JOB,
    });
    expect(answer.status).toBe(202);
    const job = JSON.parse(answer.text) as JobRecord;
    await expect
      .poll(async () => (JSON.parse((await send(`/api/jobs/${job.id}`)).text) as JobRecord).state, { timeout: 60_000 })
      .toBe('succeeded');
  });
});

/** Starts the server with `env` and waits for it to exit on its own. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', WORKBENCH_RESULTS_DIR: resultsDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not stop on its own:\n${stdout}${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('settings checked at start', () => {
  it.each([
    ['PORT', 'abc', 'must be a whole number from 0 to 65535'],
    ['WORKBENCH_MAX_JOBS', '0', 'must be a whole number from 1 to 64'],
    ['WORKBENCH_MAX_JOBS', 'abc', 'must be a whole number from 1 to 64'],
    ['WORKBENCH_GEMM', 'gpu', 'must be native or portable'],
    ['WORKBENCH_CORS_ORIGINS', 'http://localhost:5173/app', 'is not an origin'],
    ['WORKBENCH_ALLOWED_HOSTS', 'workbench.lan:8787', 'is not a host name'],
    ['WORKBENCH_FAMILIES_DIR', join(root, 'no-such-folder'), 'must be an existing folder'],
    ['WORKBENCH_RESULTS_DIR', join(root, 'a-file', 'results'), 'must be a folder the server can create and write in'],
  ])('stops on %s=%s with one line on stderr naming it', async (name, value, allowed) => {
    await writeFile(join(root, 'a-file'), '');
    const { code, stdout, stderr } = await runToExit({ [name]: value });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`invalid setting ${name}=${JSON.stringify(value)}: `), lines[0]).toBe(true);
    expect(lines[0]).toContain(allowed);
  });

  it('stops with one line when the port is taken', async () => {
    const { code, stderr } = await runToExit({ PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`)),
    ]);
  });
});
