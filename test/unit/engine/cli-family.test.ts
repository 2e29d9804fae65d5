/** The CLI for a family other than the default: its flags are its family.json's domain parameters. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { workbenchCli } from '../../helpers/cli.ts';

const FAMILY = 'modulo_subtraction_1layer';
let results: string;

beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'cli-family-test-'));
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

const workbench = (...args: string[]) => workbenchCli(args, { WORKBENCH_RESULTS_DIR: results });

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
