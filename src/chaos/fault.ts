import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { RestoreOutcome } from './chaos-result.js';

/** The faults a drill applies, each with the words it takes after its kind (see docs/chaos.md). */
export const FAULT_KINDS = {
  reconnect: ['SERVICE', 'NETWORK'],
  restart: ['SERVICE'],
  recreate: ['SERVICE'],
  'reload-firewall': [],
  'restart-engine': [],
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;

/** A fault as the command line names it: `--fault reconnect postgres internal-backend`. */
export type FaultSpec =
  | { kind: 'reconnect'; service: string; network: string }
  | { kind: 'restart'; service: string }
  | { kind: 'recreate'; service: string }
  | { kind: 'reload-firewall' }
  | { kind: 'restart-engine' };

/** The faults that change only the deployment (deployment-fault.ts): each names a service. */
export type DeploymentFaultSpec = Extract<FaultSpec, { service: string }>;

/** One fault, ready to apply to the deployment as read: what it will do, doing it, and undoing what it changed. */
export interface Fault {
  spec: FaultSpec;
  /** What it will do, in a sentence naming every container and network it touches (what --dry-run prints). */
  plan: string;
  /** Applies the fault; returns what it did. */
  apply(): Promise<string>;
  /** Restores what the fault changed, where it changed anything the deployment does not recover by itself. */
  restore(): Promise<RestoreOutcome>;
  /** The command the fault ran, once it ran (its exit status and output are evidence in the report). */
  commandRun?(): CommandRun | undefined;
}

/** A command a fault ran on the engine host: what, how it ended, how long it took, the tail of what it wrote. */
export interface CommandRun {
  command: string;
  /** Its exit status; absent when it did not end by itself (timed out, killed by a signal). */
  exitCode?: number;
  timedOut: boolean;
  /** The signal that ended it, when one did. */
  signal?: string;
  durationMs: number;
  /** The last lines of its stdout and stderr, interleaved as written. */
  output: string;
}

/**
 * `--fault KIND:ARG…` (colons, or spaces in one quoted value) as a {@link FaultSpec}; a usage error (exit 2) names the
 * option and what it received.
 */
export function parseFault(value: string): FaultSpec {
  const words = value.split(/[\s:]+/).filter(Boolean);
  const [kind, ...args] = words;
  const kinds = Object.keys(FAULT_KINDS) as FaultKind[];
  const usage = (why: string) =>
    new DockprobeError(ErrorCodes.USAGE, `--fault ${value}: ${why}`, {
      hint: kinds.map((k) => `--fault ${[k, ...FAULT_KINDS[k]].join(':')}`).join(' | '),
    });
  if (kind === undefined) throw usage('no fault named');
  if (!(kinds as string[]).includes(kind))
    throw usage(`no fault is called '${kind}' (the faults: ${kinds.join(', ')})`);
  const wanted = FAULT_KINDS[kind as FaultKind];
  if (args.length !== wanted.length)
    throw usage(
      `${kind} takes ${wanted.length === 0 ? 'nothing' : wanted.join(' and ')}, got ${args.length === 0 ? 'nothing' : args.join(' ')}`,
    );
  switch (kind as FaultKind) {
    case 'reconnect':
      return { kind: 'reconnect', service: args[0]!, network: args[1]! };
    case 'restart':
      return { kind: 'restart', service: args[0]! };
    case 'recreate':
      return { kind: 'recreate', service: args[0]! };
    case 'reload-firewall':
      return { kind: 'reload-firewall' };
    case 'restart-engine':
      return { kind: 'restart-engine' };
  }
}

/** The words after a fault's kind, as the command line gave them. */
export function faultArgs(spec: FaultSpec): string[] {
  switch (spec.kind) {
    case 'reconnect':
      return [spec.service, spec.network];
    case 'restart':
    case 'recreate':
      return [spec.service];
    case 'reload-firewall':
    case 'restart-engine':
      return [];
  }
}
