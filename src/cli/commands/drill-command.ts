import type { Argv } from 'yargs';
import { COMMON_PORTS, parsePortsOption } from '../../drill/common-ports.js';
import {
  DRILL_CONCURRENCY,
  DRILL_MAX_CHECKS,
  DRILL_PROBES_AT_ONCE,
  DRILL_TIMEOUT_MS,
} from '../../drill/drill-defaults.js';
import type { FailOn } from '../../baseline/drift.js';
import type { DrillOptions } from '../../drill/drill.js';
import { parseDrillFrom } from '../../drill/drill-from.js';
import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import { formatDuration } from '../../scenario/duration.js';
import { logTo, type CliContext } from '../cli-context.js';
import {
  countOption,
  durationOption,
  listOption,
  probeOptionsFrom,
  projectOption,
  withProbeOptions,
} from '../common-options.js';
import { defineCommand, type ArgsOf } from '../define-command.js';

function withDrillOptions<T>(yargs: Argv<T>) {
  return withProbeOptions(yargs)
    .option('from', {
      type: 'string',
      describe:
        "Where to drill from: SERVICE (inside each of its running containers), network:NAME (a new container on that network) or lan (a neighbour on the host's LAN; root on the engine's host)",
    })
    .option('all', {
      type: 'boolean',
      default: false,
      describe: 'Drill from every service with a running container, and print a matrix',
    })
    .option('project', {
      alias: 'p',
      type: 'string',
      array: true,
      describe:
        'Keep to these Compose projects or stacks (sources and targets); repeated or comma-separated. Default: everything on the engine',
    })
    .option('ports', {
      type: 'string',
      array: true,
      describe: `Ports tried at every address besides the exposed ones: numbers, 'default' (${COMMON_PORTS.length} common ports: Docker API, databases, caches, brokers, admin panels), or 'none'. Default: default`,
    })
    .option('host-ports', {
      type: 'boolean',
      default: true,
      describe:
        "Also knock on the host at each source network's gateway on those ports (--no-host-ports: its published ports only)",
    })
    .option('internet', {
      type: 'string',
      array: true,
      describe:
        "What egress is tried against (tcp://IP:PORT, https://host/, dns:name), or 'none'; default: the scenario default",
    })
    .option('format', {
      alias: 'f',
      choices: ['pretty', 'json'] as const,
      default: 'pretty' as const,
      describe: 'Report on stdout (json: versioned, stable order)',
    })
    .option('timeout', {
      alias: 't',
      type: 'string',
      describe: `Per-check timeout (default ${formatDuration(DRILL_TIMEOUT_MS)})`,
    })
    .option('concurrency', {
      type: 'string',
      default: String(DRILL_CONCURRENCY),
      describe: 'Checks each probe has in flight at once',
    })
    .option('retries', { type: 'string', default: '0', describe: 'Further tries of a check that got no answer' })
    .option('probes', { type: 'string', default: String(DRILL_PROBES_AT_ONCE), describe: 'Probes running at once' })
    .option('max-checks', {
      type: 'string',
      default: String(DRILL_MAX_CHECKS),
      describe: 'The most checks one probe may have; a larger drill is refused before it starts',
    })
    .option('write-baseline', {
      type: 'string',
      describe: 'Also write what the drill found, row by row, as a baseline (the format of `snapshot`)',
    })
    .option('baseline', {
      type: 'string',
      describe:
        'Compare with a baseline written by `drill --write-baseline`: print only the differences (paths opened, closed, new, gone)',
    })
    .option('fail-on', {
      choices: ['opened', 'closed', 'any'] as const,
      default: 'opened' as const,
      describe: 'With --baseline: which differences fail the drill (exit 1)',
    })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      default: false,
      describe: 'Every source map under --all, every port and every probe',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress lines on stderr' });
}

type DrillArgs = ArgsOf<ReturnType<typeof withDrillOptions<object>>>;

/** `--internet a,b` or `--internet none` (egress not tried); a list with `none` among others is refused. */
function drillInternet(value: unknown): string[] | undefined {
  const list = listOption(value);
  if (list === undefined || !list.includes('none')) return list;
  if (list.length > 1)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--internet 'none' stands alone (egress not tried), got ${list.map((v) => `'${v}'`).join(', ')}`,
    );
  return [];
}

/** The library's options from parsed arguments, each validated at the boundary (the option and the value named). */
export function drillOptionsFrom(argv: DrillArgs, context: CliContext): DrillOptions {
  const project = projectOption(argv.project);
  const internet = drillInternet(argv.internet);
  const timeoutMs = durationOption('timeout', argv.timeout);
  const probe = probeOptionsFrom(argv);
  return {
    from: parseDrillFrom(argv.from, argv.all),
    ...(project ? { project } : {}),
    ...(argv.ports !== undefined ? { ports: parsePortsOption(argv.ports) } : {}),
    hostPorts: argv.hostPorts,
    ...(internet ? { internet } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...probe,
    concurrency: countOption('concurrency', argv.concurrency, 1, 1024),
    retries: countOption('retries', argv.retries, 0, 10),
    probesAtOnce: countOption('probes', argv.probes, 1, 256),
    maxChecks: countOption('max-checks', argv.maxChecks, 1, 100_000),
    cleanup: context.cleanup,
    log: logTo(context, argv.quiet),
  };
}

/** `dockprobe drill --from SERVICE|network:NAME` or `--all`: everything reachable from there, riskiest first. */
export function drillCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'drill',
    describe:
      'No scenario: find everything reachable from a service, a network or every service (containers, names, the host, egress), riskiest first',
    builder: (y) =>
      withDrillOptions(y).epilogue(
        'Exit codes: 0 the drill ran (it judges nothing), 2 usage error, 3 something was inconclusive or an infrastructure error.',
      ),
    handler: async (argv) => {
      setExit(await drillAndReport(drillOptionsFrom(argv, context), argv, context));
    },
  });
}

/** What the drill command does with a drill's result: reports, a baseline written or compared with. */
export interface DrillOutput {
  format: 'pretty' | 'json';
  verbose: boolean;
  writeBaseline?: string | undefined;
  baseline?: string | undefined;
  failOn: FailOn;
}

/**
 * Runs the drill and reports it: the report (or, with a baseline to compare with, only the drift) on stdout, a
 * baseline file written if asked, leftovers on stderr with their removal command. Returns the exit code.
 */
export async function drillAndReport(options: DrillOptions, output: DrillOutput, context: CliContext): Promise<number> {
  const [{ drill }, { exitCodeForDrill }] = await Promise.all([
    import('../../drill/drill.js'),
    import('../exit-code.js'),
  ]);
  // Read before anything runs: a bad baseline is a usage error, not a drill that drifts everywhere.
  const before =
    output.baseline !== undefined
      ? await (await import('../../baseline/read-baseline.js')).readBaseline(output.baseline)
      : undefined;
  const result = await drill(options);
  // On stderr whatever the format or mode: a JSON report or a drift on stdout must not be the only place a leftover shows.
  const { reportLeftovers } = await import('../report-leftovers.js');
  const baseline =
    output.baseline !== undefined || output.writeBaseline !== undefined
      ? (await import('../../baseline/baseline-of-drill.js')).baselineOfDrill(result)
      : undefined;
  if (output.writeBaseline !== undefined && baseline) {
    const { writeText } = await import('../write-text.js');
    await writeText(output.writeBaseline, `${JSON.stringify(baseline, null, 2)}\n`, '--write-baseline');
    context.stderr.write(
      `dockprobe: wrote ${output.writeBaseline}: ${baseline.paths.length} paths, digest ${baseline.digest}\n`,
    );
  }
  if (output.baseline !== undefined && before && baseline) {
    const [{ driftReportOf, driftExitCode }, { jsonDriftReport, prettyDrift }] = await Promise.all([
      import('../compare-with-baseline.js'),
      import('../../baseline/drift-report.js'),
    ]);
    const report = driftReportOf(output.baseline, before, baseline, result, output.failOn);
    context.stdout.write(output.format === 'json' ? jsonDriftReport(report) : prettyDrift(report, context.colorsOut));
    reportLeftovers(context, result);
    return driftExitCode(report, result.cleanupFailures);
  }
  if (output.format === 'json') {
    const { jsonDrillReport } = await import('../../drill/json-drill-report.js');
    context.stdout.write(jsonDrillReport(result));
  } else {
    const { prettyDrillReport } = await import('../../drill/pretty-drill-report.js');
    context.stdout.write(prettyDrillReport(result, context.colorsOut, { verbose: output.verbose }));
  }
  reportLeftovers(context, result);
  return exitCodeForDrill(result);
}
