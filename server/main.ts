/** Starts the workbench server: `npm start` (after a build) or `npm run serve`. */
import { createServer, STATUS_CODES } from 'node:http';
import { isIPv6, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { APP_VERSION } from '../version.ts';
import { createApp } from './app.ts';
import { REPO_ROOT } from './config.ts';
import { errorBody } from './http/errors.ts';
import { LOOPBACK_HOSTS } from './http/guard.ts';
import { loadSettings } from './settings.ts';

const loaded = await loadSettings(process.env);
if ('problems' in loaded) {
  process.stderr.write(loaded.problems.map((line) => `${line}\n`).join(''));
  process.exit(1);
}
const { settings } = loaded;
const { host, port, paths } = settings;

const { app, jobs } = createApp({ ...settings, distDir: resolve(REPO_ROOT, 'dist'), warmProbes: true });

const listener = getRequestListener(app.fetch, {
  hostname: host,
  // Only requests node-server cannot turn into a URL (a malformed Host or path) land here, before the app.
  errorHandler: (error) =>
    new Response(JSON.stringify(errorBody(400, `bad request: ${(error as Error).message}`)), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    }),
});
// A request without a Host header goes on to the app, whose guard refuses it in the API's format.
const server = createServer({ requireHostHeader: false }, listener);
// Requests Node's parser refuses (headers over 16 KiB, bytes not allowed in a request line) never
// reach the app: answer them in the API's error format too, then close the connection.
server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
  if (!socket.writable) return socket.destroy();
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = status === 431 ? 'the request line and headers are larger than 16 KiB' : `bad request: ${error.message}`;
  const body = JSON.stringify(errorBody(status, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
});
server.on('error', (error) => {
  process.stderr.write(`cannot listen on ${host}:${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(`Training Dynamics Workbench ${APP_VERSION}`);
  console.log(`  results:  ${paths.resultsDir}`);
  console.log(`  families: ${paths.familiesDir}`);
  console.log(`  hosts:    ${[...new Set([...LOOPBACK_HOSTS, ...settings.allowedHosts])].join(', ')}`);
  console.log(`  open http://${isIPv6(host) ? `[${host}]` : host}:${(server.address() as AddressInfo).port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    await jobs.close();
    server.close(() => process.exit(0));
    // Open SSE streams would keep close() waiting; do not hang the shutdown on them.
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
