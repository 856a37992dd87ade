import type { DefaultRoute } from '../probes/agent/protocol.js';
import type { EngineInfo } from './docker/system-client.js';
import type { ControlResult, Verdict } from './judge/verdict.js';
import type { StaticFinding } from './rules/static-findings.js';
import type { ProbeErrorCode } from './run/probe-result.js';
import type { WatchRound } from './watch/watch-event.js';

/** One probe, as reports show it. */
export interface ProbeSummary {
  key: string;
  label: string;
  /** With --repeat, the round this probe ran in (each round has probes of its own). */
  round?: number;
  container: string;
  containerId: string | undefined;
  network: string;
  status: 'completed' | 'failed';
  error: string | undefined;
  /** Why it failed, as a stable code (see PROBE_ERROR_CODES in run/probe-result.ts). */
  errorCode: ProbeErrorCode | undefined;
  control: ControlResult;
  interfaces: string[];
  /** null: no default route (no egress); undefined: not known (the host, or the probe did not run). */
  defaultRoute: DefaultRoute | null | undefined;
  checks: number;
  durationMs: number;
}

/** Counts of verdicts. */
export interface Summary {
  total: number;
  pass: number;
  fail: number;
  inconclusive: number;
}

/** What every run's result says of the run itself, whatever its front end (a scenario's, a drill's). */
export interface RunHeader {
  runId: string;
  engine: EngineInfo;
  /** The Compose versions that created the projects in scope, from their containers' labels (empty: none). */
  compose: string[];
  image: string;
  startedAt: string;
  durationMs: number;
  /** Resources that could not be removed at the end (should be empty; `dockprobe cleanup` removes them). */
  cleanupFailures: string[];
}

/** Everything one `dockprobe test` run found: the data every report format is made from. */
export interface RunResult extends RunHeader {
  scenarios: string[];
  probes: ProbeSummary[];
  verdicts: Verdict[];
  summary: Summary;
  /** What was found before probing: rules the deployment's configuration contradicts (the live verdicts decide). */
  staticFindings: StaticFinding[];
  /** From `watch` (its `/report`): the round this report is of, what asked for it, and how it ended. */
  watch?: WatchRound;
}

/** Counts verdicts by status. */
export function summarise(verdicts: readonly Verdict[]): Summary {
  return {
    total: verdicts.length,
    pass: verdicts.filter((v) => v.status === 'pass').length,
    fail: verdicts.filter((v) => v.status === 'fail').length,
    inconclusive: verdicts.filter((v) => v.status === 'inconclusive').length,
  };
}
