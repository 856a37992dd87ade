import { colorEnabled, colors } from '../report/colors.js';
import { CleanupStack } from '../run/cleanup-stack.js';
import type { CliContext } from './cli-context.js';
import { ExitCode, exitCodeForError } from './exit-code.js';
import { main } from './main.js';
import { printError } from './print-error.js';

/**
 * The command line as a process, started by bin.ts: the only place that sets the exit code and handles signals
 * (Ctrl-C and SIGTERM remove what the run created first). Ends the process.
 */
export async function runCli(): Promise<void> {
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use only: most commands never read stdin.
    get stdin() {
      return process.stdin;
    },
    colorsOut: colors(colorEnabled(process.stdout)),
    colorsErr: colors(colorEnabled(process.stderr)),
    cleanup: new CleanupStack(),
  };

  let interrupted = false;
  for (const [signal, code] of [
    ['SIGINT', ExitCode.SIGINT],
    ['SIGTERM', ExitCode.SIGTERM],
  ] as const) {
    process.on(signal, () => {
      if (interrupted) {
        process.stderr.write(
          `dockprobe: ${signal} again, exiting without waiting for cleanup; run \`dockprobe cleanup\`\n`,
        );
        process.exit(code);
      }
      interrupted = true;
      process.stderr.write(`dockprobe: ${signal}, removing what this run created…\n`);
      const limit = setTimeout(() => {
        process.stderr.write('dockprobe: cleanup took over 30 s; run `dockprobe cleanup`\n');
        process.exit(code);
      }, 30_000);
      void context.cleanup.runAll().then((failures) => {
        for (const f of failures) process.stderr.write(`dockprobe: cleanup step failed: ${f}\n`);
        clearTimeout(limit);
        process.exit(code);
      });
    });
  }

  try {
    process.exitCode = await main(process.argv.slice(2), context);
  } catch (error) {
    if (!interrupted) {
      printError(context, error);
      process.exitCode = exitCodeForError(error);
    }
  }
  if (!interrupted) {
    const failures = await context.cleanup.runAll();
    for (const f of failures) process.stderr.write(`dockprobe: cleanup step failed: ${f}\n`);
    // Everything is reported and removed: exit now. A request an engine accepted and never answered stays open after
    // its deadline expired, and would otherwise keep the process alive for ever.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(process.exitCode ?? 0);
  }
}
