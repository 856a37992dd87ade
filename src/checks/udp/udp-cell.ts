import type { UdpTarget } from '../../scenario/scenario.js';
import type { CellBase } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/**
 * A source sending UDP datagrams to one port of a host: a service (by name and, where it must stay blocked, at every
 * address) or an outside address; from the host, a service's port where the engine published it for UDP. Silence
 * never counts by itself: the address is asked too, at reference ports the target does not expose.
 */
export interface UdpCell extends CellBase {
  kind: 'udp';
  /** The scenario's target; undefined in a drill, which names its target by `address` and `port`. */
  target: UdpTarget | undefined;
  port: number;
  /** The attempts at the reference ports (their check ids): an ICMP port unreachable there proves the address. */
  references: string[];
  /** The probe's UDP control, per family: checks toward its peers that must draw an answer or an ICMP error. */
  controls: { 4: string[]; 6: string[] };
  /**
   * From the host: how the port is published for UDP (`all interfaces (0.0.0.0:5514)`), or the engine's fact that it
   * is not (nothing is then tried). Undefined from any other source.
   */
  published?: { binding: string | undefined; fact: string | undefined } | undefined;
  /** Where the source's DNS forwards a name it holds no record of (ProbeBuilder.unknownNamesForwarded), when tried by name. */
  namesForwarded?: string | undefined;
  /** In a drill: what the target belongs to, and where it was tried. */
  endpoint?: string;
  address?: string;
  network?: string;
}

/** A drill's udp cell: no expectation, one address and port. */
export type DrillUdpCell = UdpCell & { expectation: undefined; endpoint: string; address: string; network: string };

/** The codes a udp cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const UDP_CODES = {
  'udp-host-reached': {
    path: 'open',
    meaning:
      "the UDP port stayed silent, but the target's address answered an ICMP port unreachable at a reference port: the address takes UDP from this source (Docker isolates by address, not by port), so the path is open and the port's listener is one that never answers, or the port alone is filtered",
  },
  'udp-silent': {
    path: 'unknown',
    meaning:
      'the UDP port and the reference ports of its address stayed silent on every try, each tried again at least 1 s later: a listener that never answers and a filter look alike, so silence alone proves neither reachable nor blocked',
  },
  'udp-control-failed': {
    path: 'unknown',
    meaning:
      "every UDP attempt stayed silent, but the probe's UDP control did not draw an answer or an ICMP port unreachable from a peer in every run: its silence proves nothing",
  },
  'udp-published': {
    path: 'open',
    meaning: 'from the host: the UDP port is published on the host (whether or not it answers now)',
  },
  'udp-published-silent': {
    path: 'unknown',
    meaning:
      'from the host: the published UDP port gave no application answer; docker-proxy swallows ICMP, so a closed port and a listener that never answers look alike: a published UDP port is reached only by an answer',
  },
  'udp-not-published': {
    path: 'closed',
    meaning:
      'from the host: the UDP port is not published on the host, or Docker dropped it (the service is only on internal networks)',
  },
} as const satisfies CodeTable;
