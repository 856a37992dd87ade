import type { CheckKind } from '../check-kind.js';
import { RISK_RANK } from '../port/common-ports.js';
import { decideUdpCell, judgeUdpCell } from './judge-udp-cell.js';
import { emptyUdpCell, planPublishedUdpCell, planUdpCell } from './plan-udp-cell.js';
import { planDrillUdpCells, type UdpDrillTarget } from './plan-drill-udp-cells.js';
import { UDP_CODES } from './udp-cell.js';

/**
 * UDP: a source sending datagrams to one port of a host (`udp://SERVICE:PORT`, `udp://ADDRESS:PORT`), and a drill's
 * `--udp-ports` at every address. An answer is reached, an ICMP port unreachable the host answering; silence never
 * counts by itself, so the address is asked at two reference ports too. From a network, a service or a swarm job any
 * udp target; from the host, a service's port where the engine published it for UDP.
 */
export const udpKind = {
  kind: 'udp',
  proves:
    'a network or a service → a UDP port of a host, by name and, when it must stay blocked, at every address, each with two reference ports; the host → a service port published for UDP',
  codes: UDP_CODES,
  fromTarget: {
    takes: (placement, target) => {
      if (target.kind !== 'udp' || placement === 'lan') return undefined;
      if (placement === 'host') return target.host.kind === 'service' ? target : undefined;
      return target;
    },
    plan: (expectation, target, probe, topology) => {
      const step = {
        timeoutMs: expectation.timeoutMs,
        retries: expectation.reachable && probe.placement.kind !== 'host' ? expectation.retries : 0,
      };
      return probe.placement.kind === 'host'
        ? planPublishedUdpCell(expectation, target, probe, topology, step)
        : planUdpCell(expectation, target, probe, topology, step);
    },
    unplannable: (base, target) => emptyUdpCell(base, target),
  },
  listed: {
    plan: (plan, { to }) => planDrillUdpCells(plan, to),
    risk: () => ({ kind: 'other', rank: RISK_RANK.other }),
    transientBreach: true,
  },
  decide: (cell, _seen, judged) => decideUdpCell(cell, judged),
  judge: (cell, seen, judged) => judgeUdpCell(cell, seen.evidence, seen.control, seen.result, judged),
} satisfies CheckKind<'udp', { to: UdpDrillTarget }>;
