import { DEFAULT_CHAOS_DEADLINE_MS, DEFAULT_ENGINE_RESTART_TIMEOUT_MS } from '../../chaos/chaos-defaults.js';
import type { ChaosRoundSummary } from '../../chaos/chaos-result.js';
import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import type { CliContext } from '../cli-context.js';
import { listOption, probeOptionsFrom, projectOption } from '../common-options.js';
import { confirmOnTerminal } from '../confirm.js';
import type { ChaosFormat } from '../report-options.js';
import { defineCommand } from '../define-command.js';
import { withHelp } from '../help-text.js';
import { scenarioInputs } from '../scenario-input.js';
import { withOptions } from '../with-options.js';

/** The restore timer, unless told: a minute past the longest the drill waits before it restores by itself. */
function defaultRestoreAfterMs(deadlineMs: number | undefined): number {
  return (deadlineMs ?? DEFAULT_CHAOS_DEADLINE_MS) + 60_000;
}

/** `dockprobe chaos FILE… --fault KIND ARG…`: one fault, and each cell's timeline through it. */
export function chaosCommand(context: CliContext, setExit: (code: number) => void) {
  return defineCommand({
    command: 'chaos [files..]',
    describe:
      "Apply one fault to the deployment (a reconnect, restart or re-create of a service, a firewall reload, an engine restart with live-restore) while warm probes check the scenario's cells round after round; report each cell's timeline, restore, check again",
    builder: (y) =>
      withHelp(
        withOptions(
          y.positional('files', { type: 'string', array: true, describe: 'Scenario files (YAML); - reads stdin' }),
          'chaos',
        ),
        [
          ['$0 chaos isolation.yml --project shop --fault restart:postgres', 'Does isolation hold through a restart?'],
          ['$0 chaos isolation.yml --fault reconnect:api:backend --dry-run', 'What the fault would do, doing nothing'],
          ['$0 chaos isolation.yml --fault recreate:api --yes -f json', 'A redeploy of api, unasked, as JSON'],
        ],
        'Exit codes: 0 every cell held or came back, 1 a breach window or a cell not back after the restore, 2 usage or scenario error, 3 inconclusive (the verdicts before the fault not steady, a cell expected blocked unknown for a while, the fault failed) or a failed restore.',
      ),
    handler: async (argv) => {
      if (argv.restore !== undefined) {
        // By hand, as the restore timer does it: the saved rule sets loaded again.
        const { restoreFile } = await import('../../chaos/firewall-fault.js');
        if (process.getuid?.() !== 0)
          throw new DockprobeError(ErrorCodes.USAGE, `--restore ${argv.restore}: loading rules needs root`, {
            hint: `sudo dockprobe chaos --restore ${argv.restore}`,
          });
        try {
          await restoreFile(argv.restore);
        } catch (error) {
          context.stderr.write(
            `${context.colorsErr.red(context.colorsErr.bold(`dockprobe: THE RESTORE FAILED: ${(error as Error).message}; the saved rules are in ${argv.restore}`))}\n`,
          );
          setExit(3);
          return;
        }
        context.stdout.write(`restored the rule sets saved in ${argv.restore}\n`);
        return;
      }
      const { parseFault } = await import('../../chaos/fault.js');
      if (argv.fault === undefined)
        throw new DockprobeError(ErrorCodes.USAGE, 'chaos needs a fault: --fault KIND:ARG…', {
          hint: 'dockprobe chaos isolation.yml --fault restart:postgres --dry-run',
        });
      const spec = parseFault(argv.fault);
      if ((argv.files ?? []).length === 0)
        throw new DockprobeError(ErrorCodes.USAGE, 'chaos needs scenario files: what the deployment must hold to', {
          hint: 'dockprobe chaos isolation.yml --fault restart:postgres',
        });
      const project = projectOption(argv.project);
      const files = await scenarioInputs(argv.files ?? [], context);
      const probe = probeOptionsFrom(argv, context);
      const internet = listOption(argv.internet);
      const [{ chaos, planChaos }, { deploymentFault }, { loadScenario }, { DockerodeEngine }] = await Promise.all([
        import('../../chaos/chaos.js'),
        import('../../chaos/deployment-fault.js'),
        import('../../scenario/parse-scenario.js'),
        import('../../docker/dockerode-engine.js'),
      ]);
      const { newRunId } = await import('../../run/run-id.js');
      const runId = newRunId();
      const runtime = new DockerodeEngine(probe.engineTimeoutMs ? { apiTimeoutMs: probe.engineTimeoutMs } : {});
      const scenarios = await Promise.all(files.map((f) => (typeof f === 'string' ? loadScenario(f) : f)));
      const ask = argv.yes ? undefined : confirmOnTerminal(context);
      const options = {
        ...probe,
        runtime,
        runId,
        scenarios,
        ...(project ? { project } : {}),
        ...(internet ? { internet } : {}),
        retries: argv.retries,
        fault: spec,
        makeFault: async (s: typeof spec, topology: Parameters<typeof deploymentFault>[1]) => {
          switch (s.kind) {
            case 'reload-firewall':
              return (await import('../../chaos/firewall-fault.js')).firewallFault(s, topology, {
                endpoint: runtime.endpoint,
                runId,
                restoreAfterS: Math.ceil(
                  ((argv.restoreAfter ?? defaultRestoreAfterMs(argv.deadline)) as number) / 1000,
                ),
              });
            case 'restart-engine':
              return (await import('../../chaos/engine-restart-fault.js')).engineRestartFault(s, topology.engine, {
                endpoint: runtime.endpoint,
                command: argv.engineRestartCommand,
                timeoutMs: argv.engineRestartTimeout ?? DEFAULT_ENGINE_RESTART_TIMEOUT_MS,
                info: () => runtime.system.info(),
              });
            default:
              return deploymentFault(s, topology, runtime, runtime.deployment);
          }
        },
        baselineRounds: argv.baselineRounds,
        ...(argv.deadline !== undefined ? { deadlineMs: argv.deadline } : {}),
        ...(argv.lease !== undefined ? { leaseMs: argv.lease } : {}),
        ...(ask ? { confirm: (plan: string) => ask(`dockprobe chaos will ${plan}. Go ahead?`) } : {}),
        onRound: (r: ChaosRoundSummary) =>
          probe.log(
            `round ${r.round} (${r.phase}): ${r.pass} pass, ${r.fail} FAIL, ${r.inconclusive} inconclusive in ${r.endedMs - r.startedMs} ms${r.error ? `: ${r.error}` : ''}`,
          ),
      };
      if (argv.dryRun) {
        const { fault } = await planChaos(options, { runtime });
        context.stdout.write(
          `dockprobe chaos would ${fault.plan}, then restore what it changed; nothing done (--dry-run)\n`,
        );
        return;
      }
      const result = await chaos(options);
      if (!result) {
        context.stderr.write('dockprobe: chaos: not applied (answered no); nothing changed\n');
        return;
      }
      const { writeChaosReports } = await import('../write-chaos-reports.js');
      await writeChaosReports(result, { ...argv, format: argv.format as ChaosFormat }, context);
      const { chaosExitCode } = await import('../../chaos/chaos-result.js');
      setExit(chaosExitCode(result.outcome));
    },
  });
}
