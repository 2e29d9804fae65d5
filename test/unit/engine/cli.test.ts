/** The CLI: bad input exits with code 2 and a message naming the value or flag, writing nothing; output reads like the pages. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../../../shared/format.ts';

const run = promisify(execFile);
const MAIN = new URL('../../../server/cli/main.ts', import.meta.url).pathname;
let results: string;

beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

async function workbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, WORKBENCH_RESULTS_DIR: results },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('workbench train', () => {
  it.each([
    [['--prime', '100'], '100 is not a prime; allowed: a prime from 3 to 257'],
    [['--prime', '2'], '2 is too small; allowed: a prime from 3 to 257'],
    [['--fraction', '1.5'], '1.5 is not allowed; allowed: a fraction strictly between 0 and 1'],
    [['--epochs', '0'], '0 is too small; allowed: a whole number of epochs from 1 to 1,000,000'],
    [['--epochs', '10', '--checkpoints', '0,2.5'], '"2.5" is not a whole number'],
    [['--epochs', '10', '--checkpoints', '0,11'], '11 is beyond the run; allowed: epochs 0 to 9'],
    [['--seed', 'abc'], '--seed "abc" is not a number'],
    [['--backend', 'gpu'], '--backend "gpu" is not a backend; allowed: native, portable'],
    [['--prime', '7', '--continue-to', '20'], 'has no completed run to continue'],
  ])('rejects %j', async (args, message) => {
    const { code, stderr } = await workbench('train', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(await readdir(results)).toEqual([]);
  });

  it('trains a small variant, says which backend it used and writes losses as the pages do', async () => {
    const { code, stdout, stderr } = await workbench('train', '--prime', '5', '--epochs', '3', '--backend', 'portable');
    expect(code).toBe(0);
    expect(stderr).toContain('with the portable matrix-multiply backend');
    expect(stdout).toContain('Training complete!');
    expect(stdout).toContain('Checkpoints: 2');
    const losses = [...stdout.matchAll(/Final (?:train|test) loss: (\S+)/g)].map((match) => match[1]!);
    expect(losses).toHaveLength(2);
    for (const loss of losses) expect(loss).toBe(formatNumber(Number(loss)));
  });

  it('refuses to replace the trained variant, naming the --overwrite flag', async () => {
    const { code, stderr } = await workbench('train', '--prime', '5', '--epochs', '3', '--backend', 'portable');
    expect(code).toBe(2);
    expect(stderr).toContain('pass --overwrite to replace it');
  });
});

describe('workbench analyze', () => {
  it('says once that the analysis is complete', async () => {
    const { code, stdout, stderr } = await workbench(
      'analyze',
      '--variant',
      'modulo_addition_1layer_p5_seed999',
      '--analyzers',
      'dominant_frequencies',
    );
    expect(code).toBe(0);
    expect(`${stdout}${stderr}`.match(/Analysis complete/g)).toHaveLength(1);
  });
});

it('prints its version and help', async () => {
  const { APP_VERSION } = await import('../../../version.ts');
  expect((await workbench('--version')).stdout.trim()).toBe(APP_VERSION);
  expect((await workbench('--help')).stdout).toContain('train');
});
