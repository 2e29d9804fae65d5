import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadFamilies } from '../../../server/registry/families.ts';
import { Registry, deriveVariantState } from '../../../server/registry/registry.ts';
import { encodeSafetensors } from '../../../server/storage/safetensors.ts';
import { makeTempWorkbench, touch, type TempWorkbench } from '../../helpers/temp-workbench.ts';

const FAMILY = 'modulo_addition_1layer';
let wb: TempWorkbench;

beforeEach(async () => {
  wb = await makeTempWorkbench();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await wb.cleanup();
});

async function addFamilyFile(folder: string, content: string) {
  await mkdir(join(wb.familiesDir, folder), { recursive: true });
  await writeFile(join(wb.familiesDir, folder, 'family.json'), content);
}

async function shippedFamilyWith(change: (json: Record<string, unknown>) => void, name: string) {
  const json = JSON.parse(await readFile(join(wb.familiesDir, FAMILY, 'family.json'), 'utf8')) as Record<string, unknown>;
  json.name = name;
  change(json);
  await addFamilyFile(name, JSON.stringify(json));
}

describe('family loading', () => {
  it('loads the shipped family with its parameter schema', async () => {
    const { families, warnings } = await loadFamilies(wb.familiesDir);
    expect(warnings).toEqual([]);
    const family = families.get(FAMILY)!;
    expect(family.display_name).toBe('Modulo Addition (1 Layer)');
    expect(family.domain_parameters.prime).toMatchObject({ type: 'int', default: 113, constraint: 'prime' });
    expect(family.domain_parameters.seed).toMatchObject({ type: 'int', default: 999 });
    expect(family.architecture).toMatchObject({ n_heads: 4, d_model: 128, d_head: 32, d_mlp: 512, n_ctx: 3 });
    expect(family.cross_epoch_analyzers).toEqual(['parameter_trajectory']);
  });

  it('skips a family with broken JSON, names the file, and still loads the others', async () => {
    await addFamilyFile('broken', '{ "name": "broken", ');
    const { families, warnings } = await loadFamilies(wb.familiesDir);
    expect([...families.keys()]).toEqual([FAMILY, 'modulo_subtraction_1layer']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.file).toBe(join(wb.familiesDir, 'broken', 'family.json'));
    expect(warnings[0]!.problem).toMatch(/^invalid JSON/);
  });

  it('skips a family that breaks the schema and says which field', async () => {
    await shippedFamilyWith((json) => delete json.variant_pattern, 'no_pattern');
    await shippedFamilyWith((json) => {
      (json.domain_parameters as Record<string, { default: number }>).prime!.default = 1000;
    }, 'bad_default');
    const { families, warnings } = await loadFamilies(wb.familiesDir);
    expect([...families.keys()]).toEqual([FAMILY, 'modulo_subtraction_1layer']);
    const byFolder = Object.fromEntries(warnings.map((w) => [w.file.split('/').at(-2), w.problem]));
    expect(byFolder.no_pattern).toContain('variant_pattern');
    expect(byFolder.bad_default).toContain('domain_parameters.prime');
    expect(byFolder.bad_default).toContain('default must lie within [min, max]');
  });

  it('rejects a pattern placeholder that is not a declared parameter', async () => {
    await shippedFamilyWith((json) => (json.variant_pattern = 'x_p{prime}_s{seed}_{lr}'), 'bad_placeholder');
    const { warnings } = await loadFamilies(wb.familiesDir);
    expect(warnings[0]!.problem).toContain('placeholder {lr} is not a declared domain parameter');
  });

  it('rejects a family whose folder differs from its name', async () => {
    await shippedFamilyWith(() => {}, 'renamed');
    const json = JSON.parse(await readFile(join(wb.familiesDir, 'renamed', 'family.json'), 'utf8'));
    json.name = 'other_name';
    await writeFile(join(wb.familiesDir, 'renamed', 'family.json'), JSON.stringify(json));
    const { warnings } = await loadFamilies(wb.familiesDir);
    expect(warnings[0]!.problem).toBe('name "other_name" differs from its folder "renamed"');
  });
});

describe('variant discovery and state', () => {
  const variantDir = (name: string) => join(wb.resultsDir, FAMILY, name);

  it('finds variant folders, ignores other folders, and sorts by parameters (p97 before p113), then by training settings', async () => {
    for (const name of [
      'modulo_addition_1layer_p113_seed999',
      'modulo_addition_1layer_p97_seed1',
      'modulo_addition_1layer_p97_seed0',
      'modulo_addition_1layer_p97_seed0_wd0.3',
      'modulo_addition_1layer_p97_seed0_dseed1_frac0.5',
      'modulo_addition_1layer_p97_seed0_dseed598',
      'notes',
      'modulo_addition_1layer_p113',
    ]) {
      await mkdir(variantDir(name), { recursive: true });
    }
    const registry = new Registry(wb);
    const family = (await registry.family(FAMILY))!;
    const variants = await registry.listVariants(family);
    expect(variants.map((v) => v.name)).toEqual([
      // Same domain parameters: by data seed, fraction, learning rate, weight decay.
      'modulo_addition_1layer_p97_seed0_dseed1_frac0.5',
      'modulo_addition_1layer_p97_seed0_wd0.3',
      'modulo_addition_1layer_p97_seed0',
      'modulo_addition_1layer_p97_seed1',
      'modulo_addition_1layer_p113_seed999',
    ]);
    expect(variants.every((v) => v.state === 'untrained')).toBe(true);
    expect(variants[0]).toMatchObject({
      params: { prime: 97, seed: 0 },
      training: { data_seed: 1, training_fraction: 0.5, learning_rate: 0.001, weight_decay: 1 },
    });
  });

  it('derives untrained → incomplete → trained → analyzed from the files', async () => {
    const registry = new Registry(wb);
    const family = (await registry.family(FAMILY))!;
    const name = 'modulo_addition_1layer_p113_seed999';
    const stateNow = async () => (await registry.variant(family, name))!;

    await mkdir(variantDir(name), { recursive: true });
    expect((await stateNow()).state).toBe('untrained');

    await touch(variantDir(name), [
      'checkpoints/checkpoint_epoch_00000.safetensors',
      'checkpoints/checkpoint_epoch_00100.safetensors',
      'checkpoints/notes.txt',
    ]);
    expect(await stateNow()).toMatchObject({ state: 'incomplete', checkpointEpochs: [0, 100] });
    expect((await stateNow()).resumableFromEpoch).toBeUndefined();

    // What an interrupted run leaves at its commit point after epoch 100 (§4.12): resumable with epoch 101.
    await writeFile(join(variantDir(name), 'optimizer_state.safetensors'), encodeSafetensors({}, { step: '101' }));
    await touch(variantDir(name), {
      'training_progress.json': JSON.stringify({ num_epochs: 500, train_losses: Array(101).fill(1), test_losses: Array(101).fill(1) }),
    });
    expect(await stateNow()).toMatchObject({ state: 'incomplete', resumableFromEpoch: 101 });

    await touch(variantDir(name), { 'metadata.json': '{}' });
    expect((await stateNow()).state).toBe('trained');
    expect((await stateNow()).resumableFromEpoch).toBeUndefined();

    await touch(variantDir(name), ['artifacts/dominant_frequencies/.epoch_00000.safetensors.123.tmp']);
    expect((await stateNow()).state).toBe('trained');

    // Analysis of checkpoint 0 only: checkpoint 100 still waits for it.
    await touch(variantDir(name), ['artifacts/dominant_frequencies/epoch_00000.safetensors']);
    expect((await stateNow()).state).toBe('trained');
    await touch(variantDir(name), ['artifacts/neuron_freq_norm/epoch_00100.safetensors']);
    expect((await stateNow()).state).toBe('analyzed');

    // A continuation adds a checkpoint: trained again until it is analyzed.
    await touch(variantDir(name), ['checkpoints/checkpoint_epoch_00200.safetensors']);
    expect((await stateNow()).state).toBe('trained');
    await touch(variantDir(name), ['artifacts/dominant_frequencies/epoch_00200.safetensors']);
    expect((await stateNow()).state).toBe('analyzed');
  });

  it('reports a running job over the files', () => {
    const files = { checkpoints: true, metadata: true, analyzed: false };
    expect(deriveVariantState(files, 'train')).toBe('training');
    expect(deriveVariantState(files, 'analyze')).toBe('analyzing');
    expect(deriveVariantState(files)).toBe('trained');
  });

  it('does not know a variant that has no folder or a foreign name', async () => {
    const registry = new Registry(wb);
    const family = (await registry.family(FAMILY))!;
    expect(await registry.variant(family, 'modulo_addition_1layer_p113_seed999')).toBeUndefined();
    expect(await registry.variant(family, '../etc')).toBeUndefined();
  });
});
