import { createInterface } from 'node:readline/promises';
import type { CliContext } from './cli-context.js';

/**
 * A yes/no question on the terminal (asked on stderr, so stdout keeps only the report), or undefined when there is no
 * terminal to ask on: a script or a pipe gets no question, and the command goes on as asked.
 */
export function confirmOnTerminal(context: CliContext): ((question: string) => Promise<boolean>) | undefined {
  const input = context.stdin;
  if (!input?.isTTY || !context.stderr.isTTY) return undefined;
  return async (question) => {
    const terminal = createInterface({ input, output: context.stderr });
    try {
      return /^\s*y(es)?\s*$/i.test(await terminal.question(`${question} [y/N] `));
    } finally {
      terminal.close();
    }
  };
}
