import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiErrorBody, FamiliesResponse, VariantsResponse } from '../../../shared/api.ts';
import { createApp } from '../../../server/app.ts';
import { makeTempWorkbench, type TempWorkbench } from '../../helpers/temp-workbench.ts';

let wb: TempWorkbench;
beforeEach(async () => {
  wb = await makeTempWorkbench();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await wb.cleanup();
});

const request = (path: string) => createApp({ paths: wb }).app.request(path);

describe('registry routes', () => {
  it('GET /api/families lists families with defaults, and the warnings of broken ones', async () => {
    await mkdir(join(wb.familiesDir, 'broken'));
    await writeFile(join(wb.familiesDir, 'broken', 'family.json'), 'not json');
    const res = await request('/api/families');
    expect(res.status).toBe(200);
    const body = (await res.json()) as FamiliesResponse;
    expect(body.families.map((f) => f.name)).toEqual(['modulo_addition_1layer', 'modulo_subtraction_1layer']);
    expect(body.families[0]!.defaults).toEqual({ prime: 113, seed: 999 });
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]!.file).toContain('broken/family.json');
  });

  it('GET /api/families/:family/variants lists discovered variants with state', async () => {
    await mkdir(join(wb.resultsDir, 'modulo_addition_1layer', 'modulo_addition_1layer_p113_seed999', 'checkpoints'), { recursive: true });
    const res = await request('/api/families/modulo_addition_1layer/variants');
    expect(res.status).toBe(200);
    const body = (await res.json()) as VariantsResponse;
    expect(body.variants).toEqual([
      {
        name: 'modulo_addition_1layer_p113_seed999',
        family: 'modulo_addition_1layer',
        params: { prime: 113, seed: 999 },
        training: { data_seed: 598, training_fraction: 0.3, learning_rate: 0.001, weight_decay: 1 },
        state: 'untrained',
        checkpointEpochs: [],
      },
    ]);
  });

  it('answers an unknown family with a JSON 404', async () => {
    const res = await request('/api/families/no_such_family/variants');
    expect(res.status).toBe(404);
    expect(((await res.json()) as ApiErrorBody).error.message).toBe('unknown family "no_such_family"');
  });

  it.each(['..%2F..%2Fetc', '.hidden', 'a%2Fb'])('answers a path-like family name %s with a 400 naming the field', async (name) => {
    const res = await request(`/api/families/${name}/variants`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ApiErrorBody;
    expect(body.error.fields?.[0]?.field).toBe('family');
  });

  it('answers unknown API paths with a JSON 404, not the app page', async () => {
    const res = await request('/api/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});
