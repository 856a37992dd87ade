import { formatPosition } from '../errors/scenario-error.js';
import { escapeControl } from '../report/escape-control.js';
import type { RuleKind, Scenario } from '../scenario/scenario.js';
import type { Topology } from '../topology/topology.js';
import { composeFilesOf, composeLines, composeLoader, type ComposeLine, type ComposeLoader } from './compose-lines.js';
import { ruleContradictions, type ComposeCause } from './rule-contradictions.js';

/**
 * What is found before anything runs, each with a stable code beside its text (as verdicts have): scripts match on
 * the code. A finding never decides the exit code: the live verdicts of the same rule do.
 */
export const STATIC_FINDING_CODES = {
  'rule-contradicted-by-topology':
    "a rule says what the deployment's own configuration rules out (a service on the network the rule keeps it from, a network that is not internal, a published port, a listed source that shares no network with its target): its live check will most likely FAIL",
} as const;

/** One of {@link STATIC_FINDING_CODES}. */
export type StaticFindingCode = keyof typeof STATIC_FINDING_CODES;

/** A rule the deployment contradicts, found before probing: where the rule is, why, and the Compose lines that cause it. */
export interface StaticFinding {
  code: StaticFindingCode;
  /** The rule's number in its file's `rules:`, from 1. */
  rule: number;
  kind: RuleKind;
  /** What the rule says: `network public-facing never reaches postgres`. */
  says: string;
  /** Where the rule is: file:line:col. */
  location: string;
  /** What the deployment says instead: `postgres is on public-facing`. */
  reason: string;
  /** The Compose lines that cause it, when the containers' labels name the files and they can be read. */
  compose: ComposeLine[];
  /** Why a line is missing: a file that cannot be read, a cause no line states. */
  notes: string[];
}

/**
 * The static answer for every rule of every scenario (rules/rule-contradictions.ts), each with the Compose lines that
 * cause it. Run on scenarios with their names pinned and their `only` rules expanded, before any probe.
 */
export async function staticFindings(
  scenarios: readonly Scenario[],
  topology: Topology,
  load: ComposeLoader = composeLoader(),
): Promise<StaticFinding[]> {
  const findings: StaticFinding[] = [];
  for (const scenario of scenarios) {
    for (const c of ruleContradictions(scenario, topology)) {
      const { lines, notes } = await linesOf(c.causes, topology, load);
      findings.push({
        code: 'rule-contradicted-by-topology',
        rule: c.rule.number,
        kind: c.rule.kind,
        says: c.rule.says,
        location: formatPosition(c.rule.position),
        reason: c.reason,
        compose: lines,
        notes,
      });
    }
  }
  return findings;
}

// Causes in several projects (a source in one, the target in another) are looked up in each project's own files.
async function linesOf(
  causes: readonly ComposeCause[],
  topology: Topology,
  load: ComposeLoader,
): Promise<{ lines: ComposeLine[]; notes: string[] }> {
  const lines: ComposeLine[] = [];
  const notes: string[] = [];
  for (const project of [...new Set(causes.map((c) => c.project))]) {
    const files = composeFilesOf(topology.services.filter((s) => s.project === project).flatMap((s) => s.containers));
    const found = await composeLines(
      causes.filter((c) => c.project === project),
      files,
      load,
    );
    lines.push(...found.lines);
    for (const n of found.notes) if (!notes.includes(n)) notes.push(n);
  }
  return { lines, notes };
}

/**
 * A finding as stderr shows it before probing: `rule 1 (…) at f.yml:9:5 is contradicted by the deployment: postgres
 * is on public-facing`, then each Compose line (`file:line:col: the line`) and each note, indented. Each line is safe
 * for a terminal: a Compose line is the file's text.
 */
export function describeFinding(f: StaticFinding): string {
  return [
    `rule ${f.rule} (${f.says}) at ${f.location} is contradicted by the deployment: ${f.reason}`,
    ...f.compose.map((l) => `  ${formatPosition(l)}: ${l.text}`),
    ...f.notes.map((n) => `  (${n})`),
  ]
    .map(escapeControl)
    .join('\n');
}
