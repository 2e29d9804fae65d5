/**
 * Short or long form, and the seed. `WORKBENCH_RELIABILITY=long` (npm run bench:reliability) runs
 * more cases and prints distributions; `WORKBENCH_RELIABILITY_SEED=<n>` replays a run (every test
 * prints the seed it used, and its failures name it).
 */
import { createHash } from 'node:crypto';

export const LONG = process.env.WORKBENCH_RELIABILITY === 'long';

const given = process.env.WORKBENCH_RELIABILITY_SEED;
if (given !== undefined && !/^\d{1,10}$/.test(given)) throw new Error(`WORKBENCH_RELIABILITY_SEED=${given}: must be a whole number`);
/** The run's seed: given, or new for each run (so runs explore different inputs). */
export const RUN_SEED = given !== undefined ? Number(given) : Math.floor(Math.random() * 2 ** 31);

/** A test's own seed, derived from the run's seed and its name, so each test replays alone. */
export function seedFor(name: string): number {
  return createHash('sha256').update(`${RUN_SEED}:${name}`).digest().readUInt32LE(0);
}

/** How to replay: printed with every figure block and failure. */
export const REPLAY = `WORKBENCH_RELIABILITY_SEED=${RUN_SEED}${LONG ? ' WORKBENCH_RELIABILITY=long' : ''}`;

/** Keep the temporary results folders (for a failure's post-mortem). */
export const KEEP_FILES = process.env.WORKBENCH_RELIABILITY_KEEP === '1';

export function report(title: string, lines: string[]): void {
  console.log([`── ${title} (${LONG ? 'long' : 'short'} form; replay with ${REPLAY})`, ...lines.map((line) => `   ${line}`)].join('\n'));
}
