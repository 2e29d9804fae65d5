/**
 * `workbench train`: trains a variant, resumes an interrupted run of one, or continues a completed
 * one, from the command line. Every input is checked before any file is written; bad input exits
 * with code 2 and a message naming the value and what is allowed.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ADAPTIVE_CHECKPOINT_RULE } from '../../shared/adaptive-checkpoints.ts';
import { parseCheckpointList } from '../../shared/checkpoint-schedule.ts';
import { taskParams, type DomainParams, type Family } from '../../shared/family-schema.ts';
import { MAX_LEARNING_RATE, MAX_WEIGHT_DECAY, TRAINING_DEFAULTS } from '../../shared/training-params.ts';
import { resolvePaths } from '../config.ts';
import { BACKEND_NAMES, selectGemm, type BackendName } from '../engine/gemm/gemm.ts';
import { modelDims } from '../engine/weights.ts';
import { loadFamilies } from '../registry/families.ts';
import { readInitWeights, type InitSource } from '../training/init-weights.ts';
import {
  continueVariant,
  resumePoint,
  resumeVariant,
  trainVariant,
  TrainingInputError,
  validateTrainRequest,
  type TrainProgress,
  type TrainResult,
} from '../training/train-variant.ts';
import type { VariantPaths } from '../registry/variant-paths.ts';
import type { Command } from './command.ts';
import { formatDuration, formatNumber, formatPercent } from '../../shared/format.ts';
import { drawProgressBar } from './progress-bar.ts';

/** The family trained when --family is absent, so the original's commands keep working. */
const DEFAULT_FAMILY = 'modulo_addition_1layer';

const HELP = `Usage: workbench train [flags]

Trains one variant and writes results/<family>/<variant>/ (checkpoints, config.json, metadata.json).
The variant's name holds the domain parameters and, when not at their defaults, the data seed,
fraction, learning rate and weight decay (e.g. modulo_addition_1layer_p113_seed999_dseed1_wd0.3),
and _init<digest> for a run started from other weights (--init-from).

  --family NAME        model family (default ${DEFAULT_FAMILY})
  --PARAMETER V        each domain parameter of the family's family.json, _ written as -
                       (default: the family's default); e.g. --prime 113 --seed 999
  --data-seed S        seed of the train/test split (default ${TRAINING_DEFAULTS.data_seed})
  --fraction F         training fraction, strictly between 0 and 1 (default ${TRAINING_DEFAULTS.training_fraction})
  --learning-rate LR   AdamW learning rate, above 0 and at most ${MAX_LEARNING_RATE} (default ${TRAINING_DEFAULTS.learning_rate})
  --weight-decay WD    AdamW weight decay, 0 to ${MAX_WEIGHT_DECAY} (default ${TRAINING_DEFAULTS.weight_decay})
  --epochs N           number of epochs (default ${TRAINING_DEFAULTS.num_epochs})
  --checkpoints LIST   comma-separated checkpoint epochs (default: the family schedule); the final epoch is always saved
  --no-adaptive-checkpoints
                       save only the listed (or scheduled) checkpoints; by default training also saves extra ones
                       while the test loss falls fast (${ADAPTIVE_CHECKPOINT_RULE.loss_factor}× since the latest, ≥ ${ADAPTIVE_CHECKPOINT_RULE.min_spacing} epochs after it, ≤ ${ADAPTIVE_CHECKPOINT_RULE.max_added} per run)
  --results DIR        results folder (default: $WORKBENCH_RESULTS_DIR or ./results)
  --overwrite          replace an existing variant instead of refusing
  --resume             finish the variant's interrupted run from its latest checkpoint, with the run's own
                       epochs and checkpoints (--epochs and --checkpoints, if given, must be those)
  --continue-to N      continue a completed variant to N epochs in total (--checkpoints then lists new epochs)
  --init-from FILE     start from the weights in a safetensors file (TransformerLens names) instead of the seeded init;
                       the variant's name ends in _init and the weights' digest. With --resume or --continue-to it
                       names such a variant (the file is read for its digest only)
  --backend NAME       matrix multiply: native (OpenBLAS) or portable (default: native when available,
                       or $WORKBENCH_GEMM)
  -h, --help           this text`;

class UsageError extends Error {}

/** A whole or decimal number written plainly; anything else names the flag and the value. */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
    throw new UsageError(`--${flag} "${text}" is not a number`);
  }
  return Number(text);
}

/** The training library names its request fields ("pass overwrite", "or resume"); here they are flags. */
function withFlagNames(message: string): string {
  return message.replace(/\bpass overwrite\b/, 'pass --overwrite').replace(/\bor resume\b/, 'or --resume');
}

/** A one-line bar redrawn in place on a terminal; plain lines every few hundred epochs otherwise. */
function progressPrinter(stream: NodeJS.WriteStream): (progress: TrainProgress) => void {
  let lastLineEpoch = -Infinity;
  return (progress) => {
    const { epoch, numEpochs, trainLoss, testLoss, trainAccuracy, testAccuracy, msPerEpoch, etaSeconds } = progress;
    const done = epoch + 1;
    const text =
      `epoch ${done}/${numEpochs}  train ${formatNumber(trainLoss)} (${formatPercent(trainAccuracy)})  ` +
      `test ${formatNumber(testLoss)} (${formatPercent(testAccuracy)})  ` +
      `${msPerEpoch.toFixed(1)} ms/epoch  ETA ${formatDuration(etaSeconds)}`;
    if (stream.isTTY) {
      drawProgressBar(stream, done / numEpochs, text, done === numEpochs);
    } else if (done - lastLineEpoch >= 500 || done === numEpochs) {
      lastLineEpoch = done;
      stream.write(`${text}\n`);
    }
  };
}

const OPTIONS = {
  family: { type: 'string', default: DEFAULT_FAMILY },
  'data-seed': { type: 'string' },
  fraction: { type: 'string' },
  'learning-rate': { type: 'string' },
  'weight-decay': { type: 'string' },
  epochs: { type: 'string' },
  checkpoints: { type: 'string' },
  'no-adaptive-checkpoints': { type: 'boolean', default: false },
  results: { type: 'string' },
  overwrite: { type: 'boolean', default: false },
  resume: { type: 'boolean', default: false },
  'continue-to': { type: 'string' },
  'init-from': { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

type Flags = { [flag in keyof typeof OPTIONS]: (typeof OPTIONS)[flag]['type'] extends 'boolean' ? boolean : string | undefined };

/** A number of epochs the checkpoint list can be checked against, when it is one. */
const wholeEpochs = (numEpochs: number | undefined) =>
  numEpochs !== undefined && Number.isSafeInteger(numEpochs) && numEpochs >= 1 ? numEpochs : undefined;

/** `--data-seed` for `data_seed`: a domain parameter's flag. */
const flagOf = (parameter: string) => parameter.replaceAll('_', '-');

/** The flags' values, the family's domain parameters among them (a parameter's flag is known only once the family is). */
function parseFlags(argv: string[], family?: Family) {
  const parameterFlags = Object.fromEntries(
    Object.keys(family?.domain_parameters ?? {}).map((name) => [flagOf(name), { type: 'string' } as const]),
  );
  const { values } = parseArgs({
    args: argv,
    strict: family !== undefined,
    allowPositionals: !family,
    options: { ...parameterFlags, ...OPTIONS },
  });
  return values as Flags & Record<string, string | boolean | undefined>;
}

/** Each domain parameter from its flag, or the family's default. */
function domainParams(family: Family, values: Record<string, string | boolean | undefined>): DomainParams {
  return Object.fromEntries(
    Object.entries(family.domain_parameters).map(([name, spec]) => [
      name,
      numberFlag(flagOf(name), values[flagOf(name)] as string | undefined) ?? spec.default,
    ]),
  );
}

/** The identity settings from their flags; an absent flag is the default. */
function identityFlags(values: Flags) {
  return {
    data_seed: numberFlag('data-seed', values['data-seed']),
    training_fraction: numberFlag('fraction', values.fraction),
    learning_rate: numberFlag('learning-rate', values['learning-rate']),
    weight_decay: numberFlag('weight-decay', values['weight-decay']),
  };
}

/** --init-from's file as a starting point. */
function initFlagSource(values: Flags): InitSource | undefined {
  const file = values['init-from'];
  return file === undefined ? undefined : { path: file, description: file };
}

/** The digest naming a variant started from --init-from's weights (null without the flag): a resumed or continued run names it so. */
async function initFlagDigest(family: Family, params: DomainParams, values: Flags): Promise<string | null> {
  const source = initFlagSource(values);
  if (!source) return null;
  const dims = modelDims(family.architecture, taskParams(family, params).modulus);
  try {
    return (await readInitWeights(source, dims)).digest;
  } catch (error) {
    throw new UsageError(`--init-from: ${(error as Error).message}`);
  }
}

/** Refuses flags that make no sense with `mode` (--resume, --continue-to). */
function refuseFlags(values: Flags, mode: string, flags: readonly (keyof Flags)[], why: string): void {
  for (const flag of flags) {
    if (values[flag] !== undefined && values[flag] !== false) throw new UsageError(`--${flag} cannot be combined with --${mode}: ${why}`);
  }
}

async function run(argv: string[]): Promise<number> {
  // A first, lenient pass finds the family (and the folders), whose parameters the strict pass then accepts.
  const loose = parseFlags(argv);
  if (loose.help) {
    console.log(HELP);
    return 0;
  }
  const paths = resolvePaths({ resultsDir: typeof loose.results === 'string' ? loose.results : undefined });
  const { families } = await loadFamilies(paths.familiesDir);
  const family = families.get(String(loose.family));
  if (!family) {
    console.error(`error: --family "${loose.family}" is not a known family; allowed: ${[...families.keys()].join(', ') || '(none found)'}`);
    return 2;
  }
  let values;
  try {
    values = parseFlags(argv, family);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }

  try {
    if (values.backend !== undefined && !BACKEND_NAMES.includes(values.backend as BackendName)) {
      throw new UsageError(`--backend "${values.backend}" is not a backend; allowed: ${BACKEND_NAMES.join(', ')}`);
    }
    const backend = values.backend as BackendName | undefined;
    const params = domainParams(family, values);
    const continueTo = numberFlag('continue-to', values['continue-to']);

    const gemm = selectGemm(backend);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    const hooks = { onProgress: progressPrinter(process.stderr), signal: abort.signal };
    let result: TrainResult;
    /** Where the variant is, once known: said when a run stops early. */
    let variantFolder: VariantPaths | undefined;
    try {
      if (continueTo !== undefined) {
        refuseFlags(
          values,
          'continue-to',
          ['epochs', 'overwrite', 'resume', 'no-adaptive-checkpoints'],
          'a continued run keeps its settings',
        );
        const parsedList = parseCheckpointList(values.checkpoints ?? '', continueTo);
        if (!parsedList.ok) throw new UsageError(`--checkpoints: ${parsedList.error}`);
        const request = {
          resultsDir: paths.resultsDir,
          family,
          params,
          training: { ...identityFlags(values), init: await initFlagDigest(family, params, values) },
          numEpochs: continueTo,
          checkpointEpochs: parsedList.epochs ?? undefined,
          backend,
        };
        console.error(`Continuing to ${continueTo} epochs with the ${gemm.name} matrix-multiply backend (${gemm.description})`);
        result = await continueVariant(request, hooks);
      } else if (values.resume) {
        refuseFlags(values, 'resume', ['overwrite', 'no-adaptive-checkpoints'], 'a resumed run goes on from its own files');
        const numEpochs = numberFlag('epochs', values.epochs);
        const parsedList = parseCheckpointList(values.checkpoints ?? '', wholeEpochs(numEpochs));
        if (!parsedList.ok) throw new UsageError(`--checkpoints: ${parsedList.error}`);
        const request = {
          resultsDir: paths.resultsDir,
          family,
          params,
          // Only the flags given: the run's own epochs and checkpoints otherwise.
          training: {
            ...identityFlags(values),
            init: await initFlagDigest(family, params, values),
            num_epochs: numEpochs,
            ...(values.checkpoints === undefined ? {} : { checkpoint_epochs: parsedList.epochs }),
          },
          backend,
        };
        const resolved = validateTrainRequest(request);
        variantFolder = resolved.paths;
        const from = await resumePoint(resolved.paths);
        console.error(
          `Resuming ${resolved.name}${from === null ? '' : ` at epoch ${from}`} with the ${gemm.name} matrix-multiply backend (${gemm.description})`,
        );
        result = await resumeVariant(request, hooks);
      } else {
        const numEpochs = numberFlag('epochs', values.epochs) ?? TRAINING_DEFAULTS.num_epochs;
        const parsedList = parseCheckpointList(values.checkpoints ?? '', wholeEpochs(numEpochs));
        if (!parsedList.ok) throw new UsageError(`--checkpoints: ${parsedList.error}`);
        const request = {
          resultsDir: paths.resultsDir,
          family,
          params,
          training: {
            ...identityFlags(values),
            num_epochs: numEpochs,
            checkpoint_epochs: parsedList.epochs,
            adaptive_checkpoints: !values['no-adaptive-checkpoints'],
          },
          overwrite: values.overwrite,
          initFrom: initFlagSource(values),
          backend,
        };
        const resolved = validateTrainRequest({
          ...request,
          training: { ...request.training, init: await initFlagDigest(family, params, values) },
        });
        variantFolder = resolved.paths;
        console.error(
          `Training ${resolved.name} (${resolved.training.num_epochs} epochs) with the ${gemm.name} matrix-multiply backend (${gemm.description})`,
        );
        result = await trainVariant(request, hooks);
      }
    } finally {
      process.off('SIGINT', onSigint);
    }

    if (result.status === 'incomplete') {
      const from = variantFolder ? await resumePoint(variantFolder) : null;
      console.error(
        `\nStopped after ${result.epochsCompleted} epochs; the run is incomplete (no metadata.json written).` +
          (from === null ? '' : ` The same command with --resume finishes it from epoch ${from}.`),
      );
      return 130;
    }
    console.log(
      [
        'Training complete!',
        `Variant: ${result.variant}`,
        `Saved to: ${result.dir}`,
        `Checkpoints: ${result.checkpointEpochs.length}`,
        `Final train loss: ${formatNumber(result.finalTrainLoss)}`,
        `Final test loss: ${formatNumber(result.finalTestLoss)}`,
        `Backend: ${result.backend}, wall time ${formatDuration(result.wallTimeSeconds)}`,
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TrainingInputError) {
      console.error(`error: ${withFlagNames(error.message)}`);
      return 2;
    }
    throw error;
  }
}

export const trainCommand: Command = {
  summary: 'train a variant, resume an interrupted run (--resume) or continue one (--continue-to)',
  run,
};
