/** The CLI for a family other than the default: its flags are its family.json's domain parameters. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = new URL('../../../server/cli/main.ts', import.meta.url).pathname;
const FAMILY = 'modulo_subtraction_1layer';
let results: string;

beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'cli-family-test-'));
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

it('refuses an unknown family and a flag that is no parameter of the family', async () => {
  expect(await workbench('train', '--family', 'modulo_division')).toMatchObject({
    code: 2,
    stderr: expect.stringContaining(`allowed: modulo_addition_1layer, ${FAMILY}`),
  });
  expect(await workbench('train', '--family', FAMILY, '--modulus', '7')).toMatchObject({
    code: 2,
    stderr: expect.stringContaining("Unknown option '--modulus'"),
  });
  expect(await workbench('analyze', '--variant', 'modulo_division_p7_seed2')).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('is not a variant name of any family'),
  });
  expect(await readdir(results)).toEqual([]);
});

it('trains a subtraction variant, then analyzes it with the family found from the variant name', async () => {
  const trained = await workbench('train', '--family', FAMILY, '--prime', '7', '--seed', '2', '--epochs', '3', '--backend', 'portable');
  expect(trained.code).toBe(0);
  expect(trained.stdout).toContain(`Variant: ${FAMILY}_p7_seed2`);
  const dir = join(results, FAMILY, `${FAMILY}_p7_seed2`);
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  expect(config).toMatchObject({ prime: 7, d_vocab: 8, d_vocab_out: 7, seed: 2, model_seed: 2 });
  const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  expect(metadata).toMatchObject({ family: FAMILY, params: { prime: 7, seed: 2 } });

  const analyzed = await workbench('analyze', '--variant', `${FAMILY}_p7_seed2`, '--analyzers', 'dominant_frequencies,landscape_flatness');
  expect(analyzed.code).toBe(0);
  expect(analyzed.stdout).toContain('Analysis complete!');
  expect(await readdir(join(dir, 'artifacts', 'landscape_flatness'))).toEqual([
    'epoch_00000.safetensors',
    'epoch_00002.safetensors',
    'summary.safetensors',
  ]);
});
