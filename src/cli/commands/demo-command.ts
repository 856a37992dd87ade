import type { Argv } from 'yargs';
import { runDemo } from '../../demo/run-demo.js';
import { logTo, type CliContext } from '../cli-context.js';
import { dnsUpstreamOption, durationOption, withRunOptions } from '../common-options.js';
import { exitCodeForResult } from '../exit-code.js';
import { writeReports } from '../write-reports.js';
import { optionalNumber, reportOptions, runShape, withDns } from './test-command.js';

/** `dockprobe demo`: bring up the reference topology, verify it, tear it down. */
export function demoCommand(context: CliContext, setExit: (code: number) => void) {
  return {
    command: 'demo',
    describe: 'Bring up the built-in reference topology, verify scenarios/reference.yml against it, tear it down',
    builder: (y: Argv) =>
      withRunOptions(y)
        .option('broken', { type: 'boolean', default: false, describe: 'Use the broken twin (every service on the public network): the scenario must fail' })
        .option('keep', { type: 'boolean', default: false, describe: 'Leave the topology up afterwards' }),
    handler: async (argv: Record<string, unknown>) => {
      const result = await runDemo({
        broken: argv['broken'] as boolean,
        keep: argv['keep'] as boolean,
        ...optionalNumber('timeoutMs', durationOption('timeout', argv['timeout'] as string | undefined)),
        ...optionalNumber('probeGraceMs', durationOption('probe-grace', argv['probeGrace'] as string | undefined)),
        ...(argv['image'] ? { image: argv['image'] as string } : {}),
        ...withDns(dnsUpstreamOption(argv['dnsUpstream'] as string | undefined)),
        ...runShape(argv),
        cleanup: context.cleanup,
        log: logTo(context, argv['quiet'] as boolean),
      });
      await writeReports(result, reportOptions(argv), context);
      setExit(exitCodeForResult(result));
    },
  };
}
