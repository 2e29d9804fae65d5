/**
 * The Reports contract (docs/ARCHITECTURE.md §11): one row per variant of a family with metrics
 * derived from its stored results, and the curves the overlays draw, downsampled on the server.
 * The zod schemas declare the routes (server/routes/reports.ts) and parse the answers in the
 * browser; the column table is shared by the page and `workbench report`, so both name, define
 * and format every metric the same way. No Node or DOM imports here.
 */
import { z } from 'zod';
import { domainParamValuesSchema, nameSegment, VARIANT_STATES } from './api.ts';
import { formatNumber, formatPercent } from './format.ts';

/** Test loss thresholds whose first crossing the table reports. */
export const TEST_LOSS_THRESHOLDS = [1, 1e-3] as const;
/** The test accuracy whose first reaching the table reports: the usual mark of a run having grokked. */
export const GROKKED_TEST_ACCURACY = 0.99;

const nullableNumber = z.number().nullable();
const nullableEpoch = z.number().int().nullable();

/** The run's settings as metadata.json records them; null where the file (or an older one) lacks them. */
export const reportTrainingSchema = z
  .object({
    data_seed: nullableEpoch,
    training_fraction: nullableNumber,
    num_epochs: nullableEpoch,
    learning_rate: nullableNumber,
    weight_decay: nullableNumber,
    /** The digest of the weights the run started from (metadata.json init_digest); absent for the seeded init. */
    init: z.string().optional(),
  })
  .meta({ id: 'ReportTraining' });
export type ReportTraining = z.infer<typeof reportTrainingSchema>;

/** Metrics of one variant; null where the results they come from do not exist (not trained, not analyzed). */
export const reportMetricsSchema = z
  .object({
    final_train_loss: nullableNumber,
    final_test_loss: nullableNumber,
    peak_test_loss: nullableNumber,
    peak_test_loss_epoch: nullableEpoch,
    test_below_1_epoch: nullableEpoch,
    test_below_0_001_epoch: nullableEpoch,
    /** Shares 0…1 of the last epoch (metadata.json train_accuracies / test_accuracies); null for variants trained before they were recorded. */
    final_train_accuracy: nullableNumber,
    final_test_accuracy: nullableNumber,
    /** The first epoch whose test accuracy is at least GROKKED_TEST_ACCURACY. */
    test_accuracy_99_epoch: nullableEpoch,
    /** The last analyzed epoch, at which every analysis metric below is read. */
    analyzed_epoch: nullableEpoch,
    specialized_total: nullableNumber,
    specialized_low: nullableNumber,
    specialized_mid: nullableNumber,
    specialized_high: nullableNumber,
    /** Per head: the largest share of its (= → a) attention variance one frequency explains. */
    head_max_frac: z.array(z.number()).nullable(),
    w_in_participation_ratio: nullableNumber,
    flatness_ratio: nullableNumber,
    /** Σ ‖θᵢ₊₁ − θᵢ‖₂ over consecutive checkpoints, all parameters. */
    trajectory_path_length: nullableNumber,
  })
  .meta({ id: 'ReportMetrics' });
export type ReportMetrics = z.infer<typeof reportMetricsSchema>;

export const reportRowSchema = z
  .object({
    name: z.string(),
    family: z.string(),
    params: domainParamValuesSchema,
    state: z.enum(VARIANT_STATES),
    training: reportTrainingSchema,
    metrics: reportMetricsSchema,
  })
  .meta({ id: 'ReportRow' });
export type ReportRow = z.infer<typeof reportRowSchema>;

export const reportResponseSchema = z
  .object({ family: z.string(), rows: z.array(reportRowSchema) })
  .meta({ id: 'ReportResponse', description: 'Every variant of the family, sorted by domain parameters.' });
export type ReportResponse = z.infer<typeof reportResponseSchema>;

// ---- curves ---------------------------------------------------------------------------------

/** The series an overlay can draw, and where each comes from. */
export const CURVE_SERIES = {
  train_loss: { source: 'metadata.json train_losses', label: 'Train loss' },
  test_loss: { source: 'metadata.json test_losses', label: 'Test loss' },
  train_accuracy: { source: 'metadata.json train_accuracies', label: 'Train accuracy' },
  test_accuracy: { source: 'metadata.json test_accuracies', label: 'Test accuracy' },
  specialized_total: { source: 'neuron_freq_norm summary', label: 'Specialized neurons' },
  specialized_low: { source: 'neuron_freq_norm summary', label: 'Specialized neurons (low)' },
  specialized_mid: { source: 'neuron_freq_norm summary', label: 'Specialized neurons (mid)' },
  specialized_high: { source: 'neuron_freq_norm summary', label: 'Specialized neurons (high)' },
  mean_head_specialization: { source: 'attention_freq summary mean_specialization', label: 'Mean head specialization' },
  w_in_participation_ratio: { source: 'effective_dimensionality summary pr_W_in', label: 'W_in participation ratio' },
  flatness_ratio: { source: 'landscape_flatness summary', label: 'Flatness ratio' },
  velocity: { source: 'parameter_trajectory all__velocity', label: 'Parameter velocity' },
} as const;
export type CurveSeriesId = keyof typeof CURVE_SERIES;
export const CURVE_SERIES_IDS = Object.keys(CURVE_SERIES) as CurveSeriesId[];

/** Plot widths the server downsamples for: each pixel column keeps its minimum and maximum. */
export const CURVE_WIDTH = { min: 50, max: 4000, default: 1000 } as const;
/** A curves request's resolution: thinned for a plot this many pixels wide, or every point (`full`). */
export type CurveWidth = number | 'full';
/** Variants one curves request may name. */
export const MAX_CURVE_VARIANTS = 50;

const listOf = <T extends string>(what: string, allowed?: readonly T[]) =>
  z
    .string()
    .max(20_000)
    .transform((text) => [...new Set(text.split(',').map((item) => item.trim()))].filter(Boolean) as T[])
    .superRefine((items, ctx) => {
      for (const item of items) {
        if (allowed && !allowed.includes(item as T))
          ctx.addIssue({ code: 'custom', message: `"${item}" is not a ${what}; allowed: ${allowed.join(', ')}` });
        else if (!allowed && !nameSegment.safeParse(item).success) ctx.addIssue({ code: 'custom', message: `"${item}" is not a ${what}` });
      }
    });

export const reportParamsSchema = z.object({ family: nameSegment });
export const curvesQuerySchema = z.object({
  variants: listOf('variant name')
    .pipe(z.array(z.string()).min(1, 'name at least one variant').max(MAX_CURVE_VARIANTS, `name at most ${MAX_CURVE_VARIANTS} variants`))
    .describe('Comma-separated variant names.'),
  series: listOf('series', CURVE_SERIES_IDS)
    .refine((series) => series.length > 0, 'name at least one series, or leave it out for all')
    .optional()
    .describe(`Comma-separated series (default: all): ${CURVE_SERIES_IDS.join(', ')}.`),
  width: z
    .string()
    .regex(/^(\d{1,5}|full)$/, 'must be a whole number of pixels, or full')
    .transform((text) => (text === 'full' ? ('full' as const) : Number(text)))
    .pipe(z.union([z.literal('full'), z.number().min(CURVE_WIDTH.min).max(CURVE_WIDTH.max)]))
    .optional()
    .describe(
      `The plot's width in pixels, ${CURVE_WIDTH.min}–${CURVE_WIDTH.max} (default ${CURVE_WIDTH.default}), ` +
        'or `full`: every point, not rounded (for a download).',
    ),
});

export const curveSchema = z
  .object({
    series: z.enum(CURVE_SERIES_IDS as [CurveSeriesId, ...CurveSeriesId[]]),
    epochs: z.array(z.number().int()),
    values: z.array(z.number()),
    /** Points before downsampling. */
    points: z.number().int(),
  })
  .meta({ id: 'Curve', description: "One series of one variant, thinned to each pixel column's minimum and maximum (or every point)." });
export type Curve = z.infer<typeof curveSchema>;

export const variantCurvesSchema = z
  .object({ variant: z.string(), curves: z.array(curveSchema) })
  .meta({ id: 'VariantCurves', description: 'The series that exist for the variant (a missing result has no curve).' });
export type VariantCurves = z.infer<typeof variantCurvesSchema>;

export const curvesResponseSchema = z
  .object({ family: z.string(), width: z.union([z.number().int(), z.literal('full')]), variants: z.array(variantCurvesSchema) })
  .meta({ id: 'CurvesResponse' });
export type CurvesResponse = z.infer<typeof curvesResponseSchema>;

// ---- columns --------------------------------------------------------------------------------

export type ColumnGroup = 'variant' | 'training' | 'loss' | 'analysis';

/** How the runs table is sorted: a column id and the direction. */
export interface ReportSort {
  column: string;
  descending: boolean;
}

/** One column of the runs table (and of `workbench report`). */
export interface ReportColumn {
  readonly id: string;
  readonly label: string;
  readonly group: ColumnGroup;
  /** How the value is defined, for the page's definitions and the CLI's help. */
  readonly description: string;
  /** The value for sorting and CSV: a number, a string, or null when unknown. */
  value(row: ReportRow): number | string | null;
  /** Whether the value is an epoch (written as a whole number, not as a measurement). */
  readonly epoch?: boolean;
  /** Whether the value is a share 0…1 written as a percentage ("99.8 %"); CSV keeps the share. */
  readonly percent?: boolean;
}

/** What the family's columns depend on: its domain parameters and head count. */
export interface ReportFamily {
  domain_parameters: Record<string, { label?: string; description?: string }>;
  architecture: { n_heads: number };
}

/** How a numeric cell is written: an epoch as a whole number, a share as a percentage, else as a measurement. */
type CellFormat = 'epoch' | 'percent' | 'measurement';
const cellFormat = (format: CellFormat) => ({ epoch: format === 'epoch', percent: format === 'percent' });

const metric = (
  id: keyof ReportMetrics & string,
  label: string,
  group: ColumnGroup,
  description: string,
  format: CellFormat = 'measurement',
): ReportColumn => ({
  id,
  label,
  group,
  description,
  ...cellFormat(format),
  value: (row) => row.metrics[id] as number | null,
});

const training = (
  id: keyof ReportTraining & string,
  label: string,
  description: string,
  format: CellFormat = 'measurement',
): ReportColumn => ({
  id,
  label,
  group: 'training',
  description,
  ...cellFormat(format),
  value: (row) => row.training[id] ?? null,
});

/** What every accuracy column says of older variants. */
const NO_ACCURACY = 'empty for variants trained before accuracies were recorded';

const AT_ANALYZED = 'at the last analyzed epoch';

/** Every column of a family's table, in table order. */
export function reportColumns(family: ReportFamily): ReportColumn[] {
  const params = Object.entries(family.domain_parameters).map(([name, info]): ReportColumn => ({
    id: `param:${name}`,
    label: info.label ?? name,
    group: 'variant',
    description: info.description ?? `domain parameter ${name}`,
    epoch: true,
    value: (row) => row.params[name] ?? null,
  }));
  const heads = Array.from({ length: family.architecture.n_heads }, (_, h): ReportColumn => ({
    id: `head_max_frac:${h}`,
    label: `Head ${h} max frac`,
    group: 'analysis',
    description: `head ${h}'s largest variance fraction: the share of its (= → a) attention pattern's variance over the (a, b) grid that one frequency explains (attention_freq max_frac_per_head), ${AT_ANALYZED}`,
    value: (row) => row.metrics.head_max_frac?.[h] ?? null,
  }));
  return [
    {
      id: 'name',
      label: 'Variant',
      group: 'variant',
      description: "the variant folder name (the page leaves out the family's prefix, which every row shares)",
      value: (row) => row.name,
    },
    {
      id: 'state',
      label: 'State',
      group: 'variant',
      description: 'untrained, training, incomplete, trained, analyzing or analyzed, from its files',
      value: (row) => row.state,
    },
    ...params,
    training('data_seed', 'Data seed', 'seed of the train/test split (metadata.json data_seed)', 'epoch'),
    training('training_fraction', 'Train fraction', 'share of the p² pairs trained on (metadata.json training_fraction)'),
    training('num_epochs', 'Epochs', 'epochs trained (metadata.json num_epochs)', 'epoch'),
    training('learning_rate', 'Learning rate', 'AdamW learning rate (metadata.json optimizer.learning_rate)'),
    training('weight_decay', 'Weight decay', 'AdamW weight decay (metadata.json optimizer.weight_decay)'),
    training(
      'init',
      'Initial weights',
      "the digest of the weights the run started from instead of its seeded init, as its name's _init suffix (metadata.json init_digest); empty for the seeded init",
    ),
    metric('final_train_loss', 'Final train loss', 'loss', 'training loss of the last epoch'),
    metric('final_test_loss', 'Final test loss', 'loss', 'test loss after the last epoch'),
    metric('peak_test_loss', 'Peak test loss', 'loss', 'the largest test loss of the run'),
    metric('peak_test_loss_epoch', 'Peak test epoch', 'loss', 'the first epoch at which the test loss is at its peak', 'epoch'),
    metric('test_below_1_epoch', 'Test < 1 at', 'loss', 'the first epoch whose test loss is below 1; empty if it never is', 'epoch'),
    metric(
      'test_below_0_001_epoch',
      'Test < 1e-3 at',
      'loss',
      'the first epoch whose test loss is below 0.001; empty if it never is',
      'epoch',
    ),
    metric(
      'final_train_accuracy',
      'Final train acc',
      'loss',
      `share of the training pairs whose largest logit is the right answer, before the last epoch's update (metadata.json train_accuracies); ${NO_ACCURACY}`,
      'percent',
    ),
    metric(
      'final_test_accuracy',
      'Final test acc',
      'loss',
      `share of the test pairs whose largest logit is the right answer, after the last epoch (metadata.json test_accuracies); ${NO_ACCURACY}`,
      'percent',
    ),
    metric(
      'test_accuracy_99_epoch',
      `Test acc ≥ ${formatPercent(GROKKED_TEST_ACCURACY)} at`,
      'loss',
      `the first epoch whose test accuracy is at least ${formatPercent(GROKKED_TEST_ACCURACY)}, the usual mark of grokking; empty if it never is, or for variants trained before accuracies were recorded`,
      'epoch',
    ),
    metric(
      'analyzed_epoch',
      'Analyzed epoch',
      'analysis',
      'the last epoch with analysis results, at which the metrics below are read',
      'epoch',
    ),
    metric(
      'specialized_total',
      'Specialized',
      'analysis',
      `neurons whose largest frequency fraction is ≥ 0.9 (neuron_freq_norm), ${AT_ANALYZED}`,
    ),
    metric('specialized_low', 'Specialized low', 'analysis', `specialized neurons whose frequency is in the lowest third, ${AT_ANALYZED}`),
    metric('specialized_mid', 'Specialized mid', 'analysis', `specialized neurons whose frequency is in the middle third, ${AT_ANALYZED}`),
    metric(
      'specialized_high',
      'Specialized high',
      'analysis',
      `specialized neurons whose frequency is in the highest third, ${AT_ANALYZED}`,
    ),
    ...heads,
    metric(
      'w_in_participation_ratio',
      'W_in PR',
      'analysis',
      `participation ratio (Σs)²/Σs² of W_in's singular values (effective_dimensionality pr_W_in), ${AT_ANALYZED}`,
    ),
    metric(
      'flatness_ratio',
      'Flatness ratio',
      'analysis',
      `share of 50 random ε = 0.1 perturbations that raise the loss by less than 10 % of it (landscape_flatness), ${AT_ANALYZED}`,
    ),
    metric(
      'trajectory_path_length',
      'Path length',
      'analysis',
      'total length Σ ‖θᵢ₊₁ − θᵢ‖₂ of the parameter trajectory through every checkpoint, all parameters (parameter_trajectory)',
    ),
  ];
}

/** The columns shown when the user has chosen none. */
export const DEFAULT_REPORT_COLUMNS = [
  'name',
  'state',
  'param:*',
  'training_fraction',
  'num_epochs',
  'final_test_loss',
  'peak_test_loss_epoch',
  'test_below_0_001_epoch',
  'specialized_total',
  'w_in_participation_ratio',
  'flatness_ratio',
  'trajectory_path_length',
] as const;

/** The default columns of a family (`param:*` stands for every domain parameter). */
export function defaultColumnIds(columns: readonly ReportColumn[]): string[] {
  return columns
    .filter((column) =>
      (DEFAULT_REPORT_COLUMNS as readonly string[]).some((id) => id === column.id || (id === 'param:*' && column.id.startsWith('param:'))),
    )
    .map((column) => column.id);
}

/** A cell as text: measurements through formatNumber, shares through formatPercent, epochs and seeds as whole numbers, '' when unknown. */
export function formatCell(column: ReportColumn, row: ReportRow): string {
  const value = column.value(row);
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (column.percent) return formatPercent(value);
  return column.epoch && Number.isInteger(value) ? String(value) : formatNumber(value);
}

/** Sorts rows by a column (unknown values last in either direction); ties keep the given order. */
export function sortRows(rows: readonly ReportRow[], column: ReportColumn | undefined, descending: boolean): ReportRow[] {
  if (!column) return [...rows];
  const sign = descending ? -1 : 1;
  return rows
    .map((row, index) => ({ row, index, value: column.value(row) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      const diff =
        typeof a.value === 'number' && typeof b.value === 'number'
          ? a.value - b.value
          : String(a.value).localeCompare(String(b.value), 'en', { numeric: true });
      return diff !== 0 ? sign * diff : a.index - b.index;
    })
    .map(({ row }) => row);
}

/**
 * Whether a row matches a filter, case-insensitively: every whitespace-separated term must hold. A
 * `key=value` term names a parameter or training setting and its exact value (`prime=11` is not 113;
 * numbers compare as numbers, so `training_fraction=.5` is 0.5); any other term must occur in the
 * variant's name or state (`p113`, `analyzed`).
 */
export function matchesFilter(row: ReportRow, filter: string): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const settings = new Map(
    [...Object.entries(row.params), ...Object.entries(row.training)].map(([key, value]) => [key.toLowerCase(), value]),
  );
  const text = `${row.name} ${row.state}`.toLowerCase();
  return terms.every((term) => {
    const equals = term.indexOf('=');
    if (equals < 0) return text.includes(term);
    const value = settings.get(term.slice(0, equals));
    const wanted = term.slice(equals + 1);
    if (value === undefined || value === null) return false;
    return typeof value === 'number' && wanted.trim() !== '' && Number.isFinite(Number(wanted))
      ? value === Number(wanted)
      : String(value).toLowerCase() === wanted;
  });
}

/**
 * How the legend names a variant: its domain parameters, then the training settings that differ
 * among the variants shown together ("prime=113, seed=999, training_fraction=0.5").
 */
export function variantLabel(row: Pick<ReportRow, 'params' | 'training'>, shown: readonly Pick<ReportRow, 'training'>[]): string {
  const parts = Object.entries(row.params).map(([k, v]) => `${k}=${v}`);
  for (const key of Object.keys(row.training) as (keyof ReportTraining)[]) {
    const values = new Set(shown.map((other) => other.training[key]));
    if (values.size > 1 && row.training[key] !== null) parts.push(`${key}=${row.training[key]}`);
  }
  return parts.join(', ');
}
