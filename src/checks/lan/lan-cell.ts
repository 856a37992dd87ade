import type { HttpTarget, TcpTarget } from '../../scenario/scenario.js';
import type { ExpectedCell } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/**
 * A neighbour on the host's LAN trying a service: at each of its containers' addresses on this host's bridge networks
 * (routed through the host, as a machine beside it would), and at the host's address on the ports published on all
 * interfaces. What answers is what an attacker on the LAN reaches.
 */
export interface LanCell extends ExpectedCell {
  kind: 'lan';
  target: TcpTarget | HttpTarget;
  /** How the target port is published (`127.0.0.1:32768`, `0.0.0.0:8080`); empty when it is not: a direct hit says which. */
  bindings: string[];
}

/** The codes a lan cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const LAN_CODES = {
  'lan-reached-container': {
    path: 'open',
    meaning:
      "from the LAN (a neighbour routing the containers' subnets through the host), the container answered at its own address, straight through the host's forwarding: whatever the port's binding, e.g. published only on 127.0.0.1 on engines before 28.0 (moby/moby#45610)",
  },
  'lan-reached-published': {
    path: 'open',
    meaning: "from the LAN, the port answered at the host's address: it is published on all interfaces",
  },
} as const satisfies CodeTable;
