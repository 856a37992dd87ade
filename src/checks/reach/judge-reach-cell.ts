import { isReached, type Observation } from '../../../probes/agent/protocol.js';
import type { ReachCell } from './reach-cell.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { hostPort } from '../../plan/checks.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation, NAME_BLOCKED, nameReason, PATH_BLOCKED } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, MakeJudgement, Judgement } from '../../judge/verdict.js';
import type { CodeOf } from '../cells.js';

/** A zone or service trying a host: reached as expected, or blocked with proof that an answer could have come. */
export function judgeReachCell(
  cell: ReachCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'reach'>>,
): Judgement {
  // A name asked where no embedded DNS serves: decided by that fact, as a published cell is by the engine's bindings.
  if (cell.noEmbeddedDns && cell.target.kind === 'dns') {
    return cell.expectation.reachable
      ? judged(
          'fail',
          'no-embedded-dns',
          'no DNS',
          `${cell.noEmbeddedDns}: '${cell.target.label}' cannot resolve from it`,
        )
      : judged(
          'pass',
          'no-embedded-dns',
          'no DNS',
          `${cell.noEmbeddedDns}, so '${cell.target.label}' cannot resolve from it`,
        );
  }
  return cell.expectation.reachable
    ? judgeReachable(cell, evidence, control, result, judged)
    : judgeBlocked(cell, evidence, control, result, judged);
}

function judgeReachable(
  cell: ReachCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'reach'>>,
): Judgement {
  // Tried by name, the name decides, as an application takes it; tried by address (a source without DNS), any
  // address that answered will do.
  const o = (
    cell.noEmbeddedDns || cell.hostNetwork
      ? (evidence.find(
          (e) => e.observation && isReached(e.observation.outcome) && e.observation.outcome !== 'refused',
        ) ?? evidence[0])
      : evidence[0]
  )?.observation;
  const tasks = evidence.find((e) => e.attempt.via === 'tasks')?.observation;
  if (
    o &&
    tasks &&
    (o.outcome === 'timeout' || o.outcome === 'unreachable') &&
    (tasks.outcome === 'open' || tasks.outcome === 'http')
  ) {
    return judged(
      'fail',
      'vip-silent',
      describeObservation(o),
      `the service's virtual IP ${hostPort(o.address, o.port)} did not answer (${o.outcome}) while its tasks did (${describeObservation(tasks)}): the swarm's load balancing is broken here (no IPVS in the kernel, or a broken load-balancer sandbox), so clients using the name fail; not isolation`,
      o.latencyMs,
    );
  }
  if (!o) return unproven(judged, failClosed.unfinished('this check', result));
  const observed = describeObservation(o);
  const target = cell.target;
  switch (o.outcome) {
    case 'http':
      if (target.kind === 'http' && target.status !== undefined && o.status !== target.status) {
        return judged(
          'fail',
          'http-status-mismatch',
          observed,
          `answered HTTP ${o.status}, expected ${target.status}`,
          o.latencyMs,
        );
      }
      if (target.kind === 'http' && target.bytes !== undefined && (o.bytes ?? 0) < target.bytes)
        return incompleteAnswer(cell, o, target.bytes, judged);
      return judged(
        'pass',
        'reached',
        observed,
        `reached ${hostPort(o.address, o.port)}, HTTP ${o.status}`,
        o.latencyMs,
      );
    case 'open':
      if (target.kind === 'http')
        return judged(
          'fail',
          'not-http',
          observed,
          `connected to ${hostPort(o.address, o.port)} but got no valid HTTP response`,
          o.latencyMs,
        );
      return judged('pass', 'reached', observed, `connected to ${hostPort(o.address, o.port)}`, o.latencyMs);
    case 'resolved':
      return judged('pass', 'resolved', observed, `resolved to ${o.addresses?.join(', ')}`, o.latencyMs);
    case 'refused':
      return judged(
        'fail',
        'path-open',
        observed,
        `${hostPort(o.address, o.port)} answered, but nothing listens on the port (connection refused)`,
        o.latencyMs,
      );
    case 'reset':
      return judged(
        'fail',
        'path-open',
        observed,
        `${hostPort(o.address, o.port)} accepted, then reset the connection`,
        o.latencyMs,
      );
    case 'timeout':
    case 'unreachable':
      return judged(
        'fail',
        'no-answer',
        observed,
        `${o.address ?? o.target}:${o.port ?? ''} did not answer (${o.outcome}${o.errorCode ? `, ${o.errorCode}` : ''})`.replace(
          ':)',
          ')',
        ),
        o.latencyMs,
      );
    case 'nxdomain':
    case 'resolved-elsewhere':
    case 'dns-timeout':
    case 'dns-error': {
      const failed = failClosed.controlFailed(control, { dns: true });
      if (failed)
        return judged(
          'inconclusive',
          failed.code,
          observed,
          `the name did not resolve, but ${failed.why}`,
          o.latencyMs,
        );
      return judged(
        'fail',
        'not-resolved',
        observed,
        nameReason(o) + (cell.namesForwarded ? `; ${forwardedTo(cell.namesForwarded)}` : ''),
        o.latencyMs,
      );
    }
    default:
      return judged(
        'inconclusive',
        'unclassified',
        observed,
        `the check failed in an unexpected way: ${o.detail ?? o.errorCode ?? 'unknown error'}`,
        o.latencyMs,
      );
  }
}

function judgeBlocked(
  cell: ReachCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'reach'>>,
): Judgement {
  // One success is a breach, whatever else was seen; a refused connection is one too: the host answered. Not for a
  // target in the host's network namespace: there the refusal is the host's own, at an address every container
  // reaches, saying only that nothing listens at that address (see below).
  const hostRefused = (o: Observation) => cell.hostNetwork === true && o.outcome === 'refused';
  const breaches = evidence.filter(
    (e) =>
      e.observation &&
      !hostRefused(e.observation) &&
      (isReached(e.observation.outcome) || (cell.target.kind === 'dns' && e.observation.outcome === 'resolved')),
  );
  if (breaches.length > 0) {
    const first = breaches[0]!.observation!;
    const list = breaches.map((b) => `${b.attempt.description}: ${describeObservation(b.observation!)}`).join('; ');
    // Blocked over IPv4 and open over IPv6: the engine isolates one family only (engines before 27 wrote no ip6tables).
    if (breaches.every((b) => b.attempt.family === 6)) {
      return judged(
        'fail',
        'reached-over-ipv6',
        describeObservation(first),
        `blocked over IPv4, but open over IPv6: ${list}`,
        first.latencyMs,
      );
    }
    const refusedOnly = breaches.every((b) => b.observation!.outcome === 'refused');
    if (refusedOnly)
      return judged(
        'fail',
        'path-open',
        describeObservation(first),
        `network path is open (the host answered, though nothing listens): ${list}`,
        first.latencyMs,
      );
    return judged(
      'fail',
      first.outcome === 'resolved' ? 'resolved' : 'reached',
      describeObservation(first),
      `reached: ${list}`,
      first.latencyMs,
    );
  }
  const missing = evidence.filter((e) => !e.observation);
  // Nothing listens at the gateway, but a service of the host may listen on another of the host's addresses, which
  // containers reach as well and which the engine does not list: not proof that it is unreachable.
  const refusedByHost = evidence.find((e) => e.observation && hostRefused(e.observation));
  if (refusedByHost && missing.length === 0) {
    return judged(
      'inconclusive',
      'target-in-host-network',
      describeObservation(refusedByHost.observation!),
      `${refusedByHost.attempt.description}: refused, so nothing listens at that address; it may listen on another of the host's addresses, which containers reach too and the engine does not list (a timeout there would have been the host's firewall)`,
    );
  }
  if (missing.length > 0)
    return unproven(judged, failClosed.unfinished(missing.map((m) => m.attempt.description).join(', '), result));
  const unclassified = evidence.find(
    (e) => !NAME_BLOCKED.has(e.observation!.outcome) && !PATH_BLOCKED.has(e.observation!.outcome),
  );
  if (unclassified) {
    return judged(
      'inconclusive',
      'unclassified',
      describeObservation(unclassified.observation!),
      `${unclassified.attempt.description} failed in an unexpected way: ${unclassified.observation!.detail ?? unclassified.observation!.errorCode ?? 'unknown'}`,
    );
  }
  const byName = evidence.filter((e) => NAME_BLOCKED.has(e.observation!.outcome));
  const byPath = evidence.filter((e) => PATH_BLOCKED.has(e.observation!.outcome));
  const six = evidence.filter((e) => e.attempt.family === 6);
  const failed = failClosed.controlFailed(control, {
    dns: byName.length > 0,
    reach: byPath.some((e) => e.attempt.family === 4),
    reach6: six.length > 0,
  });
  if (failed) {
    const [silent, what] =
      failed.failed === 'dns'
        ? [byName[0]!, 'the name did not resolve']
        : failed.failed === 'reach'
          ? [byPath[0]!, 'no answer']
          : [six[0]!, 'blocked over IPv4'];
    return judged('inconclusive', failed.code, describeObservation(silent.observation!), `${what}, but ${failed.why}`);
  }
  const nameEvidence = evidence[0]!;
  const observed =
    describeObservation(nameEvidence.observation!) + (evidence.length > 1 ? ` +${evidence.length - 1} addr` : '');
  const parts = evidence.map(
    (e) =>
      `${e.attempt.description}: ${NAME_BLOCKED.has(e.observation!.outcome) ? `blocked by name (${describeObservation(e.observation!)}${e.observation!.errorCode === 'DP_DNS_FORWARDED' ? `; ${STUB_FORWARDED}` : ''})` : describeObservation(e.observation!)}`,
  );
  const slowest = evidence.reduce((max, e) => Math.max(max, e.observation!.latencyMs), 0);
  // Blocked all the same: the name does not resolve on the network. Where the source's DNS forwards what it does not
  // know, the name was asked upstream too, and the verdict says so.
  const forwarded = byName.length > 0 && cell.namesForwarded ? `; ${forwardedTo(cell.namesForwarded)}` : '';
  return judged(
    'pass',
    byPath.length > 0 ? 'blocked' : forwarded ? 'name-forwarded-upstream' : 'blocked-by-name',
    observed,
    `blocked: ${parts.join('; ')}${forwarded}`,
    slowest,
  );
}

/** What a blocked verdict adds where the probe's own stub resolver was asked the name (DP_DNS_FORWARDED). */
const STUB_FORWARDED = "no record here: forwarded upstream to the probe's own stub resolver, sent nowhere";

/** What a verdict adds where the source's DNS forwards a name it does not know to resolvers upstream. */
function forwardedTo(where: string): string {
  return `the name was forwarded upstream: ${where}`;
}

/**
 * An answer that began (status and headers came: small packets pass) and did not arrive whole. Stalled across an
 * overlay, that is the signature of an MTU black hole: frames larger than the nodes' path are dropped without the
 * "fragmentation needed" that would shrink them, so every full-size segment of the body is lost.
 */
function incompleteAnswer(
  cell: ReachCell,
  o: Observation,
  bytes: number,
  judged: MakeJudgement<CodeOf<'reach'>>,
): Judgement {
  const got = `HTTP ${o.status} and ${o.bytes ?? 0} of ${bytes} bytes`;
  const path = cell.path;
  if (o.errorCode === 'DP_BODY_STALLED' && path) {
    const overlays = path.overlays
      .map((n) =>
        n.mtu !== undefined
          ? `${n.name} (MTU option ${n.mtu}: containers get ${n.mtu - 50})`
          : `${n.name} (no MTU option: containers get 1450, frames of 1500 on the nodes' network)`,
      )
      .join(', ');
    return judged(
      'fail',
      'mtu-black-hole',
      `${got}, then stalled`,
      `${got}, then nothing: small packets pass and full-size ones are lost on the way from ${path.from} to ${path.to.join(', ')} over ${overlays}. An MTU black hole: set com.docker.network.driver.mtu on the overlay to the MTU of the path between the nodes (containers get it minus 50)`,
      o.latencyMs,
    );
  }
  return judged(
    'fail',
    'answer-incomplete',
    `${got}`,
    o.detail ?? `${got}: the answer did not arrive whole`,
    o.latencyMs,
  );
}
