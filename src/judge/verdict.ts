import type { Observation } from '../../probes/agent/protocol.js';
import type { Attempt } from '../plan/plan.js';

/** pass: the expectation holds, with proof. fail: it does not. inconclusive: dockprobe could not tell. */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive';

/** One attempt and what it saw (nothing, when the probe never reported it). */
export interface Evidence {
  attempt: Attempt;
  observation: Observation | undefined;
}

/** The verdict on one (expectation, target) cell. */
export interface Verdict {
  cellId: string;
  expectation: string;
  /** Where in the scenario the expectation is: file:line:col. */
  location: string;
  source: string;
  target: string;
  expected: 'reachable' | 'blocked';
  status: VerdictStatus;
  /** What was seen, in a word or two: `open`, `http 200`, `timeout`, `nxdomain` … */
  observed: string;
  /** Why this verdict, in a sentence. */
  reason: string;
  /** Latency of the decisive observation, in milliseconds. */
  latencyMs: number | undefined;
  evidence: Evidence[];
}

/** What a probe's controls proved. */
export interface ControlResult {
  probeKey: string;
  /** The DNS server answered the probe's own name. */
  dns: boolean;
  /** The probe reached something (a peer, or a target expected reachable). */
  reach: boolean;
  detail: string;
}
