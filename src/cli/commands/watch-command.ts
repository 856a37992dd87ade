import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import type { CliContext } from '../cli-context.js';
import { listOption, probeOptionsFrom, projectOption } from '../common-options.js';
import { defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';
import { inferOptionsFrom } from '../infer-options.js';
import { listenOption } from '../listen-option.js';
import { scenarioInputs } from '../scenario-input.js';
import { withOptions } from '../with-options.js';

const withWatchOptions = <T>(y: import('yargs').Argv<T>) =>
  withOptions(
    y.positional('files', { type: 'string', array: true, describe: 'Scenario files (YAML); - reads stdin' }),
    'watch',
  );

/** The bounds of --lease, as the agent takes it. */
const LEASE_BOUNDS_MS = [1_000, 600_000] as const;

/** `dockprobe watch FILE…` (or `--infer`): verify again and again until stopped, with warm probes. */
export function watchCommand(context: CliContext) {
  return defineCommand({
    command: 'watch [files..]',
    describe:
      'Verify continuously until stopped: on engine events, every --interval and on firewall changes, with warm probes; changes on stdout, metrics with --listen',
    builder: (y) =>
      withHelp(
        withWatchOptions(y),
        [
          ['$0 watch isolation.yml --project shop', 'One line per cell whose verdict changes, until Ctrl-C'],
          ['$0 watch --infer --project shop --listen :9480', 'What the project implies now, with /metrics'],
          ['$0 watch isolation.yml -f json', 'The changes as JSON lines (dockprobe-watch-event)'],
        ],
        'Exit codes: 0 never (it runs until stopped), 130 on SIGINT and 143 on SIGTERM once its probes are removed, 2 usage or scenario error, 3 infrastructure error at start. SIGHUP reads the scenario files again and infers again.',
      ),
    handler: async (argv) => {
      const project = projectOption(argv.project);
      const infer = inferOptionsFrom(argv, project, 'watch');
      const listen = argv.listen !== undefined ? listenOption(argv.listen) : undefined;
      if (argv.lease !== undefined && (argv.lease < LEASE_BOUNDS_MS[0] || argv.lease > LEASE_BOUNDS_MS[1]))
        throw new DockprobeError(ErrorCodes.USAGE, `--lease must be 1s to 10m, got ${argv.lease} ms`, {
          hint: '--lease 30s',
        });
      const files = await scenarioInputs(argv.files ?? [], context);
      const probe = probeOptionsFrom(argv, context);
      const internet = listOption(argv.internet);
      const [{ watch }, { loadScenario }, { DockerodeEngine }, { envelope }, { prettyWatchEvent }, { plural }] =
        await Promise.all([
          import('../../watch/watch.js'),
          import('../../scenario/parse-scenario.js'),
          import('../../docker/dockerode-engine.js'),
          import('../../report/json-envelope.js'),
          import('../../watch/pretty-watch-event.js'),
          import('../validate-files.js'),
        ]);
      // One engine client for the inference and the watch, with the watch's own --engine-timeout.
      const runtime = new DockerodeEngine(probe.engineTimeoutMs ? { apiTimeoutMs: probe.engineTimeoutMs } : {});
      const log = probe.log;
      // Files are read again on reload; a scenario from stdin is kept as it was read.
      const load = async () => {
        const read = await Promise.all(files.map((f) => (typeof f === 'string' ? loadScenario(f) : f)));
        let inferred: string | undefined;
        if (infer) {
          const { inferredScenario } = await import('../inferred-scenario.js');
          const scenario = await inferredScenario(infer, read.length, runtime, log);
          if (scenario) {
            read.unshift(scenario);
            inferred = `${plural(scenario.expectations.length, 'expectation')} ${scenario.file.replace(/^<|>$/g, '')}`;
          }
        }
        const named = files.length > 0 ? plural(files.length, 'scenario file') : undefined;
        return { scenarios: read, detail: [inferred, named].filter(Boolean).join(' and ') || 'nothing' };
      };
      const write = (text: string) => context.stdout.write(`${text}\n`);
      const running = await watch({
        ...probe,
        runtime,
        load,
        ...(project ? { project } : {}),
        ...(internet ? { internet } : {}),
        retries: argv.retries,
        schedule: {
          ...(argv.interval !== undefined ? { intervalMs: argv.interval } : {}),
          ...(argv.settle !== undefined ? { settleMs: argv.settle } : {}),
          ...(argv.maxDelay !== undefined ? { maxDelayMs: argv.maxDelay } : {}),
        },
        ...(argv.lease !== undefined ? { leaseMs: argv.lease } : {}),
        ...(listen ? { listen } : {}),
        ...(argv.firewall ? {} : { firewall: null }),
        warn: (message) => context.stderr.write(`${context.colorsErr.yellow(`dockprobe: ${message}`)}\n`),
        onEvent: (event) => {
          if (argv.format === 'json') return write(JSON.stringify(envelope('dockprobe-watch-event', event)));
          const line = prettyWatchEvent(event, context.colorsOut, argv.verbose);
          if (line !== undefined) write(line);
        },
      });
      const reload = () => running.reload();
      process.on('SIGHUP', reload);
      try {
        await running.done;
      } finally {
        process.off('SIGHUP', reload);
      }
    },
  });
}
