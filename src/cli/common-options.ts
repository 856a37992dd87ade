import type { Argv } from 'yargs';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PROBE_GRACE_MS } from '../../probes/agent/protocol.js';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engine-timeout.js';
import { escapeLines } from '../report/escape-control.js';
import { DURATION_HINT, formatDuration, parseDuration } from '../scenario/duration.js';
import type { VerifyOptions } from '../verify.js';
import { logTo, type CliContext } from './cli-context.js';
import type { ArgsOf } from './define-command.js';
import { FORMATS, type Format, type ReportOptions } from './report-options.js';

/** The report on stdout when `--format` is not given. */
const DEFAULT_FORMAT: Format = 'pretty';

/** `--engine-timeout`, for every command that talks to the engine: one description, one check. */
export function withEngineOption<T>(yargs: Argv<T>) {
  return yargs.option('engine-timeout', {
    type: 'string',
    describe: `Deadline of each call to the Docker engine (default ${formatDuration(DEFAULT_ENGINE_TIMEOUT_MS)}); a silent engine ends the command with exit 3`,
  });
}

/** `--engine-timeout` validated (the option and the value named), as the runtime takes it; unset: the default. */
export function engineOptionFrom(argv: { engineTimeout?: string | undefined }): { apiTimeoutMs?: number } {
  const apiTimeoutMs = durationOption('engine-timeout', argv.engineTimeout);
  return apiTimeoutMs !== undefined ? { apiTimeoutMs } : {};
}

/**
 * How probes are run, for every command that runs them (`test`, `snapshot`, `demo`, `drill`): the engine's deadline,
 * the probe's grace and its image. One definition, so each command says and checks them alike.
 */
export function withProbeOptions<T>(yargs: Argv<T>) {
  return withEngineOption(yargs)
    .option('probe-grace', {
      type: 'string',
      describe: `How long past its own deadline a probe may take, container start included (default ${formatDuration(DEFAULT_PROBE_GRACE_MS)})`,
    })
    .option('image', {
      type: 'string',
      describe: 'Probe image to use instead of building one (see probes/Dockerfile)',
    });
}

/** The options of {@link withProbeOptions}, validated at the boundary; unset ones stay unset (the library's defaults). */
export function probeOptionsFrom(argv: ArgsOf<ReturnType<typeof withProbeOptions<object>>>): {
  engineTimeoutMs?: number;
  probeGraceMs?: number;
  image?: string;
} {
  const probeGraceMs = durationOption('probe-grace', argv.probeGrace);
  const engineTimeoutMs = durationOption('engine-timeout', argv.engineTimeout);
  return {
    ...(probeGraceMs !== undefined ? { probeGraceMs } : {}),
    ...(engineTimeoutMs !== undefined ? { engineTimeoutMs } : {}),
    ...(argv.image ? { image: argv.image } : {}),
  };
}

/** Options shared by the commands that run scenarios. */
export function withRunOptions<T>(yargs: Argv<T>) {
  return withProbeOptions(yargs)
    .option('format', { alias: 'f', choices: FORMATS, default: DEFAULT_FORMAT, describe: 'Report on stdout' })
    .option('json', { type: 'string', describe: 'Also write the JSON report to this file' })
    .option('junit', { type: 'string', describe: 'Also write a JUnit XML report to this file' })
    .option('tap', { type: 'string', describe: 'Also write a TAP report to this file' })
    .option('timeout', {
      alias: 't',
      type: 'string',
      describe: 'Per-check timeout for every check (e.g. 500ms, 2s); overrides the scenario',
    })
    .option('concurrency', {
      type: 'string',
      default: String(DEFAULT_CONCURRENCY),
      describe: 'Checks each probe has in flight at once (sockets and DNS queries)',
    })
    .option('dns-upstream', {
      type: 'string',
      describe:
        "Upstream DNS for probes: 'isolated' (default: unknown names fail fast, nothing leaves the host), 'inherit' (the engine's), or comma-separated IPs",
    })
    .option('internet', {
      type: 'string',
      array: true,
      describe:
        "What `to: internet` means, replacing the scenario's list: outside targets, comma-separated or repeated (tcp://IP:PORT, https://host/, dns:name)",
    })
    .option('retries', {
      type: 'string',
      default: '0',
      describe: 'Further tries for checks expected reachable (a check expected blocked is never retried)',
    })
    .option('repeat', {
      type: 'string',
      default: '1',
      describe: 'Run the whole set N times; keep every attempt; a cell passes only if every round does',
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      default: false,
      describe: 'Show passing cells and every probe in detail',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress lines on stderr' });
}

/** The options of {@link withRunOptions} as a handler receives them. */
export type RunArgs = ArgsOf<ReturnType<typeof withRunOptions<object>>>;

/** A duration option, validated at the boundary: names the option and the value received. */
export function durationOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new DockprobeError(ErrorCodes.USAGE, `--${name} must be a duration from 1ms to 10m, got '${value}'`, {
      hint: DURATION_HINT,
    });
  return ms;
}

/** A whole-number option within bounds, validated at the boundary. */
export function countOption(name: string, value: unknown, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--${name} must be a whole number from ${min} to ${max}, got '${String(value)}'`,
    );
  return n;
}

/** `--internet a,b --internet c` → [a, b, c]. */
export function listOption(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * `--project a,b --project c` → [a, b, c]: the Compose projects or swarm stacks names are looked up in. Validated at
 * the boundary: a value that names nothing (`--project ,`) or a name given twice is refused, with what was received.
 */
export function projectOption(value: unknown): string[] | undefined {
  const list = listOption(value);
  if (list === undefined) return undefined;
  const received = (Array.isArray(value) ? value : [value]).map((v) => `'${String(v)}'`).join(', ');
  if (list.length === 0)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--project must name a Compose project or swarm stack, got ${received}`,
      { hint: '--project shop, or a list: --project infra,app' },
    );
  const twice = list.find((p, i) => list.indexOf(p) !== i);
  if (twice !== undefined)
    throw new DockprobeError(ErrorCodes.USAGE, `--project names '${twice}' twice (got ${received})`, {
      hint: 'name each project or stack once',
    });
  return list;
}

/** `--nodes all|NODE…` (repeated or comma-separated); names are checked against the swarm in verify. */
export function nodesOption(value: unknown): string[] | undefined {
  const list = listOption(value);
  if (list === undefined) return undefined;
  if (list.length === 0)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--nodes must name swarm nodes or 'all', got ${(Array.isArray(value) ? value : [value]).map((v) => `'${String(v)}'`).join(', ')}`,
      { hint: '--nodes all, or --nodes node-1,node-2' },
    );
  return [...new Set(list)];
}

/**
 * `--node-engine NODE=ENDPOINT` (repeated or comma-separated) → node → endpoint. Validated at the boundary: the shape,
 * the endpoint's scheme, and a node given twice; whether NODE is a node of the swarm is checked in verify.
 */
export function nodeEnginesOption(value: unknown): Record<string, string> | undefined {
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

/** The options every probing command passes to the library, validated from parsed arguments. */
export function runOptionsFrom(argv: RunArgs, context: CliContext): Omit<VerifyOptions, 'scenarios'> {
  const timeoutMs = durationOption('timeout', argv.timeout);
  const probe = probeOptionsFrom(argv);
  const dnsUpstream = dnsUpstreamOption(argv.dnsUpstream);
  const internet = listOption(argv.internet);
  return {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...probe,
    ...(dnsUpstream !== undefined ? { dnsUpstream } : {}),
    ...(internet ? { internet } : {}),
    retries: countOption('retries', argv.retries, 0, 10),
    concurrency: countOption('concurrency', argv.concurrency, 1, 1024),
    repeat: countOption('repeat', argv.repeat, 1, 100),
    cleanup: context.cleanup,
    log: logTo(context, argv.quiet),
    // Findings, not progress: `--quiet` keeps them (a rule the deployment contradicts is said before probing).
    warn: (message) => context.stderr.write(`${context.colorsErr.yellow(`dockprobe: ${escapeLines(message)}`)}\n`),
  };
}

/**
 * What a command that runs scenario files takes (`test`, `snapshot`): the files, the project(s) they run against and
 * the swarm nodes to probe from, on top of the run options. One definition, so both commands say the same.
 */
export function withScenarioRunOptions<T>(yargs: Argv<T>) {
  return (
    withRunOptions(yargs)
      // Required where the command says `<files..>` (snapshot); `test [files..]` may take none with --infer.
      .positional('files', { type: 'string', array: true, describe: 'Scenario files (YAML)' })
      .option('project', {
        alias: 'p',
        type: 'string',
        array: true,
        describe:
          "Compose project or swarm stack, replacing the files' project; repeated or comma-separated, a list: names are looked up across it",
      })
      .option('nodes', {
        type: 'string',
        array: true,
        describe:
          'On a swarm manager: probe each overlay zone from each of these nodes (hostnames or ids, or all), by swarm jobs where needed',
      })
      .option('node-engine', {
        type: 'string',
        array: true,
        describe:
          "Another node's engine, NODE=ENDPOINT (unix:///…, tcp://host:2376, ssh://user@host), repeated: the probe image is loaded there when a job goes to it and it lacks the image (there is no registry)",
      })
      .option('image-load-timeout', {
        type: 'string',
        describe: 'Bound on loading the probe image into one node (default 5m)',
      })
  );
}

/** The options of {@link withScenarioRunOptions} as a handler receives them. */
export type ScenarioRunArgs = ArgsOf<ReturnType<typeof withScenarioRunOptions<object>>>;

/** What `verify` gets from a scenario-running command line: the run options, the files, the projects, the nodes. */
export function verifyOptionsFrom(argv: ScenarioRunArgs, context: CliContext): VerifyOptions {
  const project = projectOption(argv.project);
  const nodes = nodesOption(argv.nodes);
  const nodeEngines = nodeEnginesOption(argv.nodeEngine);
  const imageLoadTimeoutMs = durationOption('image-load-timeout', argv.imageLoadTimeout);
  return {
    ...runOptionsFrom(argv, context),
    scenarios: argv.files ?? [],
    ...(project ? { project } : {}),
    ...(nodes ? { nodes } : {}),
    ...(nodeEngines ? { nodeEngines } : {}),
    ...(imageLoadTimeoutMs !== undefined ? { imageLoadTimeoutMs } : {}),
  };
}

/** Where the reports of a probing command go, from parsed arguments. */
export function reportOptionsFrom(argv: RunArgs): ReportOptions {
  return { format: argv.format, json: argv.json, junit: argv.junit, tap: argv.tap, verbose: argv.verbose };
}
