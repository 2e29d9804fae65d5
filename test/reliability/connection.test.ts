/**
 * Requests refused before they reach the app, where Node's HTTP parser or the body limit answers:
 * they too must get the API's JSON error format, and must not break the client's next request.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/http/guard.ts';
import { errorFormatProblem } from './helpers/api-format.ts';
import { request, type Reply } from './helpers/http.ts';
import { makeResultsDir, startWorkbench, type Workbench } from './helpers/workbench.ts';

let results: Awaited<ReturnType<typeof makeResultsDir>>;
let server: Workbench;

beforeAll(async () => {
  results = await makeResultsDir('connection');
  server = await startWorkbench(results.dir);
});

afterAll(async () => {
  expect((await server?.shutdown()) ?? []).toEqual([]);
  await results?.remove();
});

/** One connection, written to by hand: `send` writes, `next` waits for the next whole response. */
function connect(): Promise<{
  send(data: string | Buffer): void;
  next(timeoutMs?: number): Promise<{ head: string; body: string } | 'closed' | 'timeout'>;
  close(): void;
}> {
  const { hostname, port } = new URL(server.url);
  const socket = net.connect(Number(port), hostname);
  let buffer = Buffer.alloc(0);
  let closed = false;
  let wake = () => {};
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    wake();
  });
  socket.on('close', () => {
    closed = true;
    wake();
  });
  socket.on('error', () => {});
  /** A response parsed off the front of the buffer (Content-Length bodies only), if whole. */
  const take = () => {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const head = buffer.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffer.length < end + 4 + length) return undefined;
    const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    buffer = buffer.subarray(end + 4 + length);
    return { head, body };
  };
  return new Promise((resolve) =>
    socket.once('connect', () =>
      resolve({
        send: (data) => socket.write(data),
        close: () => socket.destroy(),
        next: (timeoutMs = 5000) =>
          new Promise((settle) => {
            const timer = setTimeout(() => settle('timeout'), timeoutMs);
            const check = () => {
              const response = take();
              if (response) settle(response);
              else if (closed) settle('closed');
              else return;
              clearTimeout(timer);
            };
            wake = check;
            check();
          }),
      }),
    ),
  );
}

/** A raw response as a Reply, for the format check. */
function asReply(response: { head: string; body: string }): Reply {
  const [statusLine, ...lines] = response.head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(response.body), text: response.body, ms: 0 };
}

describe('requests refused below the app', () => {
  it("an /api URL longer than Node's 16 KiB header limit gets a JSON error", async () => {
    const reply = await request(server.url, `/api/families/${'a'.repeat(20_000)}/variants`, { agent: false });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(errorFormatProblem(reply), `${reply.status} ${JSON.stringify(reply.headers)} ${reply.text}`).toBeUndefined();
  });

  it('an /api request line with a raw non-ASCII byte gets a JSON error', async () => {
    const connection = await connect();
    connection.send(
      Buffer.concat([Buffer.from('GET /api/families/'), Buffer.from([0xfc]), Buffer.from('/variants HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')]),
    );
    const response = await connection.next();
    connection.close();
    expect(response).not.toBe('timeout');
    expect(response, 'the connection closed without a response').not.toBe('closed');
    const reply = asReply(response as { head: string; body: string });
    expect(reply.status).toBe(400);
    expect(errorFormatProblem(reply), `${response && (response as { head: string }).head}`).toBeUndefined();
  });

  /**
   * A request answered before its body is read: the rest of the body is still on the connection.
   * The server must either say `Connection: close` or go on serving that connection (what a client
   * reusing it expects): requests sent on it 0.1 s and 0.7 s after the body must be answered.
   */
  it.each([
    ['413, a body over the limit', '/api/jobs', { 'content-type': 'application/json' }, MAX_BODY_BYTES + 1000],
    ['415, a text/plain body', '/api/jobs', { 'content-type': 'text/plain' }, 200_000],
    ['403, a foreign Origin', '/api/jobs', { 'content-type': 'application/json', origin: 'http://evil.example' }, 200_000],
    [
      '404, a body for a route that takes none',
      '/api/jobs/20260101000000-deadbeef/cancel',
      { 'content-type': 'application/json' },
      200_000,
    ],
    ['404, a body for an unknown route', '/api/unknown', { 'content-type': 'application/json' }, 200_000],
  ])('answered early (%s): the keep-alive connection says it closes, or serves the next requests', async (_, path, headers, size) => {
    const connection = await connect();
    const head = Object.entries({ host: '127.0.0.1', ...headers, 'content-length': String(size) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    connection.send(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
    connection.send('x'.repeat(10_000));
    const early = await connection.next();
    expect(typeof early, `no early answer: ${String(early)}`).toBe('object');
    const reply = asReply(early as { head: string; body: string });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(errorFormatProblem(reply)).toBeUndefined();
    // The client goes on sending the body it announced.
    connection.send('x'.repeat(size - 10_000));
    if (/^connection: *close/im.test((early as { head: string }).head)) return connection.close();
    for (const wait of [100, 600]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      connection.send('GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      const next = await connection.next(3000);
      expect(
        next,
        `answered ${reply.status} with "${/^connection:.*$/im.exec((early as { head: string }).head)?.[0]}", then the server ${next === 'closed' ? 'closed the connection' : 'did not answer'}`,
      ).toMatchObject({ head: expect.stringMatching(/^HTTP\/1\.1 200/) });
    }
    connection.close();
  });
});
