/** A `workbench` sub-command, as the CLI entry (main.ts) dispatches to it, and the flag parsing they share. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  summary: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

const HELP_FLAG = { help: { type: 'boolean', short: 'h', default: false } } as const;

type FlagConfig<Options extends ParseArgsOptionsConfig> = {
  args: string[];
  options: Options & typeof HELP_FLAG;
  strict: true;
  allowPositionals: false;
};
export type Flags<Options extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<FlagConfig<Options>>>['values'];

/**
 * A command's flags (and -h/--help), or the exit code when there is nothing more to do: 2 after
 * printing what is wrong and the help for an unknown or malformed flag, 0 after printing the help.
 */
export function parseFlags<const Options extends ParseArgsOptionsConfig>(
  argv: string[],
  options: Options,
  help: string,
): { values: Flags<Options> } | { exitCode: number } {
  let values: Flags<Options>;
  try {
    ({ values } = parseArgs<FlagConfig<Options>>({
      args: argv,
      options: { ...options, ...HELP_FLAG },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${help}`);
    return { exitCode: 2 };
  }
  if ((values as { help?: boolean }).help) {
    console.log(help);
    return { exitCode: 0 };
  }
  return { values };
}
