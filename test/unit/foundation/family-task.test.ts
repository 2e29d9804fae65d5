/** The task a family declares: the labels of its operations, and family.json's `task` field. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TASK, familySchema, taskParams } from '../../../shared/family-schema.ts';
import { MODULAR_OPERATIONS } from '../../../shared/modular-operations.ts';
import { batchFromIndices, fullGrid } from '../../../server/training/data.ts';
import { REPO_ROOT } from '../../../server/config.ts';

const shipped = async (name: string) =>
  JSON.parse(await readFile(join(REPO_ROOT, 'server/families', name, 'family.json'), 'utf8')) as Record<string, unknown>;
const addition = await shipped('modulo_addition_1layer');
const subtraction = await shipped('modulo_subtraction_1layer');

describe('labels', () => {
  it('are (a − b) mod p, never negative, for subtraction', () => {
    // p = 5, written out: row a, column b.
    const table = [
      [0, 4, 3, 2, 1],
      [1, 0, 4, 3, 2],
      [2, 1, 0, 4, 3],
      [3, 2, 1, 0, 4],
      [4, 3, 2, 1, 0],
    ];
    expect(Array.from(fullGrid(5, 'subtract').labels)).toEqual(table.flat());
    for (const p of [3, 7, 11, 13]) {
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) expect(MODULAR_OPERATIONS.subtract(a, b, p)).toBe(a >= b ? a - b : a - b + p);
      }
    }
  });

  it('are (a + b) mod p for addition, at the grid indices asked for', () => {
    const batch = batchFromIndices(7, 'add', [0, 8, 48, 13]);
    expect([...batch.a]).toEqual([0, 1, 6, 1]);
    expect([...batch.b]).toEqual([0, 1, 6, 6]);
    expect([...batch.labels]).toEqual([0, 2, 5, 0]);
    expect([...batchFromIndices(7, 'subtract', [0, 8, 48, 13]).labels]).toEqual([0, 0, 0, 2]);
  });
});

describe('family.json task', () => {
  it('is declared by both shipped families, which differ only in it and their names', () => {
    const add = familySchema.parse(addition);
    const subtract = familySchema.parse(subtraction);
    expect(add.task).toEqual({ operation: 'add', modulus_parameter: 'prime', seed_parameter: 'seed' });
    expect(subtract.task).toEqual({ operation: 'subtract', modulus_parameter: 'prime', seed_parameter: 'seed' });
    expect(subtract.variant_pattern).toBe('modulo_subtraction_1layer_p{prime}_seed{seed}');
    expect(subtract.visualizations).toEqual(add.visualizations);
    expect({ ...subtract.architecture, analyzers: subtract.analyzers }).toEqual({ ...add.architecture, analyzers: add.analyzers });
  });

  it('defaults to addition modulo `prime`, seeded by `seed`, when absent', () => {
    const { task: _, ...withoutTask } = addition;
    expect(familySchema.parse(withoutTask).task).toEqual(DEFAULT_TASK);
    expect(DEFAULT_TASK).toEqual({ operation: 'add', modulus_parameter: 'prime', seed_parameter: 'seed' });
  });

  it('names the modulus and seed through any parameter names', () => {
    const params = {
      modulus: { ...(addition.domain_parameters as { prime: object }).prime },
      init: { type: 'int', description: 'seed', default: 1, min: 0, max: 9 },
    };
    const family = familySchema.parse({
      ...addition,
      domain_parameters: params,
      task: { operation: 'subtract', modulus_parameter: 'modulus', seed_parameter: 'init' },
      variant_pattern: 'x_m{modulus}_i{init}',
    });
    expect(taskParams(family, { modulus: 17, init: 4 })).toEqual({ modulus: 17, seed: 4 });
  });

  it.each([
    [{ operation: 'multiply', modulus_parameter: 'prime', seed_parameter: 'seed' }, 'task.operation'],
    [{ operation: 'add', modulus_parameter: 'p', seed_parameter: 'seed' }, 'task.modulus_parameter'],
    [{ operation: 'add', modulus_parameter: 'seed', seed_parameter: 'prime' }, 'task.modulus_parameter'],
    [{ operation: 'add', modulus_parameter: 'prime', seed_parameter: 'prime' }, 'task.seed_parameter'],
    [{ operation: 'add', modulus_parameter: 'prime' }, 'task.seed_parameter'],
  ])('refuses %j', (task, path) => {
    const result = familySchema.safeParse({ ...addition, task });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('refuses a modulus without the prime constraint: the Fourier analysis needs it odd', () => {
    const domain = addition.domain_parameters as { prime: Record<string, unknown>; seed: object };
    const { constraint: _, ...plain } = domain.prime;
    const result = familySchema.safeParse({ ...addition, domain_parameters: { ...domain, prime: plain } });
    expect(result.error!.issues.map((issue) => issue.message)).toEqual([
      '"prime" must be a declared int domain parameter with constraint "prime" and min at least 3',
    ]);
  });
});
