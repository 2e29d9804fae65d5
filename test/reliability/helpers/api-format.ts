/** The API's one error format: `{ error: { status, message, fields? } }`, as JSON, with the HTTP status. */
import type { Reply } from './http.ts';

/** Why an error reply is not in the API's format, or undefined when it is. */
export function errorFormatProblem(reply: Reply, method = 'GET'): string | undefined {
  const type = String(reply.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/json'))
    return `content-type is ${JSON.stringify(type || '(none)')}, not application/json`;
  if (method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return `the body is not JSON: ${JSON.stringify(reply.text.slice(0, 200))}`;
  }
  if (!isObject(body) || Object.keys(body).join() !== 'error') return `the body is not { error }: ${reply.text.slice(0, 200)}`;
  const error = body.error;
  if (!isObject(error)) return 'error is not an object';
  const extra = Object.keys(error).filter((key) => !['status', 'message', 'fields'].includes(key));
  if (extra.length > 0) return `error has unexpected keys ${extra.join(', ')}`;
  if (error.status !== reply.status) return `error.status ${JSON.stringify(error.status)} is not the HTTP status ${reply.status}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'error.message is not a non-empty string';
  if (error.fields !== undefined) {
    if (!Array.isArray(error.fields)) return 'error.fields is not a list';
    for (const field of error.fields) {
      if (!isObject(field) || typeof field.field !== 'string' || typeof field.message !== 'string')
        return `error.fields has an entry that is not { field, message }: ${JSON.stringify(field).slice(0, 200)}`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a request path is under the API as the server reads it: resolved as a URL, so dot
 * segments, `%2e%2e` included, are resolved first (`/api/%2e%2e/x` is `/x`, outside the API).
 */
export function isApiPath(path: string): boolean {
  let resolved: string;
  try {
    resolved = new URL(`http://127.0.0.1${path}`).pathname;
  } catch {
    resolved = path;
  }
  return /^\/api(\/|$)/.test(resolved);
}
