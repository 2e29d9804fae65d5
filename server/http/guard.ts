/**
 * Who may ask the server for what, checked before anything else (API and static files alike):
 * - the host the request names must be this server's, so a page on a DNS-rebinding name
 *   (evil.example resolving to 127.0.0.1) can neither read nor change anything;
 * - a state-changing request from a browser (it carries an Origin) must come from the app's own
 *   origin or one of WORKBENCH_CORS_ORIGINS; scripts and curl send no Origin and pass;
 * - a request body is at most 256 KiB and, on a state-changing request, JSON — a form or
 *   text/plain POST, which browsers send cross-site without asking, is refused.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sendError } from './errors.ts';

/** Host names every server answers to, as they appear in a Host header. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export const MAX_BODY_BYTES = 256 * 1024;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Refusal {
  status: 403 | 415;
  message: string;
}

export interface GuardOptions {
  /** Host names (no port) answered besides LOOPBACK_HOSTS: lower case, IPv6 in brackets. */
  allowedHosts: readonly string[];
  /** Origins besides the app's own allowed to send state-changing requests. */
  corsOrigins: readonly string[];
}

/** The name in a Host header, lower case and without its port: "[::1]:8787" → "[::1]". */
export function hostName(host: string): string {
  return host.toLowerCase().replace(/:\d*$/, '');
}

/**
 * Refused unless every name the request gives its host by is served: the Host header and the URL's
 * host, which differ only for an absolute-form target, where the URL's counts (RFC 9112 §3.2.2).
 */
export function hostRefusal(hosts: readonly string[], allowedHosts: ReadonlySet<string>): Refusal | undefined {
  const foreign = hosts.map(hostName).find((name) => !allowedHosts.has(name));
  if (foreign === undefined) return undefined;
  return { status: 403, message: `host ${JSON.stringify(foreign)} is not served here; to serve it, add it to WORKBENCH_ALLOWED_HOSTS` };
}

/** `host` is the request's (already allowed) Host header: the app's own origin is http://<host>. */
export function originRefusal(
  method: string,
  origin: string | undefined,
  host: string,
  corsOrigins: readonly string[],
): Refusal | undefined {
  if (!STATE_CHANGING.has(method) || origin === undefined) return undefined;
  if (origin === `http://${host.toLowerCase()}` || corsOrigins.includes(origin)) return undefined;
  return {
    status: 403,
    message: `origin ${JSON.stringify(origin)} may not send ${method} requests here; to allow it, add it to WORKBENCH_CORS_ORIGINS`,
  };
}

export interface BodyHeaders {
  contentType?: string;
  contentLength?: string;
  transferEncoding?: string;
}

/** A request has a body only if it declares one (RFC 9112 §6.3), so a bare POST (cancel) passes. */
export function contentTypeRefusal(method: string, { contentType, contentLength, transferEncoding }: BodyHeaders): Refusal | undefined {
  const hasBody = transferEncoding !== undefined || Number(contentLength) > 0;
  if (!STATE_CHANGING.has(method) || !hasBody) return undefined;
  if (contentType?.split(';')[0]!.trim().toLowerCase() === 'application/json') return undefined;
  const given = contentType === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(contentType)}`;
  return { status: 415, message: `a ${method} body must be application/json; this one has ${given}` };
}

/** The guards in the order they must run; the size limit comes before the type so any oversized body is a 413. */
export function requestGuards({ allowedHosts, corsOrigins }: GuardOptions): MiddlewareHandler[] {
  const hosts = new Set([...LOOPBACK_HOSTS, ...allowedHosts.map((name) => name.toLowerCase())]);
  return [
    closeWhenBodyUnread,
    refuseWhen((c) => {
      const header = c.req.header('host');
      // Requests built in-process (app.request in tests) have no Host header, only their URL.
      if (header === undefined && fromNetwork(c)) return { status: 403, message: 'the request has no Host header' };
      const urlHost = new URL(c.req.url).host;
      const host = header ?? urlHost;
      return hostRefusal([host, urlHost], hosts) ?? originRefusal(c.req.method, c.req.header('origin'), host, corsOrigins);
    }),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        // The rest of the body stays unread, so this connection cannot carry another request.
        c.header('Connection', 'close');
        return sendError(c, 413, `the request body is larger than the ${MAX_BODY_BYTES / 1024} KiB limit`);
      },
    }),
    refuseWhen((c) =>
      contentTypeRefusal(c.req.method, {
        contentType: c.req.header('content-type'),
        contentLength: c.req.header('content-length'),
        transferEncoding: c.req.header('transfer-encoding'),
      }),
    ),
  ];
}

/**
 * An answer given before the request's body was read (any refusal, a 404) leaves the rest of the
 * body on the connection, where it would be parsed as the next request: say the connection closes.
 */
const closeWhenBodyUnread: MiddlewareHandler = async (c, next) => {
  await next();
  const hasBody = c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length')) > 0;
  if (hasBody && !c.req.raw.bodyUsed) c.res.headers.set('Connection', 'close');
};

function refuseWhen(check: (c: Context) => Refusal | undefined): MiddlewareHandler {
  return async (c, next) => {
    const refusal = check(c);
    if (refusal) return sendError(c, refusal.status, refusal.message);
    await next();
  };
}

function fromNetwork(c: Context): boolean {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming !== undefined;
}
