import type { Observation } from '../../probes/agent/protocol.js';
import type { Kind, KindTypes } from '../checks/cells.js';
import type { KeysOf } from '../checks/code-table.js';
import type { SharedCodeTable } from '../checks/shared-codes.js';
import type { Attempt, Cell } from '../plan/plan.js';
import type { ProbeErrorCode } from '../run/probe-result.js';

/** pass: the expectation holds, with proof. fail: it does not. inconclusive: dockprobe could not tell. */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive';

/** One attempt and what it saw (nothing, when the probe never reported it). */
export interface Evidence {
  attempt: Attempt;
  observation: Observation | undefined;
}

/**
 * Why a verdict is what it is, as a stable code beside the text: scripts and tests match on it, and it is the same on
 * every engine where the text tells each engine's own truth. The status says whether it matches the expectation. The
 * codes of each kind are in its folder (checks/<kind>/<kind>-cell.ts), those no one kind owns in
 * checks/shared-codes.ts; VERDICT_CODES (checks/verdict-codes.ts) gives each its meaning.
 */
export type VerdictCode = KeysOf<SharedCodeTable | KindTypes[Kind]['codes']>;

/** What a cell's judgement and its verdict both say: the status, its code, what was seen, why, the evidence. */
export interface Judged {
  status: VerdictStatus;
  /** Why, as a stable code (see VERDICT_CODES in checks/verdict-codes.ts). */
  code: VerdictCode;
  /** For `probe-failed` and `check-unfinished`: why the probe failed, when it did (see PROBE_ERROR_CODES). */
  probeErrorCode?: ProbeErrorCode;
  /** What was seen, in a word or two: `open`, `http 200`, `timeout`, `nxdomain` … */
  observed: string;
  /** Why, in a sentence. */
  reason: string;
  /** Latency of the decisive observation, in milliseconds. */
  latencyMs: number | undefined;
  evidence: Evidence[];
}

/** The verdict on one (expectation, target) cell. */
export interface Verdict extends Judged {
  cellId: string;
  expectation: string;
  /** Where in the scenario the expectation is: file:line:col. */
  location: string;
  source: string;
  target: string;
  expected: 'reachable' | 'blocked';
}

/** What a probe's controls proved. */
export interface ControlResult {
  probeKey: string;
  /** The DNS server answered the probe's own name. */
  dns: boolean;
  /** The probe reached something (a peer, or a target expected reachable). */
  reach: boolean;
  /**
   * The probe reached a peer over IPv6, at first and after every check; undefined when it tried nothing over IPv6.
   * IPv6 is its own path (own addresses, own rules): an IPv4 control proves nothing about it.
   */
  reach6: boolean | undefined;
  /**
   * The peer the reach control reached: a running container of the deployment, or a control peer dockprobe added for
   * the run because the source had none. Absent when the reach control rested on something else (a target expected
   * reachable, a drill's port that opened) or did not hold.
   */
  peer?: ControlPeerUsed;
  /**
   * Set when the probe had nothing to prove reach against (no running peer on its networks, no target expected
   * reachable) and dockprobe could give it no control peer of its own either: why, with what the user can do. A
   * silence from it is `no-control-peer`, not `reach-control-failed` (which is a control that was tried and failed).
   */
  noPeer?: string;
  detail: string;
}

/** A peer a probe's reach control reached (see ControlResult.peer). */
export type ControlPeerUsed =
  | { kind: 'service'; service: string; container: string; address: string; port: number }
  | {
      kind: 'dockprobe';
      /** The control peer's container name and short id. */
      container: string;
      containerId: string;
      /** The source network it was added to (and the only one it joined). */
      network: string;
      address: string;
      port: number;
    };

/**
 * What the judge found for one cell, before a front end words it: a scenario as a verdict against its expectation
 * (verdictOf), a drill as a row (drillRow), a snapshot as a path of a baseline. Its code says what the path is
 * (pathState); its status says it against what the cell asks: a scenario's expectation, or for a cell without one (a
 * drill's) whether the path is blocked, proven as a scenario proves a blocked expectation.
 */
export interface Judgement<C extends Cell = Cell> extends Judged {
  cell: C;
  /** The observation that decided it, where its kind names one (a drill's row shows it as its evidence). */
  decisive?: Observation;
  /**
   * On a path open where it is asked to be blocked: the networks created or removed during the run. dockerd
   * re-inserts its isolation rules whenever a network is created (moby/moby#43585), so a breach seen only then may be
   * transient; it stays a finding, and the front end says so.
   */
  networkEvents?: string[];
}

/**
 * Makes a cell's judgement: its status, code, what was seen in a word or two, the reason, the decisive latency, and
 * the decisive observation where the kind names one. A kind's judge is given one that takes only its own codes and the
 * shared ones (CodeOf in checks/cells.ts).
 */
export type MakeJudgement<Code extends string = VerdictCode> = (
  status: VerdictStatus,
  code: Code,
  observed: string,
  reason: string,
  latencyMs?: number,
  decisive?: Observation,
) => Judgement;
