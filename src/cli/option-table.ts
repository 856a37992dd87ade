import {
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECT_CONCURRENCY,
  DEFAULT_LOOKUP_CONCURRENCY,
  DEFAULT_PROBE_GRACE_MS,
} from '../../probes/agent/protocol.js';
import { COMMON_PORTS } from '../checks/port/common-ports.js';
import {
  DRILL_CONCURRENCY,
  DRILL_CONNECT_CONCURRENCY,
  DRILL_LOOKUP_CONCURRENCY,
  DRILL_MAX_CHECKS,
  DRILL_PROBES_AT_ONCE,
  DRILL_TIMEOUT_MS,
} from '../drill/drill-defaults.js';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engine-timeout.js';
import { DEFAULT_IMAGE_LOAD_TIMEOUT_MS } from '../image/image-load-timeout.js';
import { formatDuration } from '../scenario/duration.js';
import { DEFAULT_TIMEOUT_MS } from '../scenario/scenario-defaults.js';
import { CHAOS_FORMATS, FORMATS } from './report-options.js';
import { DEFAULT_LEASE_MS } from '../../probes/agent/warm-protocol.js';
import {
  DEFAULT_BASELINE_ROUNDS,
  DEFAULT_CHAOS_DEADLINE_MS,
  DEFAULT_ENGINE_RESTART_TIMEOUT_MS,
} from '../chaos/chaos-defaults.js';
import { DEFAULT_INTERVAL_MS, DEFAULT_MAX_DELAY_MS, DEFAULT_SETTLE_MS } from '../watch/watch-defaults.js';

// Every option of the command line, each defined once: one name, one meaning, one description, one way to parse it.
// A command that needs another meaning gets another name. The options table of docs/cli.md is this table
// (test/cli/option-table.test.ts keeps them in sync).

/** The commands, in the order help lists them. */
export const COMMANDS = [
  'test',
  'snapshot',
  'drill',
  'watch',
  'chaos',
  'infer',
  'demo',
  'cleanup',
  'networks',
  'validate',
  'schema',
  'image',
] as const;
/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

interface OptionBase {
  describe: string;
  /** Its one-letter name, the same on every command that has the option. */
  alias?: string;
  /** The default as help shows it, where the library decides it: the command line then passes nothing unless told. */
  defaultDescription?: string;
  /** What differs on one command: its choices, its default (never its meaning). */
  per?: Partial<
    Record<
      CommandName,
      { choices?: readonly string[]; default?: number; defaultDescription?: string; required?: boolean }
    >
  >;
}

/** On or off: `--keep`, `--no-keep`. Given twice, the last one counts. */
export interface FlagOption extends OptionBase {
  kind: 'flag';
  default: boolean;
}
/** One value: a file, a name, an id. */
export interface TextOption extends OptionBase {
  kind: 'text';
}
/** A whole number within bounds. */
export interface CountOption extends OptionBase {
  kind: 'count';
  min: number;
  max: number;
  default?: number;
}
/** A duration (500ms, 2s, 1m), parsed once, to milliseconds. */
export interface DurationOption extends OptionBase {
  kind: 'duration';
}
/** Several values: one per flag, or a comma list (`--project a,b`, `--project a --project b`). */
export interface ListOption extends OptionBase {
  kind: 'list';
}
/** One of a few words. */
export interface ChoiceOption extends OptionBase {
  kind: 'choice';
  choices: readonly string[];
  default?: string;
}
export type OptionSpec = FlagOption | TextOption | CountOption | DurationOption | ListOption | ChoiceOption;

export const OPTIONS = {
  // Where the run looks.
  project: {
    kind: 'list',
    alias: 'p',
    describe:
      "Compose projects or swarm stacks to work on, replacing the scenario's `project:` (names are looked up across them); drill keeps to them; infer, test --infer and watch --infer take one",
  },
  file: {
    kind: 'list',
    describe: 'Compose files, as `compose -f` takes them (test: with --infer); default: Compose finds its own',
  },
  'stack-file': {
    kind: 'list',
    describe:
      "Swarm stack files instead of Compose files, as `docker stack deploy -c` takes them (read through docker stack config); needs --project, the stack's name",
  },
  live: {
    kind: 'flag',
    default: false,
    describe: 'Infer from the running project (its containers, networks and ports) instead of the files',
  },
  infer: {
    kind: 'flag',
    default: false,
    describe:
      'Also run the expectations inferred from the deployment (as `dockprobe infer`): from the running project with --project, or from Compose files with --file',
  },
  nodes: {
    kind: 'list',
    describe:
      'On a swarm manager: probe each overlay zone from each of these nodes (hostnames or ids, or all), by swarm jobs where needed',
  },
  'node-engine': {
    kind: 'list',
    describe:
      "Another node's engine, NODE=ENDPOINT (unix:///path, tcp://host:2376, ssh://user@host): the probe image is loaded there when a job goes to it and it lacks the image (there is no registry)",
  },
  from: {
    kind: 'text',
    describe:
      "Where to drill from: SERVICE (inside each of its running containers), network:NAME (a new container on that network) or lan (a neighbour on the host's LAN; root on the engine's host)",
  },
  all: {
    kind: 'flag',
    default: false,
    describe: 'Drill from every service with a running container, and print a matrix',
  },
  ports: {
    kind: 'list',
    defaultDescription: 'default',
    describe: `Ports tried at every address besides the exposed ones: numbers, 'default' (${COMMON_PORTS.length} common ports: Docker API, databases, caches, brokers, admin panels), or 'none'`,
  },
  'udp-ports': {
    kind: 'list',
    defaultDescription: 'none',
    describe:
      'UDP ports tried at every container address, each with two reference ports the target does not expose (silence alone is never blocked)',
  },
  'host-ports': {
    kind: 'flag',
    default: true,
    describe:
      "Also knock on the host at each source network's gateway on those ports (--no-host-ports: its published ports only)",
  },
  internet: {
    kind: 'list',
    defaultDescription: "the scenario's",
    describe:
      "Outside targets egress is tried against (tcp://IP:PORT, https://host/, dns:name), replacing the scenario's `internet:`; drill also takes 'none'",
  },
  'dns-upstream': {
    kind: 'text',
    defaultDescription: 'isolated',
    describe:
      "Upstream DNS of the probes: 'isolated' (unknown names fail fast, nothing leaves the host), 'inherit' (the engine's), or comma-separated IP addresses",
  },

  // How hard and how long.
  timeout: {
    kind: 'duration',
    alias: 't',
    defaultDescription: `the scenario's, else ${formatDuration(DEFAULT_TIMEOUT_MS)}`,
    per: { drill: { defaultDescription: formatDuration(DRILL_TIMEOUT_MS) } },
    describe: "Per-check timeout (e.g. 500ms, 2s), replacing the scenario's",
  },
  retries: {
    kind: 'count',
    min: 0,
    max: 10,
    default: 0,
    describe:
      'Further tries of a check expected reachable, while it gets no answer or a refusal (one expected blocked is never retried)',
  },
  attempts: {
    kind: 'count',
    min: 1,
    max: 11,
    default: 1,
    describe: 'Tries of each drill check, until one connects (a drill expects nothing: any check may be tried again)',
  },
  repeat: {
    kind: 'count',
    min: 1,
    max: 100,
    default: 1,
    describe: 'Run the whole set N times, keeping every attempt; a cell passes only if every round does',
  },
  concurrency: {
    kind: 'count',
    min: 1,
    max: 1024,
    default: DEFAULT_CONCURRENCY,
    per: { drill: { default: DRILL_CONCURRENCY } },
    describe: 'Checks each probe has in flight at once: lookups, HTTP, UDP, connects by name',
  },
  'connect-concurrency': {
    kind: 'count',
    min: 1,
    max: 4096,
    default: DEFAULT_CONNECT_CONCURRENCY,
    per: { drill: { default: DRILL_CONNECT_CONCURRENCY } },
    describe: 'TCP connects by address each probe has in flight at once, beside --concurrency (a socket each)',
  },
  'lookup-concurrency': {
    kind: 'count',
    min: 1,
    max: 16_384,
    default: DEFAULT_LOOKUP_CONCURRENCY,
    per: { drill: { default: DRILL_LOOKUP_CONCURRENCY } },
    describe:
      "DNS queries in flight across all the run's probes (a drill: those running at once), shared out evenly (they all ask the engine's DNS); each probe's share at most --concurrency",
  },
  probes: { kind: 'count', min: 1, max: 256, default: DRILL_PROBES_AT_ONCE, describe: 'Probes running at once' },
  'max-checks': {
    kind: 'count',
    min: 1,
    max: 100_000,
    default: DRILL_MAX_CHECKS,
    describe: 'The most checks one probe may have; a larger drill is refused before it starts',
  },
  'engine-timeout': {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_ENGINE_TIMEOUT_MS),
    describe: 'Deadline of each call to the Docker engine; a silent engine ends the command with exit 3',
  },
  'probe-grace': {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_PROBE_GRACE_MS),
    describe:
      "How long past its own deadline a probe may take, container start included; and dockprobe's own control peer to answer",
  },
  'image-load-timeout': {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_IMAGE_LOAD_TIMEOUT_MS),
    describe: 'Bound on loading the probe image into one swarm node',
  },
  image: { kind: 'text', describe: 'Probe image to use instead of building one (see probes/Dockerfile)' },

  // What comes out.
  format: {
    kind: 'choice',
    alias: 'f',
    choices: FORMATS,
    default: 'pretty',
    per: {
      drill: { choices: ['pretty', 'json', 'markdown', 'sarif', 'github'] },
      networks: { choices: ['pretty', 'json', 'markdown'] },
      watch: { choices: ['pretty', 'json'] },
      chaos: { choices: CHAOS_FORMATS },
    },
    describe:
      'Report format on stdout: markdown for a step summary or merge request note; sarif (code scanning) and github (workflow commands, each finding on its line of the diff) list each mismatch at its line of the scenario (drill: with --baseline, each difference at the baseline file; watch: its changes, json as JSON lines; chaos: each breach window at the line of its cell)',
  },
  json: { kind: 'text', describe: 'Also write the JSON report to this file' },
  junit: { kind: 'text', describe: 'Also write a JUnit XML report to this file' },
  tap: { kind: 'text', describe: 'Also write a TAP report to this file' },
  sarif: { kind: 'text', describe: 'Also write a SARIF 2.1.0 report (for code scanning) to this file' },
  markdown: { kind: 'text', describe: 'Also write the Markdown report to this file (e.g. "$GITHUB_STEP_SUMMARY")' },
  html: {
    kind: 'text',
    describe: 'Also write one self-contained HTML page to this file: the matrix, evidence on click, filters by verdict',
  },
  verbose: {
    kind: 'flag',
    alias: 'v',
    default: false,
    describe: "Show everything: passing cells, every probe in detail, a drill's every port and every source's map",
  },
  quiet: {
    kind: 'flag',
    alias: 'q',
    default: false,
    describe: 'No progress lines on stderr (findings and errors stay)',
  },
  write: {
    kind: 'text',
    per: { snapshot: { required: true } },
    describe: 'Write the result to this file: infer its scenario, snapshot its baseline',
  },
  'write-baseline': {
    kind: 'text',
    describe: 'Also write what the drill found, row by row, as a baseline (the format of `snapshot`)',
  },
  baseline: {
    kind: 'text',
    describe:
      'Compare with a baseline (`snapshot --write`, `drill --write-baseline`): print only the differences (paths opened, closed, new, gone)',
  },
  'fail-on': {
    kind: 'choice',
    choices: ['opened', 'closed', 'any'],
    default: 'opened',
    describe: 'With --baseline: which differences fail the run (exit 1)',
  },

  // watch
  interval: {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_INTERVAL_MS),
    describe:
      'A round at least this often, whatever the engine says (rounds also follow its events and firewall changes)',
  },
  settle: {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_SETTLE_MS),
    describe: 'After an engine event, wait until none has come for this long, then run one round for the burst',
  },
  'max-delay': {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_MAX_DELAY_MS),
    describe: 'The longest an engine event waits for its round while more keep coming',
  },
  lease: {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_LEASE_MS),
    describe: 'A warm probe that hears nothing from watch for this long ends by itself (1s to 10m)',
  },
  listen: {
    kind: 'text',
    describe: 'Serve /metrics (Prometheus), /healthz and /report on HOST:PORT (off unless given; port 0: any free one)',
  },
  firewall: {
    kind: 'flag',
    default: true,
    describe:
      "Also run a round when the engine host's firewall rules change, where they can be read (--no-firewall: never read them)",
  },

  // chaos
  fault: {
    kind: 'text',
    describe:
      'The fault to apply, its kind then its words, joined by colons: reconnect:SERVICE:NETWORK, restart:SERVICE, recreate:SERVICE, reload-firewall, restart-engine (see docs/chaos.md)',
  },
  deadline: {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_CHAOS_DEADLINE_MS),
    describe:
      'How long to wait for every cell to have its verdict from before the fault again: after the fault, and again after the restore',
  },
  'restore-after': {
    kind: 'duration',
    defaultDescription: '--deadline + 1m',
    describe:
      'reload-firewall: an independent timer loads the saved rules this long after the fault, even if dockprobe is killed (cancelled by its own restore)',
  },
  'engine-restart-command': {
    kind: 'text',
    describe:
      'restart-engine: the way to restart dockerd on this host, run by sh -c (e.g. "systemctl restart docker"); its exit status and output go in the report',
  },
  'engine-restart-timeout': {
    kind: 'duration',
    defaultDescription: formatDuration(DEFAULT_ENGINE_RESTART_TIMEOUT_MS),
    describe:
      'restart-engine: the deadline of --engine-restart-command, and again of the wait for the engine to answer after it',
  },
  restore: {
    kind: 'text',
    describe: 'Load the rule sets a reload-firewall drill saved (FILE and FILE.ip6), as its timer does, and exit',
  },
  'baseline-rounds': {
    kind: 'count',
    min: 1,
    max: 20,
    default: DEFAULT_BASELINE_ROUNDS,
    describe: 'Rounds before the fault; they must agree, every cell conclusive, or no fault is applied',
  },

  // demo
  broken: {
    kind: 'flag',
    default: false,
    describe: 'Use the broken twin (every service on the public network): the scenario must fail',
  },
  keep: { kind: 'flag', default: false, describe: 'Leave the topology up afterwards' },

  // cleanup
  run: {
    kind: 'text',
    describe: 'Only this run id (a run still alive here needs --alive too, one of another host --other-hosts)',
  },
  alive: { kind: 'flag', default: false, describe: 'Also resources of runs whose process is still alive on this host' },
  'other-hosts': {
    kind: 'flag',
    default: false,
    describe: 'Also resources of runs started on other hosts (nothing here proves them gone)',
  },
  'dry-run': {
    kind: 'flag',
    default: false,
    describe: 'Say what would be done and why (cleanup: what it would remove; chaos: the fault); change nothing',
  },
  images: {
    kind: 'flag',
    default: false,
    describe: 'Also probe images of other dockprobe versions (the current one is kept)',
  },

  // networks
  stale: {
    kind: 'flag',
    default: false,
    describe:
      'List networks whose Compose project, stack or dockprobe run no longer exists, what still holds each, and the commands that free it',
  },
  remove: {
    kind: 'list',
    describe: 'Remove these networks (names or ids), only if nothing holds them; asks first on a terminal unless --yes',
  },
  'remove-own': {
    kind: 'flag',
    default: false,
    describe: "Remove dockprobe's own stale networks (of runs provably gone) that nothing holds",
  },
  yes: {
    kind: 'flag',
    alias: 'y',
    default: false,
    describe: 'Do not ask first: before removing a network named with --remove, before applying a chaos fault',
  },

  // image build
  rebuild: { kind: 'flag', default: false, describe: 'Build even if the tag exists' },
} as const satisfies Record<string, OptionSpec>;

/** The name of an option, as given on the command line without its dashes. */
export type OptionName = keyof typeof OPTIONS;

const PROBING = [
  'engine-timeout',
  'probe-grace',
  'image',
  'timeout',
  'concurrency',
  'dns-upstream',
  'internet',
] as const;
/** The budget per kind of check, beside `--concurrency`. */
const BUDGET = ['connect-concurrency', 'lookup-concurrency'] as const;
const RUN = [...PROBING, ...BUDGET, 'retries', 'repeat', 'quiet'] as const;
const REPORTS = ['format', 'json', 'junit', 'tap', 'sarif', 'markdown', 'html', 'verbose'] as const;
const SWARM = ['nodes', 'node-engine', 'image-load-timeout'] as const;

/** Which command takes which option, in the order its help lists them. */
export const COMMAND_OPTIONS = {
  test: ['project', 'infer', 'file', ...SWARM, ...RUN, ...REPORTS, 'baseline', 'fail-on'],
  snapshot: ['write', 'project', ...SWARM, ...RUN],
  drill: [
    'from',
    'all',
    'project',
    'ports',
    'udp-ports',
    'host-ports',
    ...PROBING,
    ...BUDGET,
    'attempts',
    'probes',
    'max-checks',
    'quiet',
    'format',
    'html',
    'verbose',
    'write-baseline',
    'baseline',
    'fail-on',
  ],
  watch: [
    'project',
    'infer',
    'file',
    ...PROBING,
    ...BUDGET,
    'retries',
    'quiet',
    'interval',
    'settle',
    'max-delay',
    'lease',
    'listen',
    'firewall',
    'format',
    'verbose',
  ],
  chaos: [
    'project',
    'fault',
    ...PROBING,
    ...BUDGET,
    'retries',
    'quiet',
    'baseline-rounds',
    'deadline',
    'restore-after',
    'engine-restart-command',
    'engine-restart-timeout',
    'restore',
    'lease',
    'dry-run',
    'yes',
    'format',
    'json',
    'tap',
    'markdown',
    'sarif',
    'junit',
    'html',
    'verbose',
  ],
  infer: ['file', 'stack-file', 'project', 'live', 'write', 'engine-timeout'],
  demo: ['broken', 'keep', ...RUN, ...REPORTS],
  cleanup: ['run', 'alive', 'other-hosts', 'dry-run', 'images', 'engine-timeout'],
  networks: ['stale', 'remove', 'remove-own', 'yes', 'format', 'engine-timeout'],
  validate: [],
  schema: [],
  image: ['rebuild', 'engine-timeout'],
} as const satisfies Record<CommandName, readonly OptionName[]>;

/** An option as one command has it: its choices, default and whether it is required there. */
export function optionFor(name: OptionName, command: CommandName): OptionSpec & { required?: boolean } {
  const spec: OptionSpec = OPTIONS[name];
  const per = spec.per?.[command];
  return per ? ({ ...spec, ...per } as OptionSpec & { required?: boolean }) : spec;
}

/** The commands that take an option. */
export function commandsWith(name: OptionName): CommandName[] {
  return COMMANDS.filter((c) => (COMMAND_OPTIONS[c] as readonly OptionName[]).includes(name));
}
