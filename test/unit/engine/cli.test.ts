/** The CLI: bad input exits with code 2 and a message naming the value or flag, writing nothing; output reads like the pages. */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, workbenchCli } from '../../helpers/cli.ts';
import { formatNumber } from '../../../shared/format.ts';
import { variantPaths } from '../../../server/registry/variant-paths.ts';
import { resumePoint } from '../../../server/training/train-variant.ts';

let results: string;

beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

const workbench = (...args: string[]) => workbenchCli(args, { WORKBENCH_RESULTS_DIR: results });

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
    [['--learning-rate', '0'], '0 is too small; allowed: a number above 0 and at most 1'],
    [['--weight-decay', '1e3'], '1000 is too large; allowed: a number from 0 to 100'],
    [['--weight-decay', 'lots'], '--weight-decay "lots" is not a number'],
    [['--resume', '--overwrite'], '--overwrite cannot be combined with --resume'],
    [['--resume', '--no-adaptive-checkpoints'], '--no-adaptive-checkpoints cannot be combined with --resume'],
    [['--prime', '7', '--resume'], 'cannot resume variant modulo_addition_1layer_p7_seed999: it saved no resumable checkpoint'],
  ])('rejects %j', async (args, message) => {
    const { code, stderr } = await workbench('train', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(await readdir(results)).toEqual([]);
  });

  it('trains a small variant, says which backend it used and writes losses as the pages do', async () => {
    const { code, stdout, stderr } = await workbench(
      'train',
      '--prime',
      '5',
      '--epochs',
      '3',
      '--backend',
      'portable',
      '--no-adaptive-checkpoints',
    );
    expect(code).toBe(0);
    const metadata = JSON.parse(
      await readFile(variantPaths(results, 'modulo_addition_1layer', 'modulo_addition_1layer_p5_seed999').metadata, 'utf8'),
    );
    expect(metadata.adaptive_checkpoint_rule).toBeNull();
    expect(stderr).toContain('with the portable matrix-multiply backend');
    expect(stdout).toContain('Training complete!');
    expect(stdout).toContain('Checkpoints: 2');
    expect(stderr).toMatch(/epoch 3\/3 {2}train \S+ \(\d+(\.\d)? %\) {2}test \S+ \(\d+(\.\d)? %\)/);
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

describe('workbench train --init-from', () => {
  it('names the run by the weights it starts from, and names it so to continue it', async () => {
    const start = variantPaths(results, 'modulo_addition_1layer', 'modulo_addition_1layer_p5_seed999').checkpoint(2);
    const first = await workbench('train', '--prime', '5', '--seed', '4', '--epochs', '3', '--init-from', start, '--backend', 'portable');
    expect(first.code).toBe(0);
    const name = /Training (modulo_addition_1layer_p5_seed4_init[0-9a-f]{8}) /.exec(first.stderr)?.[1];
    expect(name).toBeDefined();
    const metadata = JSON.parse(await readFile(variantPaths(results, 'modulo_addition_1layer', name!).metadata, 'utf8'));
    expect(metadata.init_from).toBe(start);

    // Without --init-from these flags name the seeded variant, which has no run to continue.
    expect((await workbench('train', '--prime', '5', '--seed', '4', '--continue-to', '5')).stderr).toContain(
      'modulo_addition_1layer_p5_seed4 has no completed run to continue',
    );
    const continued = await workbench('train', '--prime', '5', '--seed', '4', '--continue-to', '5', '--init-from', start);
    expect(continued.code).toBe(0);
    expect(JSON.parse(await readFile(variantPaths(results, 'modulo_addition_1layer', name!).metadata, 'utf8')).num_epochs).toBe(5);

    const wrongSize = await workbench('train', '--prime', '7', '--epochs', '3', '--init-from', start);
    expect(wrongSize.code).toBe(2);
    expect(wrongSize.stderr).toContain(`cannot start from ${start}: embed.W_E has shape [6,128]; expected [8,128] for p = 7`);
  });
});

describe('workbench train --resume after a SIGKILL', () => {
  const variant = 'modulo_addition_1layer_p23_seed999_dseed3_wd0.5';
  const flags = ['--prime', '23', '--data-seed', '3', '--weight-decay', '0.5', '--epochs', '150', '--checkpoints', '0,10,20,40,80,120'];
  const run = (root: string, ...extra: string[]) => workbench('train', ...flags, '--backend', 'portable', '--results', root, ...extra);

  it('finishes the killed run bit for bit as a clean run', { timeout: 120_000 }, async () => {
    const clean = await mkdtemp(join(tmpdir(), 'cli-test-'));
    const killed = await mkdtemp(join(tmpdir(), 'cli-test-'));
    try {
      expect((await run(clean)).code).toBe(0);

      const paths = variantPaths(killed, 'modulo_addition_1layer', variant);
      const child = spawn(process.execPath, [CLI_ENTRY, 'train', ...flags, '--backend', 'portable', '--results', killed], {
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Kill it once a commit point beyond the first checkpoint is on disk, before it completes.
      for (;;) {
        const from = await resumePoint(paths);
        if (from !== null && from > 1) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(await readdir(paths.dir)).not.toContain('metadata.json');
      const from = (await resumePoint(paths))!;
      expect(from).toBeGreaterThan(1);
      expect(from).toBeLessThan(150);

      const resumed = await run(killed, '--resume');
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toContain(`Resuming ${variant} at epoch`);
      expect(resumed.stdout).toContain('Training complete!');

      const cleanPaths = variantPaths(clean, 'modulo_addition_1layer', variant);
      const [a, b] = await Promise.all(
        [readFile(cleanPaths.metadata, 'utf8'), readFile(paths.metadata, 'utf8')].map(async (text) => JSON.parse(await text)),
      );
      for (const key of [
        'train_losses',
        'test_losses',
        'train_accuracies',
        'test_accuracies',
        'checkpoint_epochs',
        'adaptive_checkpoints',
      ]) {
        expect(a[key], key).toBeDefined();
        expect(b[key], key).toEqual(a[key]);
      }
      expect(b.segments).toHaveLength(2);
      const checkpoints = await readdir(cleanPaths.checkpointsDir);
      expect((await readdir(paths.checkpointsDir)).sort()).toEqual(checkpoints.sort());
      for (const file of [...checkpoints.map((name) => join('checkpoints', name)), 'optimizer_state.safetensors', 'config.json']) {
        expect((await readFile(join(paths.dir, file))).equals(await readFile(join(cleanPaths.dir, file))), file).toBe(true);
      }
      expect((await readdir(paths.dir)).sort()).toEqual(['checkpoints', 'config.json', 'metadata.json', 'optimizer_state.safetensors']);
    } finally {
      await rm(clean, { recursive: true, force: true });
      await rm(killed, { recursive: true, force: true });
    }
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
    expect(stdout).toMatch(/^Checkpoints analyzed: all \d+$/m);
    // A second run finds every result there.
    const again = await workbench('analyze', '--variant', 'modulo_addition_1layer_p5_seed999', '--analyzers', 'dominant_frequencies');
    expect(again.stdout).toMatch(/^Checkpoints analyzed: none \(all \d+ had their results already\)$/m);
  });
});

it('prints its version and help', async () => {
  const { APP_VERSION } = await import('../../../version.ts');
  expect((await workbench('--version')).stdout.trim()).toBe(APP_VERSION);
  expect((await workbench('--help')).stdout).toContain('train');
});
