/**
 * `workbench sweep` against the real server: it queues the grid, follows it to the end and
 * exits 0; run again, it reports the variants as skipped; bad input exits 2 naming the value.
 * And `workbench worker` refuses a queue that is not a Redis address.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workbenchCli } from '../helpers/cli.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

let resultsDir: string;
let server: RunningServer;

beforeAll(async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'workbench-sweep-cli-'));
  server = await startServer({ WORKBENCH_RESULTS_DIR: resultsDir });
});
afterAll(async () => {
  await server?.stop();
  await rm(resultsDir, { recursive: true, force: true });
});

const workbench = (args: string[]) => workbenchCli(args);

describe('workbench sweep', () => {
  it('trains a grid through the server, following it to the end, and skips it the second time', async () => {
    const args = ['sweep', '--primes', '11,13', '--seeds', '1', '--epochs', '60', '--server', server.url];
    const first = await workbench(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/sweep \S+: running, \d+% .*; 2 variant\(s\)/);
    expect(first.stdout).toContain('modulo_addition_1layer_p11_seed1: succeeded');
    expect(first.stdout).toContain('modulo_addition_1layer_p13_seed1: succeeded');
    expect(first.stdout).toMatch(/sweep \S+: succeeded, 100% \(2 succeeded\)\n$/);

    const again = await workbench(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      'skipped modulo_addition_1layer_p11_seed1: variant modulo_addition_1layer_p11_seed1 already exists (trained); confirm overwrite to replace it',
    );
  });

  it('exits 2 naming a wrong value, a missing list or no server', async () => {
    const notPrime = await workbench(['sweep', '--primes', '11,12', '--seeds', '1', '--server', server.url]);
    expect([notPrime.code, notPrime.stderr]).toEqual([2, expect.stringContaining('params.prime[1]')]);
    const missing = await workbench(['sweep', '--primes', '11', '--server', server.url]);
    expect([missing.code, missing.stderr]).toEqual([2, 'error: --primes and --seeds are required\n']);
    const text = await workbench(['sweep', '--primes', '11,x', '--seeds', '1', '--server', server.url]);
    expect(text.stderr).toContain('"x" is not a number');
    const nobody = await workbench(['sweep', '--primes', '11', '--seeds', '1', '--server', 'http://127.0.0.1:9']);
    expect([nobody.code, nobody.stderr]).toEqual([2, expect.stringContaining('no workbench server answers at http://127.0.0.1:9')]);
  });
});

describe('workbench worker', () => {
  it('refuses a queue that is not a Redis address', async () => {
    const { code, stderr } = await workbench(['worker', '--queue', 'http://redis:6379']);
    expect(code).toBe(2);
    expect(stderr).toContain('is not a Redis address; allowed: redis://host:port');
  });
});
