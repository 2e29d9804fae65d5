/**
 * The Visualization page's shareable state and its URL query, with readable names:
 * `?family=…&variant=…&epoch=12400&neuron=7&pair=2,0&group=all&sv=W_in&head=0&metric=mean_delta_loss`.
 * Parsing never throws: a missing or malformed value takes its default, so any pasted link opens.
 * Range checks that need the variant (epoch among the analyzed ones, neuron below d_mlp, head below
 * n_heads) wait until it is loaded (`fitToVariant`).
 */
import type { VariantDetail } from '../../shared/artifacts.ts';
import {
  DEFAULT_SV_MATRIX,
  FLATNESS_METRICS,
  nearestEpoch,
  POSITION_PAIRS,
  TRAJECTORY_GROUPS,
  WEIGHT_MATRIX_NAMES,
} from '../plots/index.ts';
import type { FlatnessMetric, TrajectoryGroup, WeightMatrixName } from '../plots/index.ts';

export interface VizSelection {
  family: string;
  variant: string;
  /** An epoch (not an index); null until the variant's analyzed epochs are known. */
  epoch: number | null;
  neuron: number;
  /** Index into POSITION_PAIRS; written to the URL as "to,from". */
  pair: number;
  group: TrajectoryGroup;
  sv: WeightMatrixName;
  head: number;
  metric: FlatnessMetric;
}

export const DEFAULT_SELECTION: Readonly<VizSelection> = {
  family: '',
  variant: '',
  epoch: null,
  neuron: 0,
  pair: 0,
  group: 'all',
  sv: DEFAULT_SV_MATRIX,
  head: 0,
  metric: FLATNESS_METRICS[0].key,
};

function wholeNumber(text: string | null): number | null {
  return text !== null && /^\d{1,9}$/.test(text) ? Number(text) : null;
}

function oneOf<T extends string>(text: string | null, choices: readonly T[]): T | null {
  return (choices as readonly (string | null)[]).includes(text) ? (text as T) : null;
}

function pairIndex(text: string | null): number | null {
  const index = POSITION_PAIRS.findIndex((pair) => `${pair.to},${pair.from}` === text);
  return index < 0 ? null : index;
}

export function parseVizQuery(search: string): VizSelection {
  const query = new URLSearchParams(search);
  const d = DEFAULT_SELECTION;
  return {
    family: query.get('family') ?? d.family,
    variant: query.get('variant') ?? d.variant,
    epoch: wholeNumber(query.get('epoch')),
    neuron: wholeNumber(query.get('neuron')) ?? d.neuron,
    pair: pairIndex(query.get('pair')) ?? d.pair,
    group: oneOf(query.get('group'), TRAJECTORY_GROUPS) ?? d.group,
    sv: oneOf(query.get('sv'), WEIGHT_MATRIX_NAMES) ?? d.sv,
    head: wholeNumber(query.get('head')) ?? d.head,
    metric:
      oneOf(
        query.get('metric'),
        FLATNESS_METRICS.map((m) => m.key),
      ) ?? d.metric,
  };
}

/**
 * The query string ("?…", or "" when nothing is selected). The plot controls are written only
 * once a variant is chosen: without one they select nothing.
 */
export function formatVizQuery(selection: VizSelection): string {
  const entries: [string, string][] = [];
  if (selection.family) entries.push(['family', selection.family]);
  if (selection.variant) {
    const pair = POSITION_PAIRS[selection.pair] ?? POSITION_PAIRS[0]!;
    entries.push(['variant', selection.variant]);
    if (selection.epoch !== null) entries.push(['epoch', String(selection.epoch)]);
    entries.push(
      ['neuron', String(selection.neuron)],
      ['pair', `${pair.to},${pair.from}`],
      ['group', selection.group],
      ['sv', selection.sv],
      ['head', String(selection.head)],
      ['metric', selection.metric],
    );
  }
  // URLSearchParams would escape the comma of "pair=2,0"; names and values here never need it.
  const text = entries.map(([key, value]) => `${key}=${encodeURIComponent(value).replaceAll('%2C', ',')}`).join('&');
  return text ? `?${text}` : '';
}

/** The selection within what the variant has: the epoch snapped to the nearest analyzed one (else the first), neuron and head in range. */
export function fitToVariant(selection: VizSelection, detail: VariantDetail): VizSelection {
  const epochs = detail.analyzedEpochs;
  const wanted = selection.epoch;
  return {
    ...selection,
    epoch: (wanted === null ? undefined : nearestEpoch(epochs, wanted)) ?? epochs[0] ?? null,
    neuron: Math.min(selection.neuron, detail.config.d_mlp - 1),
    head: Math.min(selection.head, detail.config.n_heads - 1),
  };
}
