/**
 * The Training page's named presets, and how long a run takes on this machine: estimated from
 * the speed measured at the nearest modulus when there is one, else from a stated rough figure,
 * scaled by p² (an epoch's work grows with the p² pairs of the grid).
 */
import type { Family } from './family-schema.ts';
import type { JobRecord } from './jobs.ts';
import { TRAINING_DEFAULTS, type TrainingParams } from './training-params.ts';

export interface TrainingPreset {
  label: string;
  /** The family whose parameters these are. */
  family: string;
  params: Record<string, number>;
  training: Pick<TrainingParams, 'data_seed' | 'training_fraction' | 'learning_rate' | 'weight_decay' | 'num_epochs'>;
}

export const TRAINING_PRESETS: readonly TrainingPreset[] = [
  {
    label: 'Paper default (p = 113, 25,000 epochs)',
    family: 'modulo_addition_1layer',
    params: { prime: 113, seed: 999 },
    training: { ...TRAINING_DEFAULTS },
  },
  {
    // docs/ARCHITECTURE.md §9: memorises within ~200 epochs, generalises between ~1,000 and ~2,000.
    label: 'Quick run (p = 43, fraction 0.5, 2,400 epochs — groks in minutes)',
    family: 'modulo_addition_1layer',
    params: { prime: 43, seed: 999 },
    training: { ...TRAINING_DEFAULTS, training_fraction: 0.5, num_epochs: 2400 },
  },
];

/** A training speed at one prime. `measured` is false for the rough figure. */
export interface EpochSpeed {
  msPerEpoch: number;
  prime: number;
  measured: boolean;
}

/** docs/ARCHITECTURE.md §9: ~120 ms per p = 113 epoch with OpenBLAS on the 2-core development machine. */
export const ROUGH_SPEED: EpochSpeed = { msPerEpoch: 120, prime: 113, measured: false };

/**
 * The speeds runs measured here, one per modulus, from the newest job of each (jobs newest first, as
 * GET /api/jobs lists them): a finished run's wall time over its epochs, which evens out checkpoint writes and a
 * busy moment; a run without a finished one, its last reported figure. The modulus is the parameter
 * the job's family declares; a job of a family not in `families` is skipped.
 */
export function measuredSpeeds(jobs: readonly JobRecord[], families: readonly Pick<Family, 'name' | 'task'>[]): EpochSpeed[] {
  const finished = new Map<number, EpochSpeed>();
  const reported = new Map<number, EpochSpeed>();
  for (const job of jobs) {
    const task = families.find((family) => family.name === job.family)?.task;
    const prime = job.request.kind === 'train' && task ? job.request.params[task.modulus_parameter] : undefined;
    if (prime === undefined) continue;
    const epochs = job.progress.numEpochs;
    // The wall time is the job's own: over the run's epochs only when the job trained them all.
    const whole = job.request.kind === 'train' && job.request.continue_to === null && !job.request.resume && job.attempts === 1;
    const wall = job.result?.kind === 'train' && whole ? job.result.wallTimeSeconds : undefined;
    if (job.state === 'succeeded' && wall !== undefined && wall > 0 && epochs !== undefined && epochs > 0 && !finished.has(prime))
      finished.set(prime, { msPerEpoch: (1000 * wall) / epochs, prime, measured: true });
    const msPerEpoch = job.progress.msPerEpoch;
    if (msPerEpoch !== undefined && msPerEpoch > 0 && !reported.has(prime)) reported.set(prime, { msPerEpoch, prime, measured: true });
  }
  return [...new Set([...finished.keys(), ...reported.keys()])].map((prime) => finished.get(prime) ?? reported.get(prime)!);
}

/** The speed to estimate a run at `prime` from: the measured one at the nearest modulus (by ratio), else the rough figure. */
export function speedFor(prime: number, speeds: readonly EpochSpeed[]): EpochSpeed {
  const distance = (speed: EpochSpeed) => Math.abs(Math.log(speed.prime / prime));
  return (
    speeds.reduce<EpochSpeed | undefined>((best, speed) => (!best || distance(speed) < distance(best) ? speed : best), undefined) ??
    ROUGH_SPEED
  );
}

/** Seconds `numEpochs` epochs at `prime` take at `speed`, scaled by p². */
export function estimateTrainingSeconds(prime: number, numEpochs: number, speed: EpochSpeed): number {
  return (speed.msPerEpoch * (prime / speed.prime) ** 2 * numEpochs) / 1000;
}
