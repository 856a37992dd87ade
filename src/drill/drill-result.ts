import type { AgentErrorCode, Outcome } from '../../probes/agent/protocol.js';
import type { RunHeader } from '../run-result.js';
import type { ProbeErrorCode } from '../run/probe-result.js';
import type { RiskKind } from '../checks/check-kind.js';
import { CHECK_KINDS, kindOf } from '../checks/check-kinds.js';
import type { ControlPeerUsed, Judgement, VerdictCode } from '../judge/verdict.js';
import type { DrillCell } from '../plan/plan.js';
import type { DrillTried, UnprobedSource } from './drill-plan.js';
import { failClosed } from '../judge/fail-closed.js';
import type { RunWindow } from '../topology/world-changes.js';

/**
 * What a drill saw of one target. `reached`: something answered (a connection opened, the name resolved, egress);
 * `path-open`: the target's host answered with a refusal, so the path is open and nothing listens on that port now;
 * `blocked`: no answer, with the probe's controls proving one could have come; `inconclusive`: dockprobe cannot tell.
 */
export type DrillStatus = 'reached' | 'path-open' | 'blocked' | 'inconclusive';

/**
 * The codes a drill gives, a subset of the verdict codes with the same meanings (checks/verdict-codes.ts), so a drill's rows
 * classify into a baseline's open / closed / unknown like a scenario's verdicts.
 */
export type DrillCode = Extract<
  VerdictCode,
  | 'reached'
  | 'resolved'
  | 'path-open'
  | 'egress-open'
  | 'no-answer'
  | 'not-resolved'
  | 'name-forwarded-upstream'
  | 'no-egress'
  | 'source-not-running'
  | 'probe-failed'
  | 'check-unfinished'
  | 'dns-control-failed'
  | 'reach-control-failed'
  | 'no-control-peer'
  | 'unclassified'
  | 'world-changed'
  | 'silent-port-host-answered'
  | 'ipv6-control-failed'
  | 'blocked'
  | 'udp-host-reached'
  | 'udp-silent'
  | 'udp-control-failed'
>;

/** What a row is about, riskiest first: a port by what usually listens there, then egress, then a name. */
export type { RiskKind };

/** One target tried from one source, judged, with the evidence. */
export interface DrillRow {
  source: string;
  /** By names only, stable from run to run (see DrillCell.target). */
  target: string;
  /** The service (or container) it belongs to, `host` or `internet`: a column of the `--all` matrix. */
  endpoint: string;
  kind: 'port' | 'name' | 'egress' | 'udp';
  /** For a port: a container's address, the host at the gateway, or a port published on the host. */
  via?: 'container' | 'host' | 'published';
  risk: { kind: RiskKind; rank: number; name?: string };
  network?: string;
  address?: string;
  port?: number;
  /** For a published port: the container port behind it and how it is bound on the host. */
  published?: { container: string; port: number; binding: string; allInterfaces: boolean };
  status: DrillStatus;
  code: DrillCode;
  /** For `probe-failed` and `check-unfinished`: why the probe failed, when it did. */
  probeErrorCode?: ProbeErrorCode;
  reason: string;
  /** What decided it: the attempt and what the probe saw (absent when nothing was seen). */
  evidence?: {
    attempt: string;
    outcome: Outcome;
    address?: string;
    port?: number;
    status?: number;
    latencyMs: number;
    errorCode?: AgentErrorCode;
  };
}

/** The bounds a drill ran within, printed in its header and kept in its JSON. */
export interface DrillBounds {
  /** Checks in flight at once in each probe besides its connects by address. */
  concurrency: number;
  /** Connects by address in flight at once in each probe. */
  connectConcurrency: number;
  /** DNS queries in flight at once across the probes running at once. */
  lookupConcurrency: number;
  /** Tries of each check (1: no retry). */
  attemptsPerCheck: number;
  /** Each DNS query, connect and HTTP exchange waits at most this long. */
  timeoutMs: number;
  /** Probes running at once. */
  probesAtOnce: number;
  /** The most checks one probe may have. */
  maxChecks: number;
  /** The port list tried at every address besides exposed ports. */
  ports: number[];
  /** Whether the host was tried at each gateway on the port list. */
  hostPorts: boolean;
  /** The UDP ports tried at every container address (`--udp-ports`); absent: none. */
  udpPorts?: number[];
}

/** One probe of a drill, as reports show it. */
export interface DrillProbe {
  key: string;
  label: string;
  container: string;
  containerId: string | undefined;
  status: 'completed' | 'failed';
  error: string | undefined;
  /** Why it failed, as a stable code (see PROBE_ERROR_CODES in run/probe-result.ts). */
  errorCode: ProbeErrorCode | undefined;
  /** Whether its DNS and reach controls held, and what they saw. */
  dns: boolean;
  reach: boolean;
  controls: string;
  /** The peer its reach control reached: a container of the deployment, or a control peer of dockprobe's own. */
  controlPeer?: ControlPeerUsed;
  checks: number;
  durationMs: number;
}

/** Everything a drill found: the data every drill report is made from (`--format json` prints it as is). */
export interface DrillResult extends RunHeader {
  /** `service proxy`, `network public-facing` or `all`. */
  from: string;
  bounds: DrillBounds;
  tried: DrillTried;
  probes: DrillProbe[];
  /** Sources with nothing to probe from (a service with no running container): said, and exit 3. */
  unprobed: UnprobedSource[];
  /** Sorted by source, then riskiest first, then target: the same order for the same findings. */
  rows: DrillRow[];
  summary: { reached: number; pathOpen: number; blocked: number; inconclusive: number };
}

/**
 * A drill's cell judged, worded as a row: its status says what was found, not whether it matches an expectation (a
 * drill has none). A cell is judged as asked whether it is blocked: a FAIL of that is reached (or path open, for a
 * refusal), a pass is blocked. A connection seen while a network was being created may be dockerd's own instant
 * without isolation (moby/moby#43585): it stays a finding, and the reason says so, so a transient one can be told apart.
 */
export function drillRow(judged: Judgement & { cell: DrillCell }): DrillRow {
  const { cell } = judged;
  const o = judged.decisive;
  const status: DrillStatus =
    judged.status === 'inconclusive'
      ? 'inconclusive'
      : judged.status === 'pass'
        ? 'blocked'
        : judged.code === 'path-open' || judged.code === 'udp-host-reached'
          ? 'path-open'
          : 'reached';
  // Each kind says how risky its target is (the Docker API first, a name that resolves last) and whether a breach
  // seen while a network was created may be transient.
  const listed = kindOf(cell).listed!;
  const transient = judged.networkEvents !== undefined && listed.transientBreach;
  const risk = listed.risk(cell);
  return {
    source: cell.source,
    target: cell.targetLabel,
    endpoint: cell.endpoint,
    kind: cell.kind,
    ...(cell.kind === 'port'
      ? {
          via: cell.via,
          network: cell.network,
          address: cell.address,
          port: cell.port,
          ...(cell.published ? { published: cell.published } : {}),
        }
      : cell.kind === 'udp'
        ? { network: cell.network, address: cell.address, port: cell.port }
        : {}),
    risk,
    status,
    code: judged.code as DrillCode,
    ...(judged.probeErrorCode ? { probeErrorCode: judged.probeErrorCode } : {}),
    reason: transient ? mayBeTransient(judged.reason, judged.networkEvents!) : judged.reason,
    ...(o
      ? {
          evidence: {
            attempt:
              cell.attempts.find((a) => a.checkId === o.id.split('@')[0])?.description ?? cell.attempts[0]!.description,
            outcome: o.outcome,
            ...(o.address !== undefined ? { address: o.address } : {}),
            ...(o.port !== undefined ? { port: o.port } : {}),
            ...(o.status !== undefined ? { status: o.status } : {}),
            latencyMs: o.latencyMs,
            ...(o.errorCode !== undefined ? { errorCode: o.errorCode } : {}),
          },
        }
      : {}),
  };
}

/** A reason of a path seen open while `networkEvents` happened, with why it may be transient. */
function mayBeTransient(reason: string, networkEvents: readonly string[]): string {
  return `${reason} (during the run: ${networkEvents.join('; ')}; dockerd re-inserts its isolation rules whenever a network is created, moby/moby#43585: drill again to tell a transient breach)`;
}

/**
 * A row worded from its probe's result alone, the run's window applied, as drillRow words the judgement the window
 * gave (judge.ts heldWorld): a blocked row of a cell that rests on a container that changed under the probes is
 * world-changed (inconclusive); a path seen open while a network was being created says it may be transient.
 * `touches`: the containers its cell rests on.
 */
export function rowInWindow(row: DrillRow, touches: readonly string[], window: RunWindow): DrillRow {
  if (row.status === 'blocked') {
    const changed = failClosed.worldChanged(touches, window, row.reason);
    return changed ? { ...row, status: 'inconclusive', ...changed } : row;
  }
  if ((row.status === 'reached' || row.status === 'path-open') && window.networkEvents.length > 0) {
    if (!CHECK_KINDS[row.kind].listed.transientBreach) return row;
    return { ...row, reason: mayBeTransient(row.reason, window.networkEvents) };
  }
  return row;
}

/** Source, then riskiest first, then target: one order for the same findings, whatever order the probes ended in. */
export function sortRows(rows: DrillRow[]): DrillRow[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort((a, b) => text(a.source, b.source) || a.risk.rank - b.risk.rank || text(a.target, b.target));
}
