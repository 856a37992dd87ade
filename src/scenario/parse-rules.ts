import type { ScenarioProblem, SourcePosition } from '../errors/scenario-error.js';
import { describeSource, parseSource, type SourceForm } from './parse-source.js';
import { parseTarget } from './parse-target.js';
import { quoted } from './quoted.js';
import type { RawRule, RawTarget } from './scenario-schema.js';
import {
  RULE_KINDS,
  type Expectation,
  type HostTarget,
  type Rule,
  type RuleKind,
  type SourceRef,
  type TargetRef,
} from './scenario.js';
import type { DocPath } from './yaml-positions.js';

/** What reading rules needs of the scenario around them. */
export interface RuleContext {
  /** The scenario's one project, when it names exactly one: where names go when a rule does not say. */
  project: string | undefined;
  /** What `internet` stands for in this file. */
  internet: HostTarget[];
  timeoutMs: number;
  at: (path: DocPath, key?: boolean) => SourcePosition;
  problems: ScenarioProblem[];
}

/** What one rule says, before it is numbered: its words and its entries (and what each entry says of its own). */
interface Made {
  says: string;
  entries: { from: SourceRef; to: TargetRef[]; reachable: boolean; says: string | undefined }[];
}

const FORMS =
  'rules: - never: { from: { network: public-facing }, to: [postgres] }, - no-egress: { network: internal-backend }, - only: { to: redis, from: [api, worker] }';

const NO_EGRESS: SourceForm = {
  key: 'no-egress',
  hint: 'no-egress: { network: internal-backend } or no-egress: { service: worker }',
};
const ONLY_FROM: SourceForm = {
  key: 'only.from',
  hint: 'only: { to: redis, from: [api, worker, { network: internal-backend }] }',
};

/**
 * Reads `rules:` into rules and the ordinary expectations they make, numbered from `firstIndex` (after the file's
 * `expect:` entries). Each entry is named after its rule and sits at the rule's position, so a report or an error
 * about it points at the rule:
 *
 * - `never: { from, to }`: one entry, reachable: false;
 * - `no-egress: { network | service }`: one entry to `internet`, reachable: false;
 * - `only: { to, from: [...] }`: one entry per listed source, reachable: true. That nothing else reaches `to` is known
 *   only once the deployment is read: rules/expand-only-rules.ts adds those entries then.
 *
 * Problems go into the context's list, each at its position; an item with a problem makes no entry.
 */
export function parseRules(
  raw: readonly RawRule[],
  firstIndex: number,
  context: RuleContext,
): { rules: Rule[]; expectations: Expectation[] } {
  const { at, problems } = context;
  const rules: Rule[] = [];
  const expectations: Expectation[] = [];
  raw.forEach((item, i) => {
    const path = ['rules', i];
    const kinds = RULE_KINDS.filter((k) => item[k] !== undefined);
    if (kinds.length === 0) {
      problems.push({ ...at(path), message: `'rules[${i}]' needs one of ${RULE_KINDS.join(', ')}`, hint: FORMS });
      return;
    }
    if (kinds.length > 1) {
      problems.push({
        ...at([...path, kinds[1]!], true),
        message: `'rules[${i}]' holds ${kinds.join(' and ')}: one rule per item`,
        hint: 'write each rule as its own item under rules:',
      });
      return;
    }
    const kind: RuleKind = kinds[0]!;
    const before = problems.length;
    const made =
      kind === 'never'
        ? never(item, [...path, kind], context)
        : kind === 'no-egress'
          ? noEgress(item, [...path, kind], context)
          : only(item, [...path, kind], context);
    if (problems.length > before) return;
    const rule: Rule = { number: i + 1, kind, says: made.says, position: at(path) };
    rules.push(rule);
    for (const entry of made.entries) {
      expectations.push({
        index: firstIndex + expectations.length,
        name: `rule ${rule.number} (${rule.says})${entry.says ? `: ${entry.says}` : ''}`,
        from: entry.from,
        to: entry.to,
        reachable: entry.reachable,
        timeoutMs: context.timeoutMs,
        retries: 0,
        position: rule.position,
        rule,
      });
    }
  });
  return { rules, expectations };
}

function never(item: RawRule, path: DocPath, context: RuleContext): Made {
  const raw = item.never!;
  const from = parseSource(raw.from, context.project, () => context.at([...path, 'from']), context.problems);
  const scope = typeof raw.from === 'object' ? (raw.from.project ?? context.project) : context.project;
  const to = targets(
    Array.isArray(raw.to) ? raw.to : [raw.to],
    (j) => (Array.isArray(raw.to) ? [...path, 'to', j] : [...path, 'to']),
    scope,
    context,
  );
  return {
    says: `${describeSource(from)} never reaches ${to.map((t) => t.label).join(', ')}`,
    entries: [{ from, to, reachable: false, says: undefined }],
  };
}

function noEgress(item: RawRule, path: DocPath, context: RuleContext): Made {
  const from = parseSource(item['no-egress']!, context.project, () => context.at(path), context.problems, NO_EGRESS);
  const internet: TargetRef = {
    kind: 'internet',
    label: 'internet',
    targets: context.internet,
    position: context.at(path),
  };
  return {
    says: `${describeSource(from)} has no egress`,
    entries: [{ from, to: [internet], reachable: false, says: undefined }],
  };
}

function only(item: RawRule, path: DocPath, context: RuleContext): Made {
  const { at, problems } = context;
  const raw = item.only!;
  const [target] = targets([raw.to], () => [...path, 'to'], context.project, context);
  // `only` is about who reaches a service: the rest of the project is what it rules out, and a URL or a lookup would
  // rule out nothing the service's own port does not.
  if (target && (target.kind !== 'tcp' || target.host.kind !== 'service')) {
    problems.push({
      ...at([...path, 'to']),
      message: `'only.to' must be a service or service:port, got ${quoted(target.label)}`,
      hint: 'only: { to: redis, from: [api, worker] }; check URLs, names and outside hosts with expect: entries',
    });
  }
  const list = Array.isArray(raw.from) ? raw.from : [raw.from];
  const sources: SourceRef[] = [];
  list.forEach((entry, j) => {
    const where = () => at(Array.isArray(raw.from) ? [...path, 'from', j] : [...path, 'from']);
    if (entry === 'host') {
      problems.push({
        ...where(),
        message: "'only.from' lists host: only services and networks are ruled in or out",
        hint: 'check published ports with expect: entries from: host',
      });
      return;
    }
    const source =
      typeof entry === 'string'
        ? ({ kind: 'service', service: entry, project: context.project } as const)
        : parseSource(entry, context.project, where, problems, ONLY_FROM);
    if (sources.some((s) => sameSource(s, source))) {
      problems.push({
        ...where(),
        message: `'only.from' lists ${describeSource(source)} twice`,
        hint: 'name each service or network once',
      });
      return;
    }
    sources.push(source);
  });
  const label = target?.label ?? '';
  const who = (s: SourceRef) => (s.kind === 'service' ? s.service : describeSource(s));
  return {
    says: `only ${sources.map(who).join(', ')} reach${sources.length === 1 ? 'es' : ''} ${label}`,
    entries: target
      ? sources.map((from) => ({ from, to: [target], reachable: true, says: `${who(from)} reaches ${label}` }))
      : [],
  };
}

// The targets of a rule, as `to:` of an expectation reads them: `internet` stands for the file's list.
function targets(
  list: readonly RawTarget[],
  pathOf: (j: number) => DocPath,
  project: string | undefined,
  context: RuleContext,
): TargetRef[] {
  const out: TargetRef[] = [];
  list.forEach((raw, j) => {
    const position = context.at(pathOf(j));
    const target = parseTarget(raw, project, position);
    if ('error' in target) context.problems.push({ ...position, message: target.error, hint: target.hint });
    else out.push(target.kind === 'internet' ? { ...target, targets: context.internet } : target);
  });
  return out;
}

function sameSource(a: SourceRef, b: SourceRef): boolean {
  return (
    describeSource(a) === describeSource(b) &&
    (a.kind === 'host' || a.kind === 'lan' || b.kind === 'host' || b.kind === 'lan' || a.project === b.project)
  );
}
