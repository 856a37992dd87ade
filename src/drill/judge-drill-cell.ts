import { isReached, type Observation } from '../../probes/agent/protocol.js';
import { describeRoute } from '../judge/egress-cell.js';
import { describeObservation, NAME_BLOCKED, PATH_BLOCKED } from '../judge/outcomes.js';
import type { ControlResult, VerdictCode } from '../judge/verdict.js';
import { failClosed, type Unproven } from '../judge/fail-closed.js';
import type { ProbeSpec } from '../plan/plan.js';
import type { ProbeErrorCode, ProbeResult } from '../run/probe-result.js';
import type { RunWindow } from '../topology/world-changes.js';
import type { DrillCell, DrillEgressCell, DrillNameCell, DrillPortCell } from './drill-cell.js';

/**
 * What a drill saw of one target. `reached`: something answered (a connection opened, the name resolved, egress);
 * `path-open`: the target's host answered with a refusal, so the path is open and nothing listens on that port now;
 * `blocked`: no answer, with the probe's controls proving one could have come; `inconclusive`: dockprobe cannot tell.
 */
export type DrillStatus = 'reached' | 'path-open' | 'blocked' | 'inconclusive';

/**
 * The codes a drill gives, a subset of the verdict codes with the same meanings (judge/verdict.ts), so a drill's rows
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
  | 'no-egress'
  | 'source-not-running'
  | 'probe-failed'
  | 'check-unfinished'
  | 'dns-control-failed'
  | 'reach-control-failed'
  | 'unclassified'
  | 'world-changed'
  | 'silent-port-host-answered'
  | 'ipv6-control-failed'
>;

/** One judged cell: the status, its code, why, and the evidence it rests on. */
export interface DrillJudgement {
  status: DrillStatus;
  code: DrillCode;
  /** For `probe-failed` and `check-unfinished`: why the probe failed, when it did. */
  probeErrorCode?: ProbeErrorCode;
  reason: string;
  /** The observation that decided it (for egress: the entry that answered, else the first), when there is one. */
  observation: Observation | undefined;
}

/**
 * Judges one drill cell. Fail closed, as a scenario's cells are: a probe that did not run, a check that did not
 * finish, a name that did not resolve while the DNS control failed, or silence while the reach control failed are
 * inconclusive, never "blocked"; a "blocked" whose target or joined source changed during the run is too.
 */
export function judgeDrillCell(
  cell: DrillCell,
  spec: ProbeSpec | undefined,
  result: ProbeResult | undefined,
  control: ControlResult | undefined,
  window: RunWindow,
): DrillJudgement {
  return failClosed.withProbeErrorCode(judgeHeld(cell, spec, result, control, window), result);
}

function judgeHeld(
  cell: DrillCell,
  spec: ProbeSpec | undefined,
  result: ProbeResult | undefined,
  control: ControlResult | undefined,
  window: RunWindow,
): DrillJudgement {
  const ran = failClosed.probeFailed(cell.source, { spec, result, control });
  if (ran.failed) return inconclusive(ran.failed);
  const judged = judgeKind(cell, ran.spec, ran.result, ran.control);
  if (judged.status !== 'blocked') return judged;
  const changed = failClosed.worldChanged(cell.touches, window, judged.reason);
  return changed ? { ...judged, status: 'inconclusive', ...changed } : judged;
}

function inconclusive(u: Unproven<DrillCode>, observation?: Observation): DrillJudgement {
  return { status: 'inconclusive', code: u.code, reason: u.reason, observation };
}

function judgeKind(cell: DrillCell, spec: ProbeSpec, result: ProbeResult, control: ControlResult): DrillJudgement {
  switch (cell.kind) {
    case 'port':
      return judgePort(cell, spec, result, control);
    case 'name':
      return judgeName(cell, result, control);
    case 'egress':
      return judgeEgress(cell, spec, result, control);
    default: {
      const never: never = cell;
      throw new Error(`no judgement for drill cell kind ${(never as DrillCell).kind}`);
    }
  }
}

function unfinished(result: ProbeResult, what: string): DrillJudgement {
  return inconclusive(failClosed.unfinished(what, result));
}

function judgePort(cell: DrillPortCell, spec: ProbeSpec, result: ProbeResult, control: ControlResult): DrillJudgement {
  const attempt = cell.attempts[0]!;
  const o = result.observations.get(attempt.checkId);
  if (!o) return unfinished(result, attempt.description);
  const what = attempt.description;
  if (o.outcome === 'refused')
    return {
      status: 'path-open',
      code: 'path-open',
      reason: `${what} answered with a refusal: the path is open, nothing listens on port ${cell.port} now`,
      observation: o,
    };
  if (isReached(o.outcome))
    return { status: 'reached', code: 'reached', reason: `${what}: ${describeObservation(o)}`, observation: o };
  if (PATH_BLOCKED.has(o.outcome)) {
    // IPv6 is its own path: silence there proves something only where the probe reached a peer over IPv6 too.
    const failed = failClosed.controlFailed(control, { reach: true, reach6: attempt.family === 6 });
    if (failed)
      return {
        status: 'inconclusive',
        code: failed.code,
        reason: `${what} did not answer, but ${failed.why}`,
        observation: o,
      };
    // Between containers Docker isolates networks, not ports: a container address that answered this very probe on
    // another port is on an open path, and silence on this one is no isolation. Seen under load (a listener with a
    // full backlog drops SYNs), it would list a reachable service as blocked. Left out: the host's gateway (a host
    // firewall that drops some ports and accepts others is ordinary) and the LAN neighbour (from outside, Docker's
    // own rules accept published ports one by one): there, silence on one port is a real block.
    const answered =
      cell.via === 'container' && spec.placement.kind !== 'lan'
        ? answeredPorts(result)
            .get(cell.address)
            ?.filter((p) => p !== cell.port)
        : undefined;
    if (answered && answered.length > 0) {
      const ports = answered.slice(0, 3).join(', ') + (answered.length > 3 ? ` and ${answered.length - 3} more` : '');
      return {
        status: 'inconclusive',
        code: 'silent-port-host-answered',
        reason: `${what} did not answer (${o.outcome}), but ${cell.address} answered this probe on port${answered.length === 1 ? '' : 's'} ${ports}: the path is open, so the silence is the listener's (its backlog full under load?) or a filter on this port alone`,
        observation: o,
      };
    }
    return {
      status: 'blocked',
      code: 'no-answer',
      reason: `${what} did not answer (${o.outcome}${o.errorCode ? `, ${o.errorCode}` : ''})`,
      observation: o,
    };
  }
  return {
    status: 'inconclusive',
    code: 'unclassified',
    reason: `${what} failed in an unexpected way: ${o.detail ?? o.errorCode ?? o.outcome}`,
    observation: o,
  };
}

/**
 * The ports each address answered on (a connection opened, an HTTP answer, or a refusal) among one probe's
 * observations, computed once per probe: a drill probe holds thousands of checks.
 */
const answeredByResult = new WeakMap<ProbeResult, Map<string, number[]>>();
function answeredPorts(result: ProbeResult): Map<string, number[]> {
  let answered = answeredByResult.get(result);
  if (!answered) {
    answered = new Map();
    for (const o of result.observations.values()) {
      if (o.address === undefined || o.port === undefined || !(isReached(o.outcome) || o.outcome === 'refused'))
        continue;
      const ports = answered.get(o.address) ?? [];
      if (!ports.includes(o.port)) ports.push(o.port);
      answered.set(o.address, ports);
    }
    for (const ports of answered.values()) ports.sort((a, b) => a - b);
    answeredByResult.set(result, answered);
  }
  return answered;
}

function judgeName(cell: DrillNameCell, result: ProbeResult, control: ControlResult): DrillJudgement {
  const attempt = cell.attempts[0]!;
  const o = result.observations.get(attempt.checkId);
  if (!o) return unfinished(result, `the lookup of ${cell.name}`);
  if (o.outcome === 'resolved')
    return {
      status: 'reached',
      code: 'resolved',
      reason: `${cell.name} resolves here to ${o.addresses?.join(', ')}`,
      observation: o,
    };
  if (NAME_BLOCKED.has(o.outcome)) {
    const failed = failClosed.controlFailed(control, { dns: true });
    if (failed)
      return {
        status: 'inconclusive',
        code: failed.code,
        reason: `${cell.name} did not resolve, but ${failed.why}`,
        observation: o,
      };
    return {
      status: 'blocked',
      code: 'not-resolved',
      reason: `${cell.name} does not resolve here (${describeObservation(o)})`,
      observation: o,
    };
  }
  return {
    status: 'inconclusive',
    code: 'unclassified',
    reason: `the lookup of ${cell.name} failed in an unexpected way: ${o.detail ?? o.errorCode ?? o.outcome}`,
    observation: o,
  };
}

// Egress, as judge/egress-cell.ts has it without an expectation: any entry that answers opens it; silence counts as
// none only when the probe has no default route or its controls held.
function judgeEgress(
  cell: DrillEgressCell,
  spec: ProbeSpec,
  result: ProbeResult,
  control: ControlResult,
): DrillJudgement {
  const route = describeRoute(spec, result);
  const seen = cell.attempts.map((a) => ({ attempt: a, o: result.observations.get(a.checkId) }));
  const reached = seen.find((e) => e.o && (isReached(e.o.outcome) || e.o.outcome === 'resolved'));
  if (reached)
    return {
      status: 'reached',
      code: 'egress-open',
      reason: `reached ${reached.attempt.description} (${describeObservation(reached.o!)}) ${route}`.trim(),
      observation: reached.o,
    };
  if (seen.some((e) => !e.o)) return unfinished(result, 'every internet target');
  const outcomes = seen.map((e) => `${e.attempt.description}: ${describeObservation(e.o!)}`).join('; ');
  const first = seen[0]!.o;
  if (result.defaultRoute === null)
    return { status: 'blocked', code: 'no-egress', reason: `no egress: ${route}`, observation: first };
  const failed = failClosed.controlFailed(control, {
    dns: seen.some((e) => NAME_BLOCKED.has(e.o!.outcome)),
    reach: true,
  });
  if (failed)
    return {
      status: 'inconclusive',
      code: failed.code,
      reason: `no internet target answered, but ${failed.why}`,
      observation: first,
    };
  return {
    status: 'blocked',
    code: 'no-egress',
    reason: `no egress: ${outcomes}${route ? `, ${route}` : ''}`,
    observation: first,
  };
}
