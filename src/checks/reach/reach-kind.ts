import type { CheckKind } from '../check-kind.js';
import { judgeReachCell } from './judge-reach-cell.js';
import { planReachCell } from './plan-reach-cell.js';
import { REACH_CODES } from './reach-cell.js';

/**
 * Reach: a network or a service (or the host, for an outside host) trying one host, by name and, where it must stay
 * blocked, by every address. Every pair from a network, a service or a swarm job but the internet list; from the
 * host, an outside host (a service's port from the host is published's).
 */
export const reachKind = {
  kind: 'reach',
  proves:
    'a network or a service (or the host, for an outside host) → a host, by name and, when it must stay blocked, by every address',
  codes: REACH_CODES,
  fromTarget: {
    takes: (placement, target) => {
      if (target.kind === 'internet' || placement === 'lan') return undefined;
      if (placement === 'host') return target.kind !== 'dns' && target.host.kind !== 'service' ? target : undefined;
      return target;
    },
    plan: (expectation, target, probe, topology) =>
      planReachCell(expectation, target, probe, topology, {
        timeoutMs: expectation.timeoutMs,
        // Retries only where reachable is expected, and none from the host.
        retries: expectation.reachable && probe.placement.kind !== 'host' ? expectation.retries : 0,
      }),
    unplannable: (base, target) => ({ kind: 'reach', ...base, target, noEmbeddedDns: undefined }),
  },
  judge: (cell, seen, judged) => judgeReachCell(cell, seen.evidence, seen.control, seen.result, judged),
} satisfies CheckKind<'reach'>;
