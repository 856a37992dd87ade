import { inCidr } from '../../probes/agent/cidr.js';
import { isReached, type Observation, type Outcome } from '../../probes/agent/protocol.js';
import type { Cell, Plan, ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import type { ControlResult, Evidence, Verdict, VerdictStatus } from './verdict.js';

// Outcomes that say "the name did not resolve here". They count as blocked only when the DNS control passed:
// a silent DNS server cannot tell a missing name from an unanswered query.
export const NAME_BLOCKED: ReadonlySet<Outcome> = new Set(['nxdomain', 'resolved-elsewhere', 'dns-timeout', 'dns-error']);
// Outcomes that say "no packet came back". They count as blocked only when the reach control passed.
export const PATH_BLOCKED: ReadonlySet<Outcome> = new Set(['timeout', 'unreachable']);

/**
 * Observations × expectations → verdicts. Every fail-closed rule lives here: a probe that did not run, a target
 * that is not running, a DNS server that did not answer, or a probe that never reached anything yields
 * inconclusive, never "blocked".
 */
export function judge(plan: Plan, results: readonly ProbeResult[]): { verdicts: Verdict[]; controls: ControlResult[] } {
  const byKey = new Map(results.map((r) => [r.probeKey, r]));
  const controls = plan.probes.map((spec) => judgeControls(spec, byKey.get(spec.key), plan.cells));
  const controlsByKey = new Map(controls.map((c) => [c.probeKey, c]));
  const verdicts = plan.cells.map((cell) => {
    const spec = plan.probes.find((p) => p.key === cell.probeKey);
    return judgeCell(cell, spec, spec ? byKey.get(cell.probeKey) : undefined, controlsByKey.get(cell.probeKey));
  });
  return { verdicts, controls };
}

function judgeControls(spec: ProbeSpec, result: ProbeResult | undefined, cells: readonly Cell[]): ControlResult {
  if (!result || (result.status === 'failed' && result.observations.size === 0)) {
    return { probeKey: spec.key, dns: false, reach: false, detail: 'probe did not run' };
  }
  if (spec.placement.kind === 'host') {
    return { probeKey: spec.key, dns: true, reach: true, detail: 'the host connects from this process; its verdicts rest on the engine\'s port bindings' };
  }
  const dnsObservation = spec.controls.dnsCheckId ? result.observations.get(spec.controls.dnsCheckId) : undefined;
  const dns = dnsObservation?.outcome === 'resolved';
  const peers = spec.controls.reachCheckIds.map((id) => result.observations.get(id)).filter((o): o is Observation => o !== undefined);
  const peerReached = peers.find((o) => isReached(o.outcome));
  // A target expected reachable and reached is as good a control as a peer.
  const targetReached = cells
    .filter((c) => c.probeKey === spec.key && c.expectation.reachable)
    .map((c) => result.observations.get(c.attempts[0]?.checkId ?? ''))
    .find((o) => o !== undefined && (o.outcome === 'open' || o.outcome === 'http'));
  const reached = peerReached ?? targetReached;
  const dnsText = dns ? `DNS answered its own name (${dnsObservation?.addresses?.join(', ')})` : `DNS control failed (${dnsObservation ? describeObservation(dnsObservation) : 'no answer recorded'})`;
  const reachText = reached
    ? `reached ${reached.target} (${describeObservation(reached)})`
    : peers.length === 0 && !targetReached
      ? 'nothing to prove reach against: no running peer on its network and no target expected reachable'
      : `reached nothing (${peers.map((o) => `${o.target} ${o.outcome}`).join(', ') || 'no target expected reachable answered'})`;
  return { probeKey: spec.key, dns, reach: reached !== undefined, detail: `${dnsText}; ${reachText}` };
}

function judgeCell(cell: Cell, spec: ProbeSpec | undefined, result: ProbeResult | undefined, control: ControlResult | undefined): Verdict {
  const evidence: Evidence[] = cell.attempts.map((attempt) => ({ attempt, observation: result?.observations.get(attempt.checkId) }));
  const base = {
    cellId: cell.id,
    expectation: cell.expectation.name,
    location: `${cell.expectation.position.file}:${cell.expectation.position.line}:${cell.expectation.position.col}`,
    source: cell.source,
    target: cell.targetLabel,
    expected: cell.expectation.reachable ? ('reachable' as const) : ('blocked' as const),
    evidence,
  };
  const verdict = (status: VerdictStatus, observed: string, reason: string, latencyMs?: number): Verdict => ({ ...base, status, observed, reason, latencyMs });

  if (cell.precondition) return verdict('inconclusive', 'not tried', cell.precondition);
  if (cell.fact) return verdict(cell.expectation.reachable ? 'fail' : 'pass', cell.fact.kind, cell.fact.detail);
  if (!spec || !control || !result || (result.status === 'failed' && result.observations.size === 0)) {
    return verdict('inconclusive', 'no probe', result?.error ?? `probe for ${cell.source} did not run`);
  }
  if (spec.placement.kind === 'host' && cell.binding) return judgePublished(cell, evidence, verdict);
  if (cell.target.kind === 'internet') return judgeEgress(cell, evidence, spec, control, result, verdict);
  return cell.expectation.reachable ? judgeReachable(cell, evidence, control, result, verdict) : judgeBlocked(cell, evidence, control, result, verdict);
}

// From the host: a published port expected blocked is a finding whether or not it answers right now.
function judgePublished(cell: Cell, evidence: Evidence[], verdict: MakeVerdict): Verdict {
  const answered = evidence.find((e) => e.observation && (e.observation.outcome === 'open' || e.observation.outcome === 'http'));
  const observed = `${answered ? describeObservation(answered.observation!) : 'no answer'}; ${cell.binding}`;
  const missing = evidence.filter((e) => !e.observation);
  if (cell.expectation.reachable) {
    if (answered) return verdict('pass', observed, `published on ${cell.binding}, and it answers (${describeObservation(answered.observation!)})`, answered.observation!.latencyMs);
    if (missing.length > 0) return verdict('inconclusive', observed, `published on ${cell.binding}, but the check did not finish`);
    return verdict('fail', observed, `published on ${cell.binding}, but it does not answer (${evidence.map((e) => describeObservation(e.observation!)).join(', ')})`);
  }
  return verdict('fail', observed, `published on ${cell.binding}${answered ? ', and it answers' : ' (it does not answer now, but anyone who can reach the host may once it does)'}`, answered?.observation?.latencyMs);
}

// Egress: reached if any outside target is. The probe's default route says which network the traffic leaves through,
// and a missing one is the quick signal that there is no egress at all.
function judgeEgress(cell: Cell, evidence: Evidence[], spec: ProbeSpec, control: ControlResult, result: ProbeResult, verdict: MakeVerdict): Verdict {
  const route = describeRoute(spec, result);
  const reached = evidence.find((e) => e.observation && (isReached(e.observation.outcome) || e.observation.outcome === 'resolved'));
  if (reached) {
    const o = reached.observation!;
    const how = `reached ${reached.attempt.description} (${describeObservation(o)}) ${route}`;
    return cell.expectation.reachable ? verdict('pass', describeObservation(o), how, o.latencyMs) : verdict('fail', describeObservation(o), `egress is open: ${how}`, o.latencyMs);
  }
  if (evidence.some((e) => !e.observation)) return verdict('inconclusive', 'no result', `the probe ended before every internet target was tried${result.error ? ` (${result.error})` : ''}`);
  const outcomes = evidence.map((e) => `${e.attempt.description}: ${describeObservation(e.observation!)}`).join('; ');
  const noRoute = result.defaultRoute === null;
  if (cell.expectation.reachable) {
    if (noRoute) return verdict('fail', 'no route', `no egress: ${route} (${outcomes})`);
    const unproven = evidence.some((e) => NAME_BLOCKED.has(e.observation!.outcome)) && !control.dns;
    return verdict(unproven ? 'inconclusive' : 'fail', describeObservation(evidence[0]!.observation!), `no egress: no internet target answered ${route}: ${outcomes}`);
  }
  if (!control.reach && !noRoute) return verdict('inconclusive', describeObservation(evidence[0]!.observation!), `no internet target answered, but the probe never proved it can reach anything: ${control.detail}`);
  return verdict('pass', noRoute ? 'no route' : describeObservation(evidence[0]!.observation!), `no egress: ${noRoute ? route : `${outcomes}, ${route}`}`);
}

/** Which network a probe's default route leaves through, or that it has none (and on which networks it sits). */
export function describeRoute(spec: ProbeSpec, result: ProbeResult): string {
  const networks = spec.networks.map((n) => `${n.composeName ?? n.name}${n.internal ? ' (internal: true)' : ''}`).join(', ');
  if (result.defaultRoute === null) return `no default route; ${spec.label} is only on ${networks}`;
  if (result.defaultRoute === undefined) return '';
  const iface = result.defaultRoute.iface;
  const address = result.interfaces.find((i) => i.startsWith(`${iface} `))?.split(' ')[1]?.split('/')[0];
  const network = address ? spec.networks.find((n) => n.subnets.some((s) => inCidr(address, s))) : undefined;
  const via = `(default route via ${result.defaultRoute.gateway} on ${iface})`;
  if (!network) return `through ${iface} ${via}`;
  // Some engines (20.10) give internal networks a gateway and drop their outbound traffic with iptables instead.
  const name = network.composeName ?? network.name;
  return network.internal ? `through network ${name}, which is internal: true, so Docker drops outbound traffic ${via}` : `through network ${name} ${via}`;
}

type MakeVerdict = (status: VerdictStatus, observed: string, reason: string, latencyMs?: number) => Verdict;

function judgeReachable(cell: Cell, evidence: Evidence[], control: ControlResult, result: ProbeResult, verdict: MakeVerdict): Verdict {
  const o = evidence[0]?.observation;
  if (!o) return verdict('inconclusive', 'no result', `the probe ended before this check finished${result.error ? ` (${result.error})` : ''}`);
  const observed = describeObservation(o);
  const target = cell.target;
  switch (o.outcome) {
    case 'http':
      if (target.kind === 'http' && target.status !== undefined && o.status !== target.status) {
        return verdict('fail', observed, `answered HTTP ${o.status}, expected ${target.status}`, o.latencyMs);
      }
      return verdict('pass', observed, `reached ${o.address}:${o.port}, HTTP ${o.status}`, o.latencyMs);
    case 'open':
      if (target.kind === 'http') return verdict('fail', observed, `connected to ${o.address}:${o.port} but got no valid HTTP response`, o.latencyMs);
      return verdict('pass', observed, `connected to ${o.address}:${o.port}`, o.latencyMs);
    case 'resolved':
      return verdict('pass', observed, `resolved to ${o.addresses?.join(', ')}`, o.latencyMs);
    case 'refused':
      return verdict('fail', observed, `${o.address}:${o.port} answered, but nothing listens on the port (connection refused)`, o.latencyMs);
    case 'reset':
      return verdict('fail', observed, `${o.address}:${o.port} accepted, then reset the connection`, o.latencyMs);
    case 'timeout':
    case 'unreachable':
      return verdict('fail', observed, `${o.address ?? o.target}:${o.port ?? ''} did not answer (${o.outcome}${o.errorCode ? `, ${o.errorCode}` : ''})`.replace(':)', ')'), o.latencyMs);
    case 'nxdomain':
    case 'resolved-elsewhere':
    case 'dns-timeout':
    case 'dns-error':
      if (!control.dns) return verdict('inconclusive', observed, `the name did not resolve, and the probe's DNS control failed too: ${control.detail}`, o.latencyMs);
      return verdict('fail', observed, nameReason(o), o.latencyMs);
    default:
      return verdict('inconclusive', observed, `the check failed in an unexpected way: ${o.detail ?? o.errorCode ?? 'unknown error'}`, o.latencyMs);
  }
}

function judgeBlocked(cell: Cell, evidence: Evidence[], control: ControlResult, result: ProbeResult, verdict: MakeVerdict): Verdict {
  // One success is a breach, whatever else was seen; a refused connection is one too: the host answered.
  const breaches = evidence.filter((e) => e.observation && (isReached(e.observation.outcome) || (cell.target.kind === 'dns' && e.observation.outcome === 'resolved')));
  if (breaches.length > 0) {
    const first = breaches[0]!.observation!;
    const list = breaches.map((b) => `${b.attempt.description}: ${describeObservation(b.observation!)}`).join('; ');
    const refusedOnly = breaches.every((b) => b.observation!.outcome === 'refused');
    return verdict('fail', describeObservation(first), refusedOnly ? `network path is open (the host answered, though nothing listens): ${list}` : `reached: ${list}`, first.latencyMs);
  }
  const missing = evidence.filter((e) => !e.observation);
  if (missing.length > 0) {
    return verdict('inconclusive', 'no result', `the probe ended before ${missing.map((m) => m.attempt.description).join(', ')} finished${result.error ? ` (${result.error})` : ''}`);
  }
  const unclassified = evidence.find((e) => !NAME_BLOCKED.has(e.observation!.outcome) && !PATH_BLOCKED.has(e.observation!.outcome));
  if (unclassified) {
    return verdict('inconclusive', describeObservation(unclassified.observation!), `${unclassified.attempt.description} failed in an unexpected way: ${unclassified.observation!.detail ?? unclassified.observation!.errorCode ?? 'unknown'}`);
  }
  const byName = evidence.filter((e) => NAME_BLOCKED.has(e.observation!.outcome));
  const byPath = evidence.filter((e) => PATH_BLOCKED.has(e.observation!.outcome));
  if (byName.length > 0 && !control.dns) {
    return verdict('inconclusive', describeObservation(byName[0]!.observation!), `the name did not resolve, but the probe's DNS control failed too, so a silent server cannot be ruled out: ${control.detail}`);
  }
  if (byPath.length > 0 && !control.reach) {
    return verdict('inconclusive', describeObservation(byPath[0]!.observation!), `no answer, but the probe never proved it can reach anything: ${control.detail}`);
  }
  const nameEvidence = evidence[0]!;
  const observed = describeObservation(nameEvidence.observation!) + (evidence.length > 1 ? ` +${evidence.length - 1} addr` : '');
  const parts = evidence.map((e) => `${e.attempt.description}: ${NAME_BLOCKED.has(e.observation!.outcome) ? `blocked by name (${describeObservation(e.observation!)})` : describeObservation(e.observation!)}`);
  const slowest = Math.max(...evidence.map((e) => e.observation!.latencyMs));
  return verdict('pass', observed, `blocked: ${parts.join('; ')}`, slowest);
}

function nameReason(o: Observation): string {
  switch (o.outcome) {
    case 'nxdomain':
      return `the name does not resolve on this network (${o.errorCode ?? 'NXDOMAIN'})`;
    case 'resolved-elsewhere':
      return `the name resolves only outside the target's networks: ${o.detail ?? o.addresses?.join(', ')}`;
    case 'dns-timeout':
      return 'the DNS server forwarded the name upstream and no answer came: it does not resolve on this network';
    default:
      // Engines 26+ answer SERVFAIL at once for a name they hold no record of when the upstream refuses (20.10 lets
      // the query time out): the DNS control proved the server answers, so the name does not resolve here.
      return `the DNS server has no record for it and answered with an error (${o.errorCode ?? 'error'}): it does not resolve on this network`;
  }
}

/** A short description of an observation: `open 172.20.0.3:3000`, `http 200`, `nxdomain`, `timeout 172.21.0.4:6379`. */
export function describeObservation(o: Observation): string {
  switch (o.outcome) {
    case 'http':
      return `http ${o.status}`;
    case 'resolved':
      return `resolved ${o.addresses?.join(',') ?? ''}`.trim();
    case 'open':
    case 'refused':
    case 'reset':
    case 'timeout':
    case 'unreachable':
      return o.address ? `${o.outcome} ${o.address}:${o.port}` : o.outcome;
    default:
      return o.outcome;
  }
}
