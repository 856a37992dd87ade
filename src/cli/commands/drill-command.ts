import type { FailOn } from '../../baseline/drift.js';
import { parsePortsOption } from '../../checks/port/common-ports.js';
import { parseUdpPortsOption } from '../../checks/udp/udp-ports-option.js';
import type { DrillOptions } from '../../drill/drill.js';
import { parseDrillFrom } from '../../drill/drill-from.js';
import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import type { CliContext } from '../cli-context.js';
import { listOption, probeOptionsFrom, progressOptionsFrom, projectOption } from '../common-options.js';
import { type ArgsOf, defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';
import { withOptions } from '../with-options.js';

const withDrillOptions = <T>(y: import('yargs').Argv<T>) => withOptions(y, 'drill');
type DrillArgs = ArgsOf<ReturnType<typeof withDrillOptions<object>>>;

/** `--internet a,b` or `--internet none` (egress not tried); a list with `none` among others is refused. */
function drillInternet(value: readonly string[] | undefined): string[] | undefined {
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
  const probe = probeOptionsFrom(argv, context);
  return {
    from: parseDrillFrom(argv.from, argv.all),
    ...(project ? { project } : {}),
    ...(argv.ports !== undefined ? { ports: parsePortsOption(argv.ports) } : {}),
    ...(argv.udpPorts !== undefined ? { udpPorts: parseUdpPortsOption(argv.udpPorts) } : {}),
    hostPorts: argv.hostPorts,
    ...(internet ? { internet } : {}),
    ...probe,
    ...progressOptionsFrom(argv, context, probe.log),
    // A drill expects nothing: --attempts is every check's tries, where test's --retries is for checks expected
    // reachable only.
    retries: argv.attempts - 1,
    probesAtOnce: argv.probes,
    maxChecks: argv.maxChecks,
  };
}

/** `dockprobe drill --from SERVICE|network:NAME` or `--all`: everything reachable from there, riskiest first. */
export function drillCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'drill',
    describe:
      'No scenario: find everything reachable from a service, a network or every service (containers, names, the host, egress), riskiest first',
    builder: (y) =>
      withHelp(
        withDrillOptions(y),
        [
          ['$0 drill --from proxy', 'Everything reachable from inside the containers of service proxy'],
          ['$0 drill --all --project shop', 'From every service of project shop, as a matrix'],
          ['$0 drill --all --baseline drill.json', 'Only what changed since `--write-baseline drill.json`'],
        ],
        'Exit codes: 0 the drill ran (it judges nothing), 1 with --baseline: a difference --fail-on names, 2 usage error, 3 something was inconclusive or an infrastructure error.',
      ),
    handler: async (argv) => {
      setExit(
        await drillAndReport(
          drillOptionsFrom(argv, context),
          { ...argv, format: argv.format as DrillOutput['format'] },
          context,
        ),
      );
    },
  });
}

/** What the drill command does with a drill's result: reports, a baseline written or compared with. */
export interface DrillOutput {
  format: 'pretty' | 'json' | 'markdown' | 'sarif' | 'github';
  /** Also the HTML page of the whole drill, to this file (with a baseline too: the page shows the drill, not the drift). */
  html?: string | undefined;
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
  // A drill judges nothing against a file: only a difference from a baseline has a place to show at.
  if ((output.format === 'sarif' || output.format === 'github') && output.baseline === undefined) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--format ${output.format} needs --baseline: a drill's findings are its differences from a baseline, each shown at the baseline file`,
      {
        hint: 'dockprobe drill --all --write-baseline base.json, then dockprobe drill --all --baseline base.json --format sarif',
      },
    );
  }
  // Read before anything runs: a bad baseline is a usage error, not a drill that drifts everywhere.
  const before =
    output.baseline !== undefined
      ? await (await import('../../baseline/read-baseline.js')).readBaseline(output.baseline)
      : undefined;
  const result = await drill(options);
  if (output.html !== undefined) {
    const [{ htmlDrillReport }, { writeText }] = await Promise.all([
      import('../../drill/html-drill-report.js'),
      import('../write-text.js'),
    ]);
    await writeText(output.html, htmlDrillReport(result), '--html');
  }
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
    const { driftReportOf, driftExitCode, driftOutput } = await import('../compare-with-baseline.js');
    const report = driftReportOf(output.baseline, before, baseline, result, output.failOn);
    context.stdout.write(driftOutput(report, output.format, result, context.colorsOut));
    reportLeftovers(context, result);
    return driftExitCode(report, result.cleanupFailures);
  }
  if (output.format === 'json') {
    const { jsonDrillReport } = await import('../../drill/json-drill-report.js');
    context.stdout.write(jsonDrillReport(result));
  } else if (output.format === 'markdown') {
    const { markdownDrillReport } = await import('../../drill/markdown-drill-report.js');
    context.stdout.write(markdownDrillReport(result));
  } else {
    const { prettyDrillReport } = await import('../../drill/pretty-drill-report.js');
    context.stdout.write(prettyDrillReport(result, context.colorsOut, { verbose: output.verbose }));
  }
  reportLeftovers(context, result);
  return exitCodeForDrill(result);
}
