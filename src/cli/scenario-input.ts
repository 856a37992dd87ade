import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Scenario } from '../scenario/scenario.js';
import type { CliContext } from './cli-context.js';

/**
 * `-` on the command line, as yargs is given it: yargs drops a lone `-` from a command's positionals, so main() puts
 * this in its place. It holds a NUL, which no argument from a shell can.
 */
export const STDIN_ARG = '\u0000stdin';
/** How messages and reports name the scenario read from stdin. */
export const STDIN_NAME = '<stdin>';

/** The command line with each lone `-` (the scenario on stdin) marked for yargs. */
export function markStdin(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => (arg === '-' && (end === -1 || i < end) ? STDIN_ARG : arg));
}

/** A file as the user named it: `-` for stdin. */
export function displayName(file: string): string {
  return file === STDIN_ARG ? '-' : file;
}

/**
 * The scenario files of a command line, `-` read from stdin (once) and parsed as `<stdin>`; the others stay paths,
 * read where they are used. Everything is refused as the files are: a bounded read, every problem at line:col.
 */
export async function scenarioInputs(files: readonly string[], context: CliContext): Promise<(string | Scenario)[]> {
  if (!files.includes(STDIN_ARG)) return [...files];
  refuseStdinTwice(files);
  const scenario = await readStdinScenario(context);
  return files.map((f) => (f === STDIN_ARG ? scenario : f));
}

/** `-` given twice: stdin is read once. */
export function refuseStdinTwice(files: readonly string[]): void {
  if (files.indexOf(STDIN_ARG) !== files.lastIndexOf(STDIN_ARG))
    throw new DockprobeError(ErrorCodes.USAGE, "'-' (the scenario on stdin) was given twice; stdin is read once");
}

/** The scenario on stdin, parsed; a ScenarioError for what is wrong with it, as for a file. */
export async function readStdinScenario(context: CliContext): Promise<Scenario> {
  const { parseScenario, streamTooLarge, MAX_SCENARIO_BYTES } = await import('../scenario/parse-scenario.js');
  const stdin = context.stdin;
  if (!stdin) throw new DockprobeError(ErrorCodes.USAGE, "'-' reads the scenario from stdin, and there is none here");
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > MAX_SCENARIO_BYTES) throw streamTooLarge(STDIN_NAME);
    chunks.push(bytes);
  }
  return parseScenario(Buffer.concat(chunks).toString('utf8'), STDIN_NAME);
}

/** A command that takes scenario files and got none: refused, saying how to name them. */
export function requireScenarioFiles(files: readonly string[] | undefined, command: string): void {
  if ((files ?? []).length > 0) return;
  throw new DockprobeError(ErrorCodes.USAGE, `dockprobe ${command} needs scenario files`, {
    hint: `dockprobe ${command} scenarios/reference.yml (or - to read one from stdin)`,
  });
}
