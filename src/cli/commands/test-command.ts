import type { Argv } from 'yargs';
import { verify } from '../../verify.js';
import { logTo, type CliContext } from '../cli-context.js';
import { countOption, dnsUpstreamOption, durationOption, listOption, withRunOptions } from '../common-options.js';
import { exitCodeForResult } from '../exit-code.js';
import { writeReports } from '../write-reports.js';

/** `dockprobe test FILE…`: run scenarios against what is deployed now. */
export function testCommand(context: CliContext, setExit: (code: number) => void) {
  return {
    command: 'test <files..>',
    describe: 'Run scenario files against what is deployed now and report pass / FAIL / inconclusive',
    builder: (y: Argv) =>
      withRunOptions(y)
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario files (YAML)' })
        .option('project', { alias: 'p', type: 'string', describe: 'Compose project, replacing the one in the files' }),
    handler: async (argv: Record<string, unknown>) => {
      const result = await verify({
        scenarios: argv['files'] as string[],
        ...(argv['project'] ? { project: argv['project'] as string } : {}),
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

/** The report options from parsed arguments. */
export function reportOptions(argv: Record<string, unknown>) {
  return {
    format: argv['format'] as 'pretty' | 'json' | 'tap' | 'junit',
    json: argv['json'] as string | undefined,
    junit: argv['junit'] as string | undefined,
    tap: argv['tap'] as string | undefined,
    verbose: argv['verbose'] as boolean,
  };
}

/** `{ [key]: value }` when value is defined, else `{}` (options stay absent rather than undefined). */
export function optionalNumber<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** `{ dnsUpstream }` when set. */
export function withDns(value: string[] | undefined): { dnsUpstream?: string[] } {
  return value === undefined ? {} : { dnsUpstream: value };
}

/** --internet, --retries and --repeat, validated. */
export function runShape(argv: Record<string, unknown>): { internet?: string[]; retries: number; repeat: number } {
  const internet = listOption(argv['internet']);
  return { ...(internet ? { internet } : {}), retries: countOption('retries', argv['retries'] ?? 0, 0, 10), repeat: countOption('repeat', argv['repeat'] ?? 1, 1, 100) };
}
