import { statSync } from 'node:fs';
import { loadScenarioSync } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario.js';

/** The line `dockprobe validate` prints for a scenario file that is valid. */
export function validatedLine(file: string, scenario: Scenario): string {
  // The file's own entries; its rules are counted as rules (an `only` rule's entries are known only once deployed).
  const written = scenario.expectations.filter((e) => !e.rule);
  const cells = written.reduce((n, e) => n + e.to.length, 0);
  const rules = scenario.rules.length > 0 ? `, ${plural(scenario.rules.length, 'rule')}` : '';
  const traefik = scenario.traefik
    ? `, the Traefik routes of ${scenario.traefik.proxy ?? 'the proxy found by its image'}`
    : '';
  return `${file}: ok (${plural(written.length, 'expectation')}, ${plural(cells, 'target')}${rules}${traefik})\n`;
}

/** Whether a scenario has a source whose placement limits what it can check, or one that is no zone. */
export function needsPlacementCheck(scenario: Scenario): boolean {
  return scenario.expectations.some(
    (e) =>
      e.from.kind === 'host' ||
      e.from.kind === 'lan' ||
      (e.from.kind === 'network' && /^(host|none)$/.test(e.from.network)),
  );
}

/** `1 expectation`, `2 expectations`: a count with its word. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `dockprobe validate FILE…` without yargs, for bin.ts: the text the command prints when every file is valid, and
 * nothing printed. Throws on any problem, and whenever the full command line would print more than that text:
 * bin.ts then runs the full command line, which validates the files again and prints what it always did. Throws too
 * for a file that is no regular file (a pipe, `<(…)`, /dev/stdin from a pipe): the full command line could not read
 * it again.
 */
export function validateFiles(files: readonly string[]): string {
  // yaml's own debugging: it prints its tokens on stdout.
  if (process.env['LOG_TOKENS'] || process.env['LOG_STREAM']) throw new Error('LOG_TOKENS or LOG_STREAM is set');
  for (const file of files) {
    if (!statSync(file).isFile()) throw new Error(`${file}: not a regular file`);
  }
  // A warning of yaml's (a map key that is itself a list or a map): process.emitWarning in its build for node,
  // console.warn in its build for browsers, which the bundle holds (scripts/bundle-cli.mjs).
  let warned = false;
  const { emitWarning } = process;
  const { warn } = console;
  process.emitWarning = (() => {
    warned = true;
  }) as typeof process.emitWarning;
  console.warn = () => {
    warned = true;
  };
  try {
    let text = '';
    for (const file of files) {
      const scenario = loadScenarioSync(file);
      // What the placement of a source allows is the check kinds' to say (plan/scenario-problems.ts), and loading
      // them all costs more than this path saves: the full command line checks such a file.
      if (needsPlacementCheck(scenario)) throw new Error(`${file}: a source whose placement limits its targets`);
      text += validatedLine(file, scenario);
    }
    if (warned) throw new Error('yaml warned');
    return text;
  } finally {
    process.emitWarning = emitWarning;
    console.warn = warn;
  }
}
