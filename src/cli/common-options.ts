import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { escapeLines } from '../report/escape-control.js';
import type { VerifyOptions } from '../verify.js';
import { type CliContext, logTo } from './cli-context.js';
import type { Format, ReportOptions } from './report-options.js';
import { scenarioInputs } from './scenario-input.js';
import { type TerminalProgress, terminalProgressFor } from './terminal-progress.js';

// From the options a command parsed (src/cli/option-table.ts: numbers and durations already numbers) to the options
// the library takes, each checked at the boundary where the table's kinds do not say enough (a project named twice,
// NODE=ENDPOINT). Unset options stay unset: the library has the defaults.

/** `--engine-timeout`, as the runtime takes it. */
export function engineOptionFrom(argv: { engineTimeout?: number | undefined }): { apiTimeoutMs?: number } {
  return argv.engineTimeout !== undefined ? { apiTimeoutMs: argv.engineTimeout } : {};
}

/** How probes are run, for every command that runs them (`test`, `snapshot`, `demo`, `drill`). */
export interface ProbeArgs {
  engineTimeout?: number | undefined;
  probeGrace?: number | undefined;
  image?: string | undefined;
  timeout?: number | undefined;
  concurrency: number;
  /** The budget per kind of check; absent: the command's defaults. */
  connectConcurrency?: number | undefined;
  lookupConcurrency?: number | undefined;
  dnsUpstream?: string | undefined;
  quiet: boolean;
}

/** What every probing command passes to the library alike. */
export function probeOptionsFrom(
  argv: ProbeArgs,
  context: CliContext,
): {
  engineTimeoutMs?: number;
  probeGraceMs?: number;
  image?: string;
  timeoutMs?: number;
  concurrency: number;
  connectConcurrency?: number;
  lookupConcurrency?: number;
  dnsUpstream?: string[];
  cleanup: CliContext['cleanup'];
  log: (message: string) => void;
} {
  const dnsUpstream = dnsUpstreamOption(argv.dnsUpstream);
  return {
    ...(argv.engineTimeout !== undefined ? { engineTimeoutMs: argv.engineTimeout } : {}),
    ...(argv.probeGrace !== undefined ? { probeGraceMs: argv.probeGrace } : {}),
    ...(argv.image ? { image: argv.image } : {}),
    ...(argv.timeout !== undefined ? { timeoutMs: argv.timeout } : {}),
    concurrency: argv.concurrency,
    ...(argv.connectConcurrency !== undefined ? { connectConcurrency: argv.connectConcurrency } : {}),
    ...(argv.lookupConcurrency !== undefined ? { lookupConcurrency: argv.lookupConcurrency } : {}),
    ...(dnsUpstream !== undefined ? { dnsUpstream } : {}),
    cleanup: context.cleanup,
    log: logTo(context, argv.quiet),
  };
}

/**
 * A probing command's status line on a terminal (src/cli/terminal-progress.ts), with its log and `warn` made to give
 * way to it; without a terminal, or with `--quiet`, no sink and the log as it was. `watch` has none: it runs until
 * stopped and says each change on its own line.
 */
export function progressOptionsFrom(
  argv: { quiet: boolean },
  context: CliContext,
  log: (message: string) => void,
): { progress?: TerminalProgress; log: (message: string) => void } {
  const progress = terminalProgressFor(context, argv.quiet);
  if (!progress) return { log };
  return { progress, log: (message) => progress.log(() => log(message)) };
}

/** What a command that runs scenarios takes (`test`, `snapshot`, `demo`). */
export interface RunArgs extends ProbeArgs {
  internet?: string[] | undefined;
  retries: number;
  repeat: number;
}

/** The options `test`, `snapshot` and `demo` pass to the library, from parsed arguments. */
export function runOptionsFrom(argv: RunArgs, context: CliContext): Omit<VerifyOptions, 'scenarios'> {
  const internet = listOption(argv.internet);
  const probe = probeOptionsFrom(argv, context);
  const { progress, log } = progressOptionsFrom(argv, context, probe.log);
  const warn = (message: string) =>
    context.stderr.write(`${context.colorsErr.yellow(`dockprobe: ${escapeLines(message)}`)}\n`);
  return {
    ...probe,
    log,
    ...(progress ? { progress } : {}),
    ...(internet ? { internet } : {}),
    retries: argv.retries,
    repeat: argv.repeat,
    // Findings, not progress: `--quiet` keeps them (a rule the deployment contradicts is said before probing).
    warn: progress ? (message) => progress.log(() => warn(message)) : warn,
  };
}

/** What `test` and `snapshot` take besides the run options: files, projects, swarm nodes. */
export interface ScenarioRunArgs extends RunArgs {
  files?: string[] | undefined;
  project?: string[] | undefined;
  nodes?: string[] | undefined;
  nodeEngine?: string[] | undefined;
  imageLoadTimeout?: number | undefined;
}

/** What `verify` gets from a scenario-running command line; `-` is read from stdin here. */
export async function verifyOptionsFrom(argv: ScenarioRunArgs, context: CliContext): Promise<VerifyOptions> {
  const project = projectOption(argv.project);
  const nodes = nodesOption(argv.nodes);
  const nodeEngines = nodeEnginesOption(argv.nodeEngine);
  const options = runOptionsFrom(argv, context);
  return {
    ...options,
    scenarios: await scenarioInputs(argv.files ?? [], context),
    ...(project ? { project } : {}),
    ...(nodes ? { nodes } : {}),
    ...(nodeEngines ? { nodeEngines } : {}),
    ...(argv.imageLoadTimeout !== undefined ? { imageLoadTimeoutMs: argv.imageLoadTimeout } : {}),
  };
}

/** Where the reports of a probing command go, from parsed arguments. */
export function reportOptionsFrom(argv: {
  format: Format;
  json?: string | undefined;
  junit?: string | undefined;
  tap?: string | undefined;
  sarif?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
  verbose: boolean;
}): ReportOptions {
  const { format, json, junit, tap, sarif, markdown, html, verbose } = argv;
  return { format, json, junit, tap, sarif, markdown, html, verbose };
}

/** `--internet a,b --internet c` → [a, b, c]. */
export function listOption(value: readonly string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function received(value: readonly string[] | string): string {
  return (Array.isArray(value) ? value : [value]).map((v) => `'${String(v)}'`).join(', ');
}

/**
 * `--project a,b --project c` → [a, b, c]: the Compose projects or swarm stacks names are looked up in. Validated at
 * the boundary: a value that names nothing (`--project ,`) or a name given twice is refused, with what was received.
 */
export function projectOption(value: readonly string[] | string | undefined): string[] | undefined {
  const list = listOption(value);
  if (list === undefined || value === undefined) return undefined;
  if (list.length === 0)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--project must name a Compose project or swarm stack, got ${received(value)}`,
      { hint: '--project shop, or a list: --project infra,app' },
    );
  const twice = list.find((p, i) => list.indexOf(p) !== i);
  if (twice !== undefined)
    throw new DockprobeError(ErrorCodes.USAGE, `--project names '${twice}' twice (got ${received(value)})`, {
      hint: 'name each project or stack once',
    });
  return list;
}

/** `--project` where one project is inferred from (`infer`, `test --infer`): one name, or none. */
export function oneProject(projects: readonly string[] | undefined, what: string): string | undefined {
  if (projects && projects.length > 1)
    throw new DockprobeError(ErrorCodes.USAGE, `${what} infers from one project, got --project ${projects.join(',')}`, {
      hint: `run ${what} once for each project`,
    });
  return projects?.[0];
}

/** `--nodes all|NODE…` (repeated or comma-separated); names are checked against the swarm in verify. */
export function nodesOption(value: readonly string[] | undefined): string[] | undefined {
  const list = listOption(value);
  if (list === undefined || value === undefined) return undefined;
  if (list.length === 0)
    throw new DockprobeError(ErrorCodes.USAGE, `--nodes must name swarm nodes or 'all', got ${received(value)}`, {
      hint: '--nodes all, or --nodes node-1,node-2',
    });
  return [...new Set(list)];
}

/**
 * `--node-engine NODE=ENDPOINT` (repeated or comma-separated) → node → endpoint. Validated at the boundary: the shape,
 * the endpoint's scheme, and a node given twice; whether NODE is a node of the swarm is checked in verify.
 */
export function nodeEnginesOption(value: readonly string[] | undefined): Record<string, string> | undefined {
  const list = listOption(value);
  if (list === undefined) return undefined;
  const engines: Record<string, string> = {};
  for (const entry of list) {
    const m = /^([^=]+)=(.+)$/.exec(entry);
    const hint = '--node-engine node-2=ssh://root@node-2 (or unix:///path, tcp://host:2376)';
    if (!m) throw new DockprobeError(ErrorCodes.USAGE, `--node-engine must be NODE=ENDPOINT, got '${entry}'`, { hint });
    const [, node, endpoint] = m as unknown as [string, string, string];
    if (node === 'all')
      throw new DockprobeError(ErrorCodes.USAGE, `--node-engine names one node per engine, got '${entry}'`, { hint });
    if (!/^(unix|tcp|ssh|https?):\/\/./.test(endpoint))
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `--node-engine ${node}: the endpoint must be unix://, tcp://, ssh:// or http(s)://, got '${endpoint}'`,
        { hint },
      );
    if (engines[node] !== undefined)
      throw new DockprobeError(ErrorCodes.USAGE, `--node-engine names node '${node}' twice`, { hint });
    engines[node] = endpoint;
  }
  return Object.keys(engines).length > 0 ? engines : undefined;
}

/** `--dns-upstream` → the list for the probes' HostConfig.Dns (undefined: the default, isolated). */
export function dnsUpstreamOption(value: string | undefined): string[] | undefined {
  if (value === undefined || value === 'isolated') return undefined;
  if (value === 'inherit') return [];
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (servers.length === 0 || servers.some((s) => !/^[0-9a-fA-F:.]+$/.test(s))) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--dns-upstream must be 'isolated', 'inherit' or comma-separated IP addresses, got '${value}'`,
    );
  }
  return servers;
}
