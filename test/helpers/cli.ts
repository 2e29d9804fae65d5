/** Runs the `workbench` command line as a user would, in its own process, and collects what it printed. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The CLI entry, for tests that start it themselves (to kill it mid-run). */
export const CLI_ENTRY = fileURLToPath(new URL('../../server/cli/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const run = promisify(execFile);

/** `workbench ...args` with `env` added to this process's environment; a non-zero exit is a result, not an error. */
export async function workbenchCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_ENTRY, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as CliResult;
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
