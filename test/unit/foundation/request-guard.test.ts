import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../../shared/api.ts';
import { createApp } from '../../../server/app.ts';
import { LOOPBACK_HOSTS, contentTypeRefusal, hostName, hostRefusal, originRefusal } from '../../../server/http/guard.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';

const served = new Set([...LOOPBACK_HOSTS, 'workbench.lan']);

describe('hostRefusal', () => {
  it.each(['localhost', 'localhost:8787', '127.0.0.1:1', '[::1]', '[::1]:8787', 'LOCALHOST:8787', 'workbench.lan:80'])(
    'serves %s',
    (host) => {
      expect(hostRefusal([host], served)).toBeUndefined();
    },
  );

  it.each([
    ['rebind.evil.example:8787', 'rebind.evil.example'],
    ['localhost.evil.example', 'localhost.evil.example'],
    ['127.0.0.1.nip.io', '127.0.0.1.nip.io'],
    ['evil.example, 127.0.0.1', 'evil.example, 127.0.0.1'],
    ['', ''],
  ])('refuses %j, naming %j and the setting', (host, name) => {
    expect(hostRefusal([host], served)).toEqual({
      status: 403,
      message: `host ${JSON.stringify(name)} is not served here; to serve it, add it to WORKBENCH_ALLOWED_HOSTS`,
    });
  });

  it('refuses when either name is foreign (an absolute-form target names the host in its URL)', () => {
    expect(hostRefusal(['127.0.0.1:8787', 'evil.example'], served)?.message).toContain('"evil.example"');
    expect(hostRefusal(['evil.example', '127.0.0.1:8787'], served)?.message).toContain('"evil.example"');
  });

  it('drops the port, keeping IPv6 brackets', () => {
    expect(['[::1]:80', '[::1]', 'Host.Example:', 'a:8787'].map(hostName)).toEqual(['[::1]', '[::1]', 'host.example', 'a']);
  });
});

describe('originRefusal', () => {
  const cors = ['http://localhost:5173'];

  it('lets through reads, requests without an Origin, the app’s own origin and the CORS origins', () => {
    expect(originRefusal('GET', 'http://evil.example', '127.0.0.1:8787', cors)).toBeUndefined();
    expect(originRefusal('POST', undefined, '127.0.0.1:8787', cors)).toBeUndefined();
    expect(originRefusal('POST', 'http://127.0.0.1:8787', '127.0.0.1:8787', cors)).toBeUndefined();
    expect(originRefusal('DELETE', 'http://localhost:8787', 'LocalHost:8787', cors)).toBeUndefined();
    expect(originRefusal('PATCH', 'http://localhost:5173', '127.0.0.1:8787', cors)).toBeUndefined();
  });

  it.each([
    ['POST', 'http://evil.example'],
    ['PUT', 'http://127.0.0.1:9999'],
    ['DELETE', 'https://127.0.0.1:8787'],
    ['POST', 'null'],
  ])('refuses %s from %s, naming it and the setting', (method, origin) => {
    expect(originRefusal(method, origin, '127.0.0.1:8787', cors)).toEqual({
      status: 403,
      message: `origin ${JSON.stringify(origin)} may not send ${method} requests here; to allow it, add it to WORKBENCH_CORS_ORIGINS`,
    });
  });
});

describe('contentTypeRefusal', () => {
  it('lets through JSON bodies, requests without a body and reads', () => {
    expect(contentTypeRefusal('POST', { contentType: 'application/json', contentLength: '2' })).toBeUndefined();
    expect(contentTypeRefusal('POST', { contentType: 'Application/JSON; charset=utf-8', transferEncoding: 'chunked' })).toBeUndefined();
    expect(contentTypeRefusal('POST', {})).toBeUndefined();
    expect(contentTypeRefusal('POST', { contentType: 'text/plain', contentLength: '0' })).toBeUndefined();
    expect(contentTypeRefusal('GET', { contentType: 'text/plain', contentLength: '5' })).toBeUndefined();
  });

  it.each([
    [{ contentType: 'text/plain', contentLength: '2' }, 'Content-Type "text/plain"'],
    [{ contentType: 'application/x-www-form-urlencoded', transferEncoding: 'chunked' }, 'Content-Type "application/x-www-form-urlencoded"'],
    [{ contentType: 'application/json-seq', contentLength: '2' }, 'Content-Type "application/json-seq"'],
    [{ contentLength: '2' }, 'no Content-Type'],
  ])('refuses a body with %j as 415, naming application/json', (headers, given) => {
    expect(contentTypeRefusal('POST', headers)).toEqual({
      status: 415,
      message: `a POST body must be application/json; this one has ${given}`,
    });
  });
});

describe('the guards in the app (in-process requests)', () => {
  let wb: TempWorkbench;
  beforeEach(async () => {
    wb = await makeTempWorkbench();
  });
  afterEach(() => wb.cleanup());

  const errorOf = async (res: Response) => ((await res.json()) as ApiErrorBody).error;

  it('judges a request without a Host header by its URL, as app.request builds it', async () => {
    const { app } = createApp({ paths: wb });
    expect((await app.request('/api/version')).status).toBe(200);
    expect((await app.request('http://evil.example/api/version')).status).toBe(403);
  });

  it('refuses a foreign Host header and serves one named in allowedHosts', async () => {
    const { app } = createApp({ paths: wb, allowedHosts: ['Workbench.LAN'] });
    const res = await app.request('/api/version', { headers: { host: 'rebind.evil.example' } });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({
      status: 403,
      message: 'host "rebind.evil.example" is not served here; to serve it, add it to WORKBENCH_ALLOWED_HOSTS',
    });
    expect((await app.request('/api/version', { headers: { host: 'workbench.lan:8787' } })).status).toBe(200);
  });

  it('refuses a foreign Origin, a non-JSON body and an oversized body before the route runs', async () => {
    const { app, jobs } = createApp({ paths: wb, corsOrigins: ['http://localhost:5173'] });
    const post = (headers: Record<string, string>, body = '{}') => app.request('/api/jobs', { method: 'POST', headers, body });
    expect(await errorOf(await post({ origin: 'http://evil.example', 'content-type': 'application/json' }))).toMatchObject({ status: 403 });
    expect(await errorOf(await post({ 'content-type': 'text/plain', 'content-length': '2' }))).toMatchObject({ status: 415 });
    const big = 'x'.repeat(300 * 1024);
    expect(await errorOf(await post({ 'content-type': 'application/json', 'content-length': String(big.length) }, big))).toEqual({
      status: 413,
      message: 'the request body is larger than the 256 KiB limit',
    });
    // The CORS origin reaches the route, which finds the job invalid.
    const allowed = await post({ origin: 'http://localhost:5173', 'content-type': 'application/json', 'content-length': '2' });
    expect(allowed.status).toBe(400);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(jobs.list()).toEqual([]);
  });
});
