import type { ListedCell } from '../cell-base.js';
import type { PortKind } from './common-ports.js';
import type { CodeTable } from '../code-table.js';

/** A drill's TCP connection to one address and port: a container's address on one of its networks, or the host's. */
export interface PortCell extends ListedCell {
  kind: 'port';
  /** `container`: an address of a container; `host`: the host at the source network's gateway; `published`: a port
   * a container publishes on the host, tried at that gateway. */
  via: 'container' | 'host' | 'published';
  address: string;
  port: number;
  /** The network the address is on, as reports name it. */
  network: string;
  /** What usually listens on the port (for a published port: on the container port behind it). */
  risk: { kind: PortKind; name: string | undefined };
  /** For a published port: the container port behind it and how it is bound on the host. */
  published?: { container: string; port: number; binding: string; allInterfaces: boolean } | undefined;
}

/** The codes a port cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const PORT_CODES = {
  'silent-port-host-answered': {
    path: 'unknown',
    meaning:
      "(drill) a container's port did not answer, but the same address answered the same probe on another port: the path is open, and the silence is the listener's (a full backlog under load) or a filter on that port alone, never counted as blocked",
  },
} as const satisfies CodeTable;
