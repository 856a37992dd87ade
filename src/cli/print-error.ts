import { isDockprobeError } from '../errors/dockprobe-error.js';
import { escapeLines } from '../report/escape-control.js';
import type { CliContext } from './cli-context.js';

/** An error as the command line shows it on stderr: its code, message and hint; never a stack trace unless asked. */
export function printError(context: Pick<CliContext, 'stderr' | 'colorsErr'>, error: unknown): void {
  const c = context.colorsErr;
  const out = context.stderr;
  // Messages quote what a file or the engine said (a name, a target, a label): shown, never sent raw to a terminal.
  if (isDockprobeError(error)) {
    out.write(`${c.red(c.bold('dockprobe: error'))} [${error.code}] ${escapeLines(error.message)}\n`);
    if (error.hint) out.write(`  ${c.dim(`hint: ${escapeLines(error.hint)}`)}\n`);
    if (process.env['DOCKPROBE_DEBUG'] && error.cause)
      out.write(`  cause: ${String((error.cause as Error)?.stack ?? error.cause)}\n`);
    return;
  }
  // Not one of ours: still no stack trace unless asked for.
  const message = error instanceof Error ? error.message : String(error);
  out.write(
    `${c.red(c.bold('dockprobe: internal error'))} ${escapeLines(message)}\n  ${c.dim('set DOCKPROBE_DEBUG=1 for the stack trace, and please report it')}\n`,
  );
  if (process.env['DOCKPROBE_DEBUG'] && error instanceof Error) out.write(`${error.stack}\n`);
}
