/** The `workbench` command line: `workbench <command> [flags]`. Each command lives in its own module. */
import { APP_VERSION } from '../../version.ts';
import { analyzeCommand } from './analyze-command.ts';
import type { Command } from './command.ts';
import { reportCommand } from './report-command.ts';
import { sweepCommand } from './sweep-command.ts';
import { trainCommand } from './train-command.ts';
import { workerCommand } from './worker-command.ts';

const COMMANDS: Record<string, Command> = {
  train: trainCommand,
  analyze: analyzeCommand,
  report: reportCommand,
  sweep: sweepCommand,
  worker: workerCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    `workbench ${APP_VERSION}: train, analyze and compare grokking transformers`,
    '',
    'Usage: workbench <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `workbench <command> --help` for its flags; `workbench --version` prints the version.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    console.log(APP_VERSION);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    console.error(`unknown command "${first}"; allowed: ${Object.keys(COMMANDS).join(', ')}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
