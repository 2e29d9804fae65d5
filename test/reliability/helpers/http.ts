/**
 * Requests through node:http, so a path goes out exactly as written (fetch would resolve `..` and
 * `%2e%2e` itself), each with a deadline: a request that does not finish in time is a hang.
 */
import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** From sending the request to the end of the response. */
  ms: number;
  /** The client side's port: which connection carried it. */
  localPort?: number;
}

export interface RequestOptions {
  method?: string;
  body?: string | Buffer;
  /** Added to `content-type: application/json` when there is a body (set it to undefined to omit it). */
  headers?: Record<string, string | undefined>;
  /** Default: one keep-alive connection pool per base URL. */
  agent?: http.Agent | false;
  timeoutMs?: number;
}

export const REQUEST_TIMEOUT_MS = 10_000;

const agents = new Map<string, http.Agent>();
/** When each pooled connection was last returned to the pool. */
const freedAt = new WeakMap<object, number>();

export function agentFor(base: string): http.Agent {
  let agent = agents.get(base);
  if (!agent) {
    agents.set(base, (agent = new http.Agent({ keepAlive: true, maxSockets: 8 })));
    agent.on('free', (socket) => freedAt.set(socket, performance.now()));
  }
  return agent;
}

/** Idle times of the pooled connections whose request was sent again (the figures print them). */
export const resentAfterIdleClose: number[] = [];

/** Node's http server closes a connection idle this long (server.keepAliveTimeout). */
const SERVER_KEEP_ALIVE_MS = 5000;

export class RequestError extends Error {}

/**
 * Sends a request; a request that a pooled connection lost because the server closed that
 * connection for idleness just as it was reused (it sat in the pool for about the server's
 * keep-alive timeout) is sent once more, as Node's documentation advises. Any other lost
 * connection is an error.
 */
export async function request(base: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  try {
    return await send(base, path, options);
  } catch (error) {
    const idle = (error as { idleMs?: number }).idleMs;
    if (idle !== undefined && idle >= SERVER_KEEP_ALIVE_MS - 1000) {
      resentAfterIdleClose.push(idle);
      return send(base, path, options);
    }
    throw error;
  }
}

function send(base: string, path: string, options: RequestOptions): Promise<Reply> {
  const { method = 'GET', body, agent = agentFor(base), timeoutMs = REQUEST_TIMEOUT_MS } = options;
  const url = new URL(base);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  })) {
    if (value !== undefined) headers[name] = value;
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(new RequestError(`${method} ${shorten(path)}: the response broke off: ${error.message}`));
        });
        res.on('end', () => {
          clearTimeout(timer);
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: all,
            text: all.toString('utf8'),
            ms: performance.now() - started,
            localPort,
          });
        });
      });
    } catch (error) {
      // Refused by node:http before sending (a character a request line cannot hold): a broken test case.
      throw new Error(`${method} ${shorten(path)} cannot be sent: ${(error as Error).message}`, { cause: error });
    }
    const timer = setTimeout(() => {
      req.destroy();
      reject(new RequestError(`${method} ${shorten(path)} did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    let idleMs: number | undefined;
    let localPort: number | undefined;
    req.on('socket', (socket) => {
      const freed = freedAt.get(socket);
      if (req.reusedSocket && freed !== undefined) idleMs = performance.now() - freed;
      localPort = socket.localPort;
      if (localPort === undefined) socket.once('connect', () => (localPort = socket.localPort));
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      const reused = idleMs === undefined ? '' : ` (on pooled connection :${localPort} idle for ${idleMs.toFixed(0)} ms)`;
      reject(Object.assign(new RequestError(`${method} ${shorten(path)}: ${error.message}${reused}`), { idleMs, localPort }));
    });
    req.end(body);
  });
}

/** A request that must succeed with JSON: its parsed body. */
export async function json<T>(base: string, path: string, options: RequestOptions & { expect?: number } = {}): Promise<T> {
  const reply = await request(base, path, options);
  if (reply.status !== (options.expect ?? 200))
    throw new Error(`${options.method ?? 'GET'} ${path} answered ${reply.status}: ${reply.text.slice(0, 500)}`);
  return JSON.parse(reply.text) as T;
}

export function post(base: string, path: string, body: unknown, options: RequestOptions = {}): Promise<Reply> {
  return request(base, path, { ...options, method: 'POST', body: JSON.stringify(body) });
}

export function shorten(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
