import type { CleanupStack } from '../run/cleanup-stack.js';
import type { Colors } from '../report/colors.js';
import { escapeLines } from '../report/escape-control.js';

/** What every command gets from bin: where to write, and the cleanup stack its signal handler runs. */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where a question is answered (`networks --remove` asks on a terminal); absent: nothing to ask on. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Colours for stdout (results) and stderr (logs), each decided for its own stream. */
  colorsOut: Colors;
  colorsErr: Colors;
  cleanup: CleanupStack;
}

/** A progress line on stderr: logs never mix with results on stdout. */
export function logTo(context: CliContext, quiet = false): (message: string) => void {
  return (message) => {
    // Progress names containers, services and networks as the engine has them: shown, never sent raw.
    if (!quiet) context.stderr.write(`${context.colorsErr.dim(`dockprobe: ${escapeLines(message)}`)}\n`);
  };
}
