/**
 * The Jobs page's table, pure: job and sweep records → rows of readable text (state with the place
 * in line, progress, duration, final losses), the actions each allows, and the filters.
 */
import { formatDuration, formatNumber, queuePlace } from '../../shared/format.ts';
import { ACTIVE_JOB_STATES, RERUNNABLE_JOB_STATES, type JobKind, type JobRecord, type JobState } from '../../shared/jobs.ts';
import { SWEEP_ENTRY_STATES, type SweepRecord, type SweepState } from '../../shared/sweeps.ts';

export const RUN_KINDS = ['train', 'analyze', 'sweep'] as const;
export type RunKind = JobKind | 'sweep';
export type RunState = JobState | SweepState;
export type RunAction = 'cancel' | 'resume' | 'retry';

export const RUN_KIND_LABEL: Record<RunKind, string> = { train: 'Training', analyze: 'Analysis', sweep: 'Sweep' };

export const RUN_STATE_LABEL: Record<RunState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Complete',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export interface RunRow {
  id: string;
  kind: RunKind;
  family: string;
  /** The job's variant, or what a sweep covers ("4 variants"). */
  subject: string;
  state: RunState;
  /** "Queued · next in line", "Running", "Complete". */
  stateText: string;
  /** 0…100, whole. */
  percent: number;
  durationText: string;
  /** A training's final losses, a sweep's tally of its variants, else "–". */
  resultText: string;
  createdAt: string;
  actions: RunAction[];
  /** `?family=…&variant=…`, the query the Analysis Run and Visualization pages open a variant with; jobs only. */
  variantQuery?: string;
}

export interface RunFilter {
  /** '' for every kind. */
  kind: RunKind | '';
  /** '' for every state. */
  state: RunState | '';
}

const NONE = '–';

/** What can be done with a job: cancel while it waits or runs; resume an ended training that did not succeed; retry any such job. */
export function jobActions(job: Pick<JobRecord, 'kind' | 'state'>): RunAction[] {
  if (ACTIVE_JOB_STATES.includes(job.state)) return ['cancel'];
  if (!RERUNNABLE_JOB_STATES.includes(job.state)) return [];
  return job.kind === 'train' ? ['resume', 'retry'] : ['retry'];
}

/** "3 min 07 s" from start to end (or to `now` while running); "–" before it started. */
export function durationText(startedAt: string | undefined, finishedAt: string | undefined, now: number): string {
  if (!startedAt) return NONE;
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return formatDuration(Math.max(0, end - Date.parse(startedAt)) / 1000);
}

/** "train 0.01235 · test 2.3e-7" for a finished training, else "–". */
export function lossesText(job: JobRecord): string {
  if (job.result?.kind !== 'train') return NONE;
  return `train ${formatNumber(job.result.finalTrainLoss)} · test ${formatNumber(job.result.finalTestLoss)}`;
}

/** "Queued · 2nd in line" while waiting, else the state's label. */
export function stateText(state: RunState, queuePosition?: number): string {
  const label = RUN_STATE_LABEL[state];
  return state === 'queued' && queuePosition ? `${label} · ${queuePlace(queuePosition)}` : label;
}

/** "2 complete · 1 skipped": how many of a sweep's variants are in each state, in the order of SWEEP_ENTRY_STATES. */
export function sweepTally(sweep: Pick<SweepRecord, 'counts'>): string {
  const parts = SWEEP_ENTRY_STATES.filter((state) => (sweep.counts[state] ?? 0) > 0).map(
    (state) => `${sweep.counts[state]} ${state === 'skipped' ? 'skipped' : RUN_STATE_LABEL[state].toLowerCase()}`,
  );
  return parts.join(' · ') || NONE;
}

/** `?family=…&variant=…` for the variant's pages. */
export function variantQuery(family: string, variant: string): string {
  return `?family=${encodeURIComponent(family)}&variant=${encodeURIComponent(variant)}`;
}

export function jobRow(job: JobRecord, now: number): RunRow {
  return {
    id: job.id,
    kind: job.kind,
    family: job.family,
    subject: job.variant,
    state: job.state,
    stateText: stateText(job.state, job.queuePosition),
    percent: Math.floor(job.progress.fraction * 100),
    durationText: durationText(job.startedAt, job.finishedAt, now),
    resultText: lossesText(job),
    createdAt: job.createdAt,
    actions: jobActions(job),
    variantQuery: variantQuery(job.family, job.variant),
  };
}

/** A sweep's row; its duration runs from its creation to the end of its last job (`jobs` holds them). */
export function sweepRow(sweep: SweepRecord, jobs: readonly JobRecord[], now: number): RunRow {
  const running = sweep.state === 'running';
  const lastEnd = jobs
    .filter((job) => job.sweepId === sweep.id && job.finishedAt)
    .map((job) => job.finishedAt!)
    .sort()
    .at(-1);
  return {
    id: sweep.id,
    kind: 'sweep',
    family: sweep.family,
    subject: `${sweep.entries.length} ${sweep.entries.length === 1 ? 'variant' : 'variants'}`,
    state: sweep.state,
    stateText: stateText(sweep.state),
    percent: Math.floor(sweep.fraction * 100),
    durationText: running || lastEnd ? durationText(sweep.createdAt, running ? undefined : lastEnd, now) : NONE,
    resultText: sweepTally(sweep),
    createdAt: sweep.createdAt,
    actions: running ? ['cancel'] : [],
  };
}

/** Every job and sweep, newest first. */
export function runRows(jobs: readonly JobRecord[], sweeps: readonly SweepRecord[], now: number): RunRow[] {
  const rows = [...jobs.map((job) => jobRow(job, now)), ...sweeps.map((sweep) => sweepRow(sweep, jobs, now))];
  return rows.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function filterRuns(rows: readonly RunRow[], filter: RunFilter): RunRow[] {
  return rows.filter((row) => (!filter.kind || row.kind === filter.kind) && (!filter.state || row.state === filter.state));
}

/** True while a job or sweep is queued or running: the page then refreshes itself. */
export function anyActive(rows: readonly RunRow[]): boolean {
  return rows.some((row) => row.state === 'queued' || row.state === 'running');
}

/** "2026-11-28 14:05": when a row was created, in local time. */
export function createdText(iso: string): string {
  const date = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
