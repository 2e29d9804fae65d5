/**
 * `npm run bench:train`: median ms per training epoch for p = 113 (forward, backward and AdamW step
 * on the 3,830 training pairs, plus the test-loss forward on the other 8,939) on every available
 * matrix-multiply backend, and the GFLOPS its sgemm calls reach (flops / time inside sgemm).
 * Flags: --epochs N (timed epochs, default 30), --warmup N (default 5), --backend NAME (one only).
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { familySchema } from '../../shared/family-schema.ts';
import { TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { availableBackends, selectGemm, type BackendName, type Gemm } from '../../server/engine/gemm/gemm.ts';
import { modelDims } from '../../server/engine/weights.ts';
import { adamHyperParams, initialAdamState } from '../../server/training/adamw.ts';
import { batchFromIndices, trainTestSplit } from '../../server/training/data.ts';
import { initWeights } from '../../server/training/init.ts';
import { TrainingSession } from '../../server/training/session.ts';

const { values } = parseArgs({
  options: { epochs: { type: 'string', default: '30' }, warmup: { type: 'string', default: '5' }, backend: { type: 'string' } },
});
const P = 113;

/** Wraps a backend to count the flops (2·m·n·k per call) and the time spent inside sgemm. */
function metered(gemm: Gemm) {
  const meter = { flops: 0, ms: 0 };
  const wrapped: Gemm = {
    name: gemm.name,
    description: gemm.description,
    threads: gemm.threads,
    sgemm(...args: Parameters<Gemm['sgemm']>) {
      const start = performance.now();
      gemm.sgemm(...args);
      meter.ms += performance.now() - start;
      meter.flops += 2 * args[2] * args[3] * args[4];
    },
  };
  return { wrapped, meter };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const family = familySchema.parse(
  JSON.parse(await readFile(new URL('../../server/families/modulo_addition_1layer/family.json', import.meta.url), 'utf8')),
);
const dims = modelDims(family.architecture, P);
const split = trainTestSplit(P, TRAINING_DEFAULTS.training_fraction, TRAINING_DEFAULTS.data_seed);
const train = batchFromIndices(P, 'add', split.trainIndices);
const test = batchFromIndices(P, 'add', split.testIndices);
const backends = values.backend ? [values.backend as BackendName] : availableBackends();
console.log(`p = ${P}: ${train.n} training pairs, ${test.n} test pairs`);

for (const backend of backends) {
  const gemm = selectGemm(backend);
  const { wrapped, meter } = metered(gemm);
  const session = new TrainingSession(
    dims,
    wrapped,
    initWeights(dims, 999),
    initialAdamState(dims),
    adamHyperParams(TRAINING_DEFAULTS),
    train,
    test,
  );
  for (let i = 0; i < Number(values.warmup); i++) session.epoch();
  const times: number[] = [];
  const gflops: number[] = [];
  const gemmShare: number[] = [];
  for (let i = 0; i < Number(values.epochs); i++) {
    meter.flops = 0;
    meter.ms = 0;
    const start = performance.now();
    session.epoch();
    const elapsed = performance.now() - start;
    times.push(elapsed);
    gflops.push(meter.flops / meter.ms / 1e6);
    gemmShare.push(meter.ms / elapsed);
  }
  console.log(
    `${backend.padEnd(8)} (${gemm.description}) median ${median(times).toFixed(1)} ms/epoch (min ${Math.min(...times).toFixed(1)}, ${times.length} epochs), ` +
      `sgemm ${median(gflops).toFixed(1)} GFLOPS over ${(meter.flops / 1e9).toFixed(2)} GFLOP/epoch, ` +
      `${(100 * median(gemmShare)).toFixed(0)}% of the epoch in sgemm`,
  );
}
