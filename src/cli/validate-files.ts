import { statSync } from 'node:fs';
import { loadScenarioSync } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario.js';

/** The line `dockprobe validate` prints for a scenario file that is valid. */
export function validatedLine(file: string, scenario: Scenario): string {
  // The file's own entries; its rules are counted as rules (an `only` rule's entries are known only once deployed).
  const written = scenario.expectations.filter((e) => !e.rule);
  const cells = written.reduce((n, e) => n + e.to.length, 0);
  const rules =
    scenario.rules.length > 0 ? `, ${scenario.rules.length} rule${scenario.rules.length === 1 ? '' : 's'}` : '';
  const traefik = scenario.traefik
    ? `, the Traefik routes of ${scenario.traefik.proxy ?? 'the proxy found by its image'}`
    : '';
  return `${file}: ok (${written.length} expectations, ${cells} targets${rules}${traefik})\n`;
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
    for (const file of files) text += validatedLine(file, loadScenarioSync(file));
    if (warned) throw new Error('yaml warned');
    return text;
  } finally {
    process.emitWarning = emitWarning;
    console.warn = warn;
  }
}
