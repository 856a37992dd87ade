import type { Observation, Outcome } from '../../probes/agent/protocol.js';
import { hostPort } from '../plan/checks.js';

// Outcomes that say "the name did not resolve here". They count as blocked only when the DNS control passed:
// a silent DNS server cannot tell a missing name from an unanswered query.
export const NAME_BLOCKED: ReadonlySet<Outcome> = new Set([
  'nxdomain',
  'resolved-elsewhere',
  'dns-timeout',
  'dns-error',
]);
// Outcomes that say "no packet came back". They count as blocked only when the reach control passed.
export const PATH_BLOCKED: ReadonlySet<Outcome> = new Set(['timeout', 'unreachable']);

/** Why a name did not resolve, in the terms of the engine that answered. */
export function nameReason(o: Observation): string {
  // The probe's own stub resolver was asked the name: the network's DNS forwarded it, holding no record of it.
  if (o.errorCode === 'DP_DNS_FORWARDED' && o.outcome !== 'resolved-elsewhere')
    return "the network's DNS holds no record of it and forwarded it upstream, to the probe's own stub resolver, which sent it nowhere: it does not resolve on this network";
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
      return o.address ? `${o.outcome} ${hostPort(o.address, o.port)}` : o.outcome;
    case 'unreachable':
      return `${o.address ? `${o.outcome} ${hostPort(o.address, o.port)}` : o.outcome}${o.kind === 'udp' && o.errorCode ? ` (${o.errorCode})` : ''}`;
    // A udp check's: `udp-answer 172.20.0.4:514 (12 bytes)`, `udp-port-unreachable 172.20.0.4:33434`, `udp-silent
    // 172.20.0.4:514 x2` (the tries it was sent).
    case 'udp-answer':
      return (
        `${o.outcome} ${hostPort(o.address, o.port)}`.trim() + (o.bytes !== undefined ? ` (${o.bytes} bytes)` : '')
      );
    case 'udp-port-unreachable':
      return `${o.outcome} ${hostPort(o.address, o.port)}`.trim();
    case 'udp-silent':
      return `${o.outcome} ${hostPort(o.address, o.port)}`.trim() + (o.tries !== undefined ? ` x${o.tries}` : '');
    default:
      return o.outcome;
  }
}
