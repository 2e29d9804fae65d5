/**
 * `workbench analyze`: runs the analysis pipeline over a variant's checkpoints. The family,
 * variant and analyzer names are checked before anything is written; bad input exits with code 2.
 */
import type { AnalysisProgress } from '../../shared/artifacts.ts';
import { parseVariantName } from '../../shared/variant-name.ts';
import { AnalysisInputError, analyzeVariant, openVariant, planAnalysis } from '../analysis/pipeline.ts';
import { resolvePaths } from '../config.ts';
import { loadFamilies } from '../registry/families.ts';
import { parseFlags, type Command } from './command.ts';
import { drawProgressBar } from './progress-bar.ts';

const HELP = `Usage: workbench analyze --variant NAME [flags]

Analyzes every checkpoint of a trained variant into results/<family>/<variant>/artifacts/.
Results that exist are kept (the run resumes); --force recomputes them.

  --family NAME        model family (default: the family whose variant names match --variant)
  --variant NAME       the variant, e.g. modulo_addition_1layer_p113_seed999
  --analyzers LIST     comma-separated subset of the family's analyzers (default: all)
  --force              recompute results that already exist
  --results DIR        results folder (default: $WORKBENCH_RESULTS_DIR or ./results)
  -h, --help           this text`;

class UsageError extends Error {}

/**
 * A bar redrawn in place on a terminal; one line per checkpoint otherwise. The 'done' report's
 * message is left out (the bar ends full and bare): the summary on stdout says the analysis is complete.
 */
function progressPrinter(stream: NodeJS.WriteStream): (progress: AnalysisProgress) => void {
  let lastLine = '';
  return ({ phase, fraction, message, analyzer }) => {
    const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
    if (phase === 'done') {
      if (stream.isTTY) drawProgressBar(stream, fraction, percent, true);
    } else if (stream.isTTY) {
      drawProgressBar(stream, fraction, `${percent} ${phase === 'checkpoint' ? `${message}: ${analyzer}` : message}`, false);
    } else if (message !== lastLine) {
      lastLine = message;
      stream.write(`${message}\n`);
    }
  };
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      family: { type: 'string' },
      variant: { type: 'string' },
      analyzers: { type: 'string' },
      force: { type: 'boolean', default: false },
      results: { type: 'string' },
    },
    HELP,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;

  try {
    if (!values.variant) throw new UsageError('--variant is required');
    const paths = resolvePaths({ resultsDir: values.results });
    const { families } = await loadFamilies(paths.familiesDir);
    const variant = values.variant;
    // The first family (in name order) whose pattern fits the name; the shipped patterns start with their family name.
    const family =
      values.family === undefined ? [...families.values()].find((f) => parseVariantName(f, variant)) : families.get(values.family);
    if (!family && values.family === undefined) {
      const patterns = [...families.values()].map((f) => f.variant_pattern).join(', ');
      throw new UsageError(`--variant "${variant}" is not a variant name of any family; allowed: ${patterns || '(no family found)'}`);
    }
    if (!family)
      throw new UsageError(
        `--family "${values.family}" is not a known family; allowed: ${[...families.keys()].join(', ') || '(none found)'}`,
      );
    const analyzers = values.analyzers
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    planAnalysis(family, analyzers);
    const { checkpointEpochs, artifacts } = await openVariant(paths.resultsDir, family, values.variant);

    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    console.error(
      `Analyzing ${values.variant} (${checkpointEpochs.length} checkpoints)${values.force ? ', recomputing existing results' : ''}`,
    );
    try {
      const result = await analyzeVariant(
        { resultsDir: paths.resultsDir, family, variant: values.variant, analyzers, force: values.force },
        { onProgress: progressPrinter(process.stderr), signal: abort.signal },
      );
      console.log(
        [
          'Analysis complete!',
          analyzedLine(result.epochsWithWork.length, checkpointEpochs.length),
          `Files written: ${result.epochFilesWritten} epoch files, summaries: ${result.summariesWritten.join(', ') || 'none'}, cross-epoch: ${result.crossEpochWritten.join(', ') || 'none'}`,
          `Artifacts saved to ${artifacts.dir}`,
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      if (abort.signal.aborted) {
        console.error('\nStopped; the results written so far are kept, and running the command again resumes.');
        return 130;
      }
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof AnalysisInputError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

export const analyzeCommand: Command = { summary: 'analyze a trained variant’s checkpoints', run };

/** "Checkpoints analyzed: 10 of 35 (the other 25 had their results already)"; all, or none, said plainly. */
export function analyzedLine(withWork: number, checkpoints: number): string {
  if (withWork === checkpoints) return `Checkpoints analyzed: all ${checkpoints}`;
  if (withWork === 0) return `Checkpoints analyzed: none (all ${checkpoints} had their results already)`;
  return `Checkpoints analyzed: ${withWork} of ${checkpoints} (the other ${checkpoints - withWork} had their results already)`;
}
