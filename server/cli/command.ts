/** A `workbench` sub-command, as the CLI entry (main.ts) dispatches to it. */
export interface Command {
  summary: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}
