/** What the command line prints for `--help`, `--version` and `schema`, as it printed it when the bundle was built. */
export interface PrecomputedOutput {
  version: string;
  /** The top-level help in English, by the width yargs wraps it to ({@link helpWidth}). */
  help: Record<number, string>;
  /** The JSON Schema of scenario files (zod builds it). */
  schema: string;
}

// A PrecomputedOutput in JSON, defined only in the command-line bundle by scripts/bundle-cli.mjs (esbuild's `define`
// inlines a string where it is used; an object would become a module of its own, one more file to load). Run from
// src or dist/src, the command line has no such global and computes everything with yargs.
declare const DOCKPROBE_PRECOMPUTED: string | undefined;

/** The width yargs wraps help to: the terminal's, at most 110 columns; 100 when stdout is no terminal. */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns ?? 100);
}

/**
 * Whether yargs prints its own words (`Commands:`, `Show help` …) in English for this environment. It guesses the
 * locale from these variables (the first one set, less `.UTF-8` or `:…`) and reads locales/<locale>.json, or the
 * language's file for `en_US`; yargs has en.json only for English, and C and POSIX have no file, where it prints
 * its English source strings. test/cli/bundle.test.ts compares each case with yargs' output.
 */
export function yargsSpeaksEnglish(env: Record<string, string | undefined>): boolean {
  const locale = (env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || env['LANGUAGE'] || 'en_US').replace(
    /[.:].*/,
    '',
  );
  return locale === 'en' || locale.startsWith('en_') || locale === 'C' || locale === 'POSIX';
}

/**
 * The text to print for this command line without yargs, if the bundle's build computed it; undefined otherwise.
 * `columns` (the terminal's width, undefined for no terminal) is asked for --help only.
 */
export function precomputedOutput(
  args: readonly string[],
  env: Record<string, string | undefined>,
  columns: () => number | undefined,
  precomputedJson: string | undefined = typeof DOCKPROBE_PRECOMPUTED === 'undefined'
    ? undefined
    : DOCKPROBE_PRECOMPUTED,
): string | undefined {
  if (precomputedJson === undefined || args.length !== 1) return undefined;
  const precomputed = JSON.parse(precomputedJson) as PrecomputedOutput;
  if (args[0] === '--version') return precomputed.version;
  if (args[0] === 'schema') return precomputed.schema;
  if ((args[0] === '--help' || args[0] === '-h') && yargsSpeaksEnglish(env))
    return precomputed.help[helpWidth(columns())];
  return undefined;
}
