/**
 * `workbench sweep`: asks a running workbench server to train a grid of variants (POST /api/sweeps)
 * and follows it until every variant has finished, printing each variant's state as it changes.
 * The server owns the queue, so sweeps from the CLI and the pages share it.
 */
import { apiErrorBodySchema, familiesResponseSchema } from '../../shared/api.ts';
import { sweepEventSchemas, sweepRecordSchema, type SweepRecord, type SweepRequestInput } from '../../shared/sweeps.ts';
import { parseFlags, type Command } from './command.ts';
import { readEventStream } from './event-stream.ts';

const HELP = `Usage: workbench sweep --primes LIST --seeds LIST [flags]

Trains every combination of the lists (comma-separated) as queued jobs of a running workbench
server, skipping variants that exist unless --overwrite, and follows them until all have finished.

  --family NAME            model family (default: modulo_addition_1layer)
  --primes LIST            values of the family's modulus, e.g. 97,101,113
  --seeds LIST             model seeds, e.g. 485,999
  --data-seeds LIST        data split seeds (default: the family default)
  --fractions LIST         training fractions, e.g. 0.3,0.5
  --weight-decays LIST     AdamW weight decays, e.g. 0.3,1
  --learning-rates LIST    AdamW learning rates, e.g. 0.001
  --epochs N               epochs of every run (default: 25000)
  --analyze                analyse each variant when its training ends
  --overwrite              train variants that exist again
  --detach                 print the sweep's id and return at once
  --server URL             the workbench server (default: $WORKBENCH_SERVER or http://127.0.0.1:8787)
  -h, --help               this text

Exit code: 0 when every variant succeeded (or was skipped), 1 when any failed or the sweep was cancelled.`;

class UsageError extends Error {}

function numberList(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((item) => item.trim());
  const wrong = values.find((item) => item === '' || !Number.isFinite(Number(item)));
  if (wrong !== undefined)
    throw new UsageError(`--${flag} ${JSON.stringify(text)}: ${JSON.stringify(wrong)} is not a number; allowed: comma-separated numbers`);
  return values.map(Number);
}

async function call(server: string, path: string, init?: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, server), init);
  } catch (error) {
    throw new UsageError(
      `no workbench server answers at ${server} (${(error as Error).message}); start one with npm start, or pass --server`,
    );
  }
  const body: unknown = await response.json();
  if (!response.ok) throw new UsageError(apiErrorBodySchema.parse(body).error.message);
  return body;
}

function describe(sweep: SweepRecord): string {
  const counts = Object.entries(sweep.counts)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
  return `sweep ${sweep.id}: ${sweep.state}, ${(sweep.fraction * 100).toFixed(0)}% (${counts})`;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      family: { type: 'string', default: 'modulo_addition_1layer' },
      primes: { type: 'string' },
      seeds: { type: 'string' },
      'data-seeds': { type: 'string' },
      fractions: { type: 'string' },
      'weight-decays': { type: 'string' },
      'learning-rates': { type: 'string' },
      epochs: { type: 'string' },
      analyze: { type: 'boolean', default: false },
      overwrite: { type: 'boolean', default: false },
      detach: { type: 'boolean', default: false },
      server: { type: 'string', default: process.env.WORKBENCH_SERVER ?? 'http://127.0.0.1:8787' },
    },
    HELP,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  try {
    const server = values.server;
    const { families } = familiesResponseSchema.parse(await call(server, '/api/families'));
    const family = families.find((candidate) => candidate.name === values.family);
    if (!family)
      throw new UsageError(`--family "${values.family}" is not a family of ${server}; allowed: ${families.map((f) => f.name).join(', ')}`);
    const primes = numberList('primes', values.primes);
    const seeds = numberList('seeds', values.seeds);
    if (!primes || !seeds) throw new UsageError('--primes and --seeds are required');
    const epochs = numberList('epochs', values.epochs)?.[0];
    const request: SweepRequestInput = {
      family: family.name,
      params: { [family.task.modulus_parameter]: primes, [family.task.seed_parameter]: seeds },
      vary: {
        data_seed: numberList('data-seeds', values['data-seeds']),
        training_fraction: numberList('fractions', values.fractions),
        weight_decay: numberList('weight-decays', values['weight-decays']),
        learning_rate: numberList('learning-rates', values['learning-rates']),
      },
      training: epochs === undefined ? {} : { num_epochs: epochs },
      analyze: values.analyze,
      overwrite: values.overwrite,
    };
    const sweep = sweepRecordSchema.parse(
      await call(server, '/api/sweeps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }),
    );
    console.log(`${describe(sweep)}; ${sweep.entries.length} variant(s)`);
    for (const entry of sweep.entries.filter((e) => e.skipped)) console.log(`  skipped ${entry.variant}: ${entry.skipped}`);
    if (values.detach) return 0;

    const response = await fetch(new URL(`/api/sweeps/${sweep.id}/events`, server));
    const shown = new Map(sweep.entries.map((entry) => [entry.variant, entry.state]));
    let last = sweep;
    for await (const event of readEventStream(response)) {
      const name = event.name as keyof typeof sweepEventSchemas;
      last = sweepEventSchemas[name].parse(JSON.parse(event.data));
      for (const entry of last.entries) {
        if (shown.get(entry.variant) === entry.state) continue;
        shown.set(entry.variant, entry.state);
        console.log(`  ${entry.variant}: ${entry.state}`);
      }
      if (name === 'done') break;
    }
    console.log(describe(last));
    return last.state === 'succeeded' ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

export const sweepCommand: Command = { summary: 'train a grid of variants on a running server', run };
