import { closeSync, openSync, readFileSync, readSync, type Stats, statSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { ScenarioError, type ScenarioProblem } from '../errors/scenario-error.js';
import { closestName } from '../errors/unknown-name-error.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import { parseRules } from './parse-rules.js';
import { describeSource, parseSource } from './parse-source.js';
import { parseTarget } from './parse-target.js';
import { projectList, singleProject } from './project-list.js';
import {
  expectationSchema,
  neverRuleSchema,
  noEgressRuleSchema,
  onlyRuleSchema,
  ruleSchema,
  scenarioSchema,
  sourceObjectSchema,
  targetObjectSchema,
  traefikSchema,
  type RawScenario,
} from './scenario-schema.js';
import type { Expectation, HostTarget, Scenario, TargetRef, TraefikCheck } from './scenario.js';
import { positionOf, type DocPath } from './yaml-positions.js';
import { quoted } from './quoted.js';
import { DEFAULT_INTERNET, DEFAULT_TIMEOUT_MS } from './scenario-defaults.js';

export { DEFAULT_INTERNET, DEFAULT_TIMEOUT_MS };

/**
 * The largest scenario file read, in bytes. Real scenarios are a few KiB; a 50 MB file once took 85 s and 4.3 GB to
 * refuse. Larger files are refused before they are read.
 */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;
/** The most expectations one file may hold: each becomes cells and checks, and a probe's plan must stay small. */
export const MAX_EXPECTATIONS = 10_000;
/** The most YAML aliases one file may use: enough for any real anchor reuse, far too few for an alias bomb. */
export const MAX_ALIASES = 100;

const READ_HINTS: Record<string, string> = {
  ENOENT: 'check the path; example files are in scenarios/',
  EISDIR: 'that is a directory: name a scenario file in it, e.g. scenarios/reference.yml',
  ELOOP: 'the path is a loop of symbolic links: name the file itself',
  EACCES: 'this user may not read it: check its permissions (ls -l), or run as a user who can',
  EPERM: 'this user may not read it: check its permissions (ls -l), or run as a user who can',
};

/** Reads and validates a scenario file; every problem is reported at once, each at file:line:col. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    const stats = await stat(file);
    refuseTooLarge(file, stats);
    text = stats.isFile() ? await readFile(file, 'utf8') : await readStreamBounded(file);
  } catch (error) {
    throw readError(file, error);
  }
  return parseScenario(text, file);
}

/**
 * {@link loadScenario}, reading the file synchronously: for `dockprobe validate` without yargs
 * (src/cli/validate-files.ts), where loading node's fs/promises and a first asynchronous read took 2 to 3 ms, far
 * longer than reading a scenario.
 */
export function loadScenarioSync(file: string): Scenario {
  let text: string;
  try {
    const stats = statSync(file);
    refuseTooLarge(file, stats);
    text = stats.isFile() ? readFileSync(file, 'utf8') : readStreamBoundedSync(file);
  } catch (error) {
    throw readError(file, error);
  }
  return parseScenario(text, file);
}

function refuseTooLarge(file: string, stats: Stats): void {
  if (stats.isFile() && stats.size > MAX_SCENARIO_BYTES) {
    throw new ScenarioError([
      {
        file,
        line: 1,
        col: 1,
        message: `the scenario file is ${(stats.size / 1024 / 1024).toFixed(1)} MiB; at most ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB is read`,
        hint: 'split it into several files (dockprobe test a.yml b.yml)',
      },
    ]);
  }
}

// A pipe, `<(…)`, /dev/stdin or a device has no size to refuse it by: it is read in chunks, and refused as soon as
// it passes the limit (`dockprobe test /dev/zero` once read until memory ran out).
const CHUNK_BYTES = 64 * 1024;

/** A scenario read from a pipe or a device that passed {@link MAX_SCENARIO_BYTES}. */
export function streamTooLarge(file: string): ScenarioError {
  return new ScenarioError([
    {
      file,
      line: 1,
      col: 1,
      message: `the scenario input is over ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB; reading stopped there`,
      hint: 'split it into several files (dockprobe test a.yml b.yml)',
    },
  ]);
}

async function readStreamBounded(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(CHUNK_BYTES), 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return Buffer.concat(chunks).toString('utf8');
      total += bytesRead;
      if (total > MAX_SCENARIO_BYTES) throw streamTooLarge(file);
      chunks.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

function readStreamBoundedSync(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return Buffer.concat(chunks).toString('utf8');
      total += bytesRead;
      if (total > MAX_SCENARIO_BYTES) throw streamTooLarge(file);
      chunks.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    closeSync(fd);
  }
}

/** What reading a scenario file threw, as the ScenarioError to report. */
function readError(file: string, error: unknown): ScenarioError {
  if (error instanceof ScenarioError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new ScenarioError(
    [{ file, line: 1, col: 1, message: `cannot read the scenario file (${code})`, hint: READ_HINTS[code] }],
    { cause: error },
  );
}

/** Parses scenario text; `file` is only used in positions and messages. */
export function parseScenario(text: string, file: string): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) {
    throw new ScenarioError([
      {
        file,
        line: 1,
        col: 1,
        message: `the scenario text is over ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB`,
        hint: 'split it into several files',
      },
    ]);
  }
  refuseBinary(text, file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, ...yamlProblem(e.code, e.message) };
      }),
    );
  }
  const at = (path: DocPath, key = false) => ({ file, ...positionOf(doc, lines, path, { key }) });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // yaml refuses an alias bomb ("Excessive alias count …"): name where the aliases start, never an internal error.
    let first: { line: number; col: number } = { line: 1, col: 1 };
    visit(doc, {
      Alias(_, node) {
        if (node.range) first = lines.linePos(node.range[0]);
        return visit.BREAK;
      },
    });
    throw new ScenarioError(
      [
        {
          file,
          ...first,
          message: `YAML: too many aliases expanded (more than ${MAX_ALIASES} per node): ${(error as Error).message.split('\n')[0]}`,
          hint: 'anchors and aliases are for small reuse; write the entries out',
        },
      ],
      { cause: error },
    );
  }
  if (data === null || data === undefined) {
    throw new ScenarioError([
      { file, line: 1, col: 1, message: 'the scenario file is empty', hint: 'start from scenarios/reference.yml' },
    ]);
  }
  refuseOtherDocument(data, file, at);
  const result = scenarioSchema.safeParse(withoutExtensions(data));
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => describeIssue(issue, data, at));
    // What the schema cannot see in a file it refused: each target of an entry, checked as the full parse would, so
    // that one pass gives every problem (a bad port beside a misspelt key).
    problems.push(...targetProblems(data, at));
    throw new ScenarioError(inLineOrder(problems));
  }
  return normalise(result.data, file, at);
}

type At = (path: DocPath, key?: boolean) => { file: string; line: number; col: number };

function normalise(raw: RawScenario, file: string, at: At): Scenario {
  const problems: ScenarioProblem[] = [];
  const duration = (text: string | undefined, path: DocPath): number | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined)
      problems.push({
        ...at(path),
        message: `${quoted(text)} is not a duration from 1ms to 10m`,
        hint: durationHint(text),
      });
    return ms;
  };
  const timeoutMs = duration(raw.timeout, ['timeout']) ?? DEFAULT_TIMEOUT_MS;
  const projects = projectList(raw.project);
  projects.forEach((p, j) => {
    if (projects.indexOf(p) !== j)
      problems.push({
        ...at(['project', j]),
        message: `'project' lists ${quoted(p)} twice`,
        hint: 'name each Compose project or stack once',
      });
  });
  // Where a name goes when its entry does not say: the one project listed; with several, resolved against the engine.
  const project = singleProject(projects);
  const internet = parseInternetList(
    raw.internet ?? DEFAULT_INTERNET,
    (j) => (raw.internet ? at(['internet', j]) : { file, line: 1, col: 1 }),
    problems,
  );
  const expect = raw.expect ?? [];
  const rawRules = raw.rules ?? [];
  if (expect.length === 0 && rawRules.length === 0) {
    throw new ScenarioError([{ ...at([]), message: "missing 'expect' (or 'rules')", hint: requiredHint([]) }]);
  }
  for (const [key, list] of [
    ['expect', expect],
    ['rules', rawRules],
  ] as const) {
    if (list.length > MAX_EXPECTATIONS) {
      throw new ScenarioError([
        {
          ...at([key]),
          message: `'${key}' has ${list.length} entries; at most ${MAX_EXPECTATIONS} are run from one file`,
          hint: 'split it into several files, or name a service once for all its ports',
        },
      ]);
    }
  }
  const written: Expectation[] = expect.map((entry, index) => {
    const toList = Array.isArray(entry.to) ? entry.to : [entry.to];
    const targets: TargetRef[] = [];
    toList.forEach((rawTarget, j) => {
      const path = Array.isArray(entry.to) ? ['expect', index, 'to', j] : ['expect', index, 'to'];
      const position = at(path);
      const target = parseTarget(
        rawTarget,
        typeof entry.from === 'object' ? (entry.from.project ?? project) : project,
        position,
      );
      if ('error' in target) problems.push({ ...position, message: target.error, hint: target.hint });
      else targets.push(target.kind === 'internet' ? { ...target, targets: internet } : target);
    });
    const from = parseSource(entry.from, project, () => at(['expect', index, 'from']), problems);
    return {
      index,
      name: entry.name ?? `#${index + 1} from ${describeSource(from)}: ${entry.reachable ? 'reachable' : 'blocked'}`,
      from,
      to: targets,
      reachable: entry.reachable,
      timeoutMs: duration(entry.timeout, ['expect', index, 'timeout']) ?? timeoutMs,
      retries: 0,
      position: at(['expect', index]),
    };
  });
  // Each rule's entries are numbered after the file's own: an entry's index keeps its cells apart from every other's.
  const { rules, expectations: made } = parseRules(rawRules, written.length, {
    project,
    internet,
    timeoutMs,
    at,
    problems,
  });
  const traefik: TraefikCheck | undefined = raw.traefik
    ? {
        proxy: raw.traefik.proxy,
        project: raw.traefik.project ?? project,
        timeoutMs,
        retries: 0,
        position: at(['traefik']),
      }
    : undefined;
  if (problems.length > 0) throw new ScenarioError(inLineOrder(problems));
  return { file, projects, timeoutMs, internet, expectations: [...written, ...made], rules, traefik };
}

/** Parses what `internet` stands for: outside hosts only (an IP or a dotted name), each tried by name. */
export function parseInternetList(
  list: readonly string[],
  position: (index: number) => { file: string; line: number; col: number },
  problems: ScenarioProblem[],
): HostTarget[] {
  const targets: HostTarget[] = [];
  list.forEach((text, j) => {
    const target = parseTarget(text, undefined, position(j));
    if ('error' in target) problems.push({ ...position(j), message: target.error, hint: target.hint });
    else if (target.kind === 'udp')
      problems.push({
        ...position(j),
        message: `${quoted(text)}: egress is proven over TCP, HTTP and DNS, not UDP`,
        hint: 'internet targets are tcp://1.1.1.1:443, https://example.com/ or dns:example.com',
      });
    else if (target.kind === 'internet' || target.host.kind !== 'external') {
      problems.push({
        ...position(j),
        message: `${quoted(text)} is not an outside host`,
        hint: 'internet targets are IP addresses or dotted names: tcp://1.1.1.1:443, https://example.com/, dns:example.com',
      });
    } else targets.push(target);
  });
  return targets;
}

type Issue = z.core.$ZodIssue;

// Turns one zod issue into problems a person can act on: the right position, the offending value, a hint.
function describeIssue(issue: Issue, data: unknown, at: At): ScenarioProblem[] {
  const path = issue.path;
  const where = pathLabel(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path);
      return issue.keys.map((key) => {
        const close = closestName(key, allowed);
        return {
          ...at([...path, key], true),
          message: `unknown key ${quoted(key)}${path.length ? ` in ${where}` : ''}`,
          hint: `${close ? `did you mean '${close}'? ` : ''}allowed keys: ${allowed.join(', ')}`,
        };
      });
    }
    case 'invalid_union': {
      // A key left out is missing, whatever forms it could have taken: no branch's complaint about `undefined`.
      if (valueAt(data, path) === undefined && path.length > 0) return [missing(path, at)];
      // Report the branch that matched the value's type best: the one whose issues go deepest.
      // Issues inside a union carry paths relative to the union.
      const branches = issue.errors.filter((b) => b.length > 0);
      const best = branches.sort((a, b) => depth(b) - depth(a))[0];
      if (best && depth(best) >= 0)
        return best.flatMap((i) => describeIssue({ ...i, path: [...path, ...i.path] } as Issue, data, at));
      // A key left out is missing, whatever forms it could have taken.
      if (valueAt(data, path) === undefined)
        return describeIssue(
          { code: 'invalid_type', expected: 'object', path, message: '', input: undefined } as Issue,
          data,
          at,
        );
      return [
        {
          ...at(path),
          message: `${where} has the wrong form (got ${describeValue(valueAt(data, path))})`,
          hint: unionHint(path),
        },
      ];
    }
    case 'invalid_type': {
      const value = valueAt(data, path);
      if (value === undefined) return [missing(path, at)];
      return [
        {
          ...at(path),
          message: `${where} must be ${article(issue.expected)}, got ${describeValue(value)}`,
          hint: path.at(-1) === 'timeout' ? durationHint(value) : requiredHint(path),
        },
      ];
    }
    case 'invalid_format':
      return [
        {
          ...at(path),
          message: `${where} is not a duration: ${describeValue(valueAt(data, path))}`,
          hint: durationHint(valueAt(data, path)),
        },
      ];
    case 'too_small':
      return [
        {
          ...at(path),
          message: `${where} ${issue.origin === 'array' ? `needs at least ${String(issue.minimum)} entry` : `is too small (minimum ${String(issue.minimum)})`}`,
          hint: requiredHint(path),
        },
      ];
    case 'too_big':
      return [
        { ...at(path), message: `${where} is too large (maximum ${String(issue.maximum)})`, hint: requiredHint(path) },
      ];
    case 'invalid_value':
      if (valueAt(data, path) === undefined && path.length > 0) return [missing(path, at)];
      if (path.length === 1 && path[0] === 'version')
        return [
          {
            ...at(path),
            message: `'version' must be 1, got ${describeValue(valueAt(data, path))}`,
            hint: "1 is the only scenario version (leave it out to mean 1); a Compose file's `version:` says nothing here",
          },
        ];
      return [
        {
          ...at(path),
          message: `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(valueAt(data, path))}`,
          hint: requiredHint(path),
        },
      ];
    default:
      return [{ ...at(path), message: `${where}: ${issue.message}` }];
  }
}

/** Problems as a reader meets them: by line, then column (a sort is stable: one place keeps its order). */
function inLineOrder(problems: ScenarioProblem[]): ScenarioProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}

// A key left out, said at the map that lacks it.
function missing(path: readonly PropertyKey[], at: At): ScenarioProblem {
  return {
    ...at(path.slice(0, -1) as DocPath),
    message: `missing '${String(path[path.length - 1])}'${path.length > 1 ? ` in ${pathLabel(path.slice(0, -1))}` : ''}`,
    hint: requiredHint(path),
  };
}

/** The duration hint, with what to write instead where the value says what was meant (`2` → `2s`, `1h`). */
export function durationHint(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value))
    return `a duration needs a unit: write ${value}s for ${value} seconds (or ${value}ms); ${DURATION_HINT}`;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*(h|hours?|d|days?)\s*$/i.test(value))
    return `hours and days are not taken: no check waits that long; ${DURATION_HINT}`;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value))
    return `a duration needs a unit: write ${value.trim()}s for ${value.trim()} seconds; ${DURATION_HINT}`;
  return DURATION_HINT;
}

function depth(issues: readonly Issue[]): number {
  // A reduce, not Math.max(...): a file can hold more issues than a call can take arguments.
  return issues.reduce(
    (deepest, i) => Math.max(deepest, i.code === 'invalid_type' && i.path.length === 0 ? -1 : i.path.length),
    -Infinity,
  );
}

// The keys allowed where a path points. An `expect:` entry's keys are two deep (expect, index); a rule's body is three
// (rules, index, kind), its `from:` and `to:` one further.
function allowedKeys(path: readonly PropertyKey[]): string[] {
  const rule = path[0] === 'rules';
  const field = rule ? path[3] : path[2];
  const body = rule ? RULE_BODIES[String(path[2])] : undefined;
  const shape =
    path.length === 0
      ? scenarioSchema.shape
      : path[0] === 'traefik'
        ? traefikSchema.shape
        : rule && path.length === 2
          ? ruleSchema.shape
          : rule && path.length === 3
            ? (body ?? {})
            : path.length === 2 && path[0] === 'expect'
              ? expectationSchema.shape
              : field === 'from'
                ? sourceObjectSchema.shape
                : field === 'to'
                  ? targetObjectSchema.shape
                  : {};
  return Object.keys(shape).filter((k) => k !== '$schema');
}

/** The keys of each kind of rule's body, by kind. */
const RULE_BODIES: Record<string, Record<string, unknown>> = {
  never: neverRuleSchema.shape,
  'no-egress': noEgressRuleSchema.shape,
  only: onlyRuleSchema.shape,
};

const PORT_HINT = 'a port is a whole number from 1 to 65535 or a known name';

const RULES_HINT =
  'each item of rules: is one of - never: { from: { network: public-facing }, to: [postgres] }, - no-egress: { network: internal-backend }, - only: { to: redis, from: [api, worker] }';

function requiredHint(path: readonly PropertyKey[]): string | undefined {
  const key = String(path[path.length - 1] ?? '');
  if (path[0] === 'rules') return key === 'port' ? PORT_HINT : ruleHint(path);
  if (key === 'reachable') return 'reachable: true (every target must answer) or reachable: false (none may)';
  if (key === 'from' || path[2] === 'from')
    return 'from: { network: public-facing }, from: { service: frontend } or from: host';
  if (key === 'to' || path[2] === 'to') return "e.g. to: [frontend:3000, 'http://api:3001/health', dns:redis]";
  if (key === 'expect' || path.length === 0)
    return 'a scenario has `expect:`, a list of { from, to, reachable }, or `rules:`, a list of never / no-egress / only rules (or both)';
  if (key === 'port') return PORT_HINT;
  if (path[0] === 'project' && path.length <= 2)
    return 'project: NAME or project: [NAME, …]: Compose projects or swarm stacks';
  if (path[0] === 'traefik')
    return 'traefik: {} finds the proxy by its image; traefik: { proxy: reverse-proxy } names its Compose service';
  return undefined;
}

// A rule's hint is the form of its kind, written out; above its kind, the three forms.
function ruleHint(path: readonly PropertyKey[]): string {
  switch (path[2]) {
    case 'never':
      return path[3] === 'to'
        ? 'e.g. to: [postgres, redis:6379, dns:postgres, internet]'
        : 'never: { from: { network: public-facing }, to: [postgres, redis] } (from: is written as in expect:)';
    case 'no-egress':
      return 'no-egress: { network: internal-backend } or no-egress: { service: worker }';
    case 'only':
      return 'only: { to: redis, from: [api, worker, { network: internal-backend }] }: a service (or service:port), and the services or networks that alone reach it';
    default:
      return RULES_HINT;
  }
}

function unionHint(path: readonly PropertyKey[]): string | undefined {
  return path[0] !== 'rules' && path[2] === 'to'
    ? "a target is 'service:port', 'http://…', 'dns:name', 'tcp://host:port' or { service, port }"
    : requiredHint(path);
}

function pathLabel(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the scenario';
  return `'${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('')}'`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  // A scalar of megabytes is never echoed whole (see quoted.ts).
  if (typeof value === 'string' && value.length > 80)
    return `string ${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

// The YAML library's message, made dockprobe's where it speaks to its own caller (MULTIPLE_DOCS).
function yamlProblem(code: string, message: string): { message: string; hint: string | undefined } {
  if (code === 'MULTIPLE_DOCS')
    return {
      message: 'the file holds several YAML documents (a `---` line starts another): a scenario is one document',
      hint: 'put each scenario in a file of its own and give them all: dockprobe test a.yml b.yml',
    };
  return { message: `YAML: ${message.split('\n')[0]}`, hint: yamlHint(code) };
}

/**
 * A file that is no text (a binary, an image, an archive) is refused as such, not parsed into pages of YAML errors
 * quoting its bytes: a NUL, or text that is not UTF-8 (decoded to U+FFFD), within its first 8 KiB.
 */
function refuseBinary(text: string, file: string): void {
  const head = text.slice(0, 8192);
  const nul = head.indexOf('\u0000');
  const at = nul !== -1 ? nul : head.indexOf('\uFFFD');
  if (at === -1) return;
  throw new ScenarioError([
    {
      file,
      line: 1,
      col: 1,
      message: `not a text file: ${head[at] === '\u0000' ? 'a NUL byte' : 'bytes that are not UTF-8'} at character ${at + 1}`,
      hint: 'a scenario is a YAML text file; start from scenarios/reference.yml',
    },
  ]);
}

/** Other files a user may hand to validate or test: said for what they are, with the command that takes each. */
function refuseOtherDocument(data: unknown, file: string, at: At): void {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return;
  const o = data as Record<string, unknown>;
  if (typeof o['format'] === 'string' && o['format'].startsWith('dockprobe-')) {
    const takes: Record<string, string> = {
      'dockprobe-baseline': `a baseline is compared with by \`dockprobe test SCENARIO --baseline ${file}\` or \`dockprobe drill --all --baseline ${file}\``,
    };
    throw new ScenarioError([
      {
        ...at([]),
        message: `this is a ${o['format']} document that dockprobe wrote, not a scenario`,
        hint: takes[o['format']] ?? 'a scenario has `expect:` or `rules:`; start from scenarios/reference.yml',
      },
    ]);
  }
  if ('services' in o && !('expect' in o) && !('rules' in o)) {
    throw new ScenarioError([
      {
        ...at(['services'], true),
        message: 'this looks like a Compose file (it has `services:`), not a scenario',
        hint: `dockprobe infer --file ${file} --write isolation.yml writes a scenario from it; then dockprobe validate isolation.yml`,
      },
    ]);
  }
}

/** The scenario without its top-level `x-` keys: a place for YAML anchors, as Compose files have. */
function withoutExtensions(data: unknown): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')));
}

/** The problems of every `to:` target of every `expect:` entry, for a file whose schema check failed. */
function targetProblems(data: unknown, at: At): ScenarioProblem[] {
  const expect = (data as { expect?: unknown } | null)?.expect;
  if (!Array.isArray(expect)) return [];
  const problems: ScenarioProblem[] = [];
  expect.forEach((entry: unknown, index) => {
    const to = (entry as { to?: unknown } | null)?.to;
    const list = Array.isArray(to) ? to : to === undefined ? [] : [to];
    list.forEach((raw: unknown, j) => {
      if (!targetObjectSchema.safeParse(raw).success && typeof raw !== 'string') return;
      const position = at(Array.isArray(to) ? ['expect', index, 'to', j] : ['expect', index, 'to']);
      const target = parseTarget(raw as Parameters<typeof parseTarget>[0], undefined, position);
      if ('error' in target) problems.push({ ...position, message: target.error, hint: target.hint });
    });
  });
  return problems;
}

function yamlHint(code: string): string | undefined {
  if (code === 'DUPLICATE_KEY') return 'each key may appear once per map';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR')
    return 'check the indentation: list items under a key start with "- " at a consistent depth';
  if (code === 'TAB_AS_INDENT') return 'YAML indentation uses spaces, not tabs';
  return 'check the YAML syntax around this position';
}
