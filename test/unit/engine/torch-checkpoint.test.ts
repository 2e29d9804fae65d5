/**
 * Optional: a trained variant read back by PyTorch (test/fixtures/check_checkpoint.py recomputes the
 * stored losses from every checkpoint and the stored split). Runs only where /usr/bin/python3 can
 * import torch (Debian's python3-torch); elsewhere it is skipped and says why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { trainVariant } from '../../../server/training/train-variant.ts';
import { realFamily } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('../../fixtures/check_checkpoint.py', import.meta.url).pathname;

function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasTorch = torchAvailable();
if (!hasTorch) console.warn(`skipping the PyTorch checkpoint check: ${PYTHON} cannot import torch`);

it.skipIf(!hasTorch)('PyTorch reproduces the stored losses from the checkpoints', async () => {
  const results = await mkdtemp(join(tmpdir(), 'torch-check-'));
  try {
    const run = await trainVariant({
      resultsDir: results,
      family: await realFamily(),
      params: { prime: 11, seed: 4 },
      training: { num_epochs: 40, checkpoint_epochs: [0, 20] },
    });
    const output = execFileSync(PYTHON, [SCRIPT, run.dir], { encoding: 'utf8' });
    expect(output).toMatch(/largest relative difference: \d\.\d\de-(0[5-9]|[1-9]\d)/);
  } finally {
    await rm(results, { recursive: true, force: true });
  }
});
