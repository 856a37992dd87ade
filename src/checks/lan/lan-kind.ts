import type { CheckKind } from '../check-kind.js';
import { judgeLanCell } from './judge-lan-cell.js';
import { LAN_CODES } from './lan-cell.js';
import { planLanCell } from './plan-lan-cell.js';

/**
 * LAN: a neighbour on the host's LAN trying a service's port, at its containers' addresses and the host's published
 * ports. Names do not resolve on the LAN, and the internet or an outside host is no part of what it proves: a LAN
 * source takes a service's port only (plan/cell-kind.ts refuses the rest).
 */
export const lanKind = {
  kind: 'lan',
  proves:
    "a LAN neighbour (a network namespace on the host, joined by a veth pair, routing the bridges' subnets through the host) → a service's container addresses and the ports the host publishes on all interfaces",
  codes: LAN_CODES,
  fromTarget: {
    takes: (placement, target) =>
      placement === 'lan' && target.kind !== 'internet' && target.kind !== 'dns' && target.host.kind === 'service'
        ? target
        : undefined,
    plan: (expectation, target, probe, topology) =>
      planLanCell(expectation, target, probe, topology, expectation.timeoutMs),
    unplannable: (base, target) => ({ kind: 'lan', ...base, target, bindings: [] }),
  },
  judge: (cell, seen, judged) => judgeLanCell(cell, seen.evidence, seen.control, seen.result, judged),
} satisfies CheckKind<'lan'>;
