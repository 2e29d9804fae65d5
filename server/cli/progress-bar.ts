/** The one-line progress bar the CLI commands redraw in place on a terminal. */
const WIDTH = 24;

/** Redraws `[#####.....] text` on the current line; ends the line when `final`. */
export function drawProgressBar(stream: NodeJS.WriteStream, fraction: number, text: string, final: boolean): void {
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * WIDTH);
  stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${text}\x1b[K${final ? '\n' : ''}`);
}
