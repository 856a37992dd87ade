import type { HttpTarget, TcpTarget } from '../../scenario/scenario.js';
import type { ExpectedCell } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/** The host knocking on a service's published port: decided by the engine's bindings and by whether they answer. */
export interface PublishedCell extends ExpectedCell {
  kind: 'published';
  target: TcpTarget | HttpTarget;
  /** How the port is bound (`all interfaces (0.0.0.0:32768)`, `127.0.0.1:32769 only`); undefined when it is not. */
  binding: string | undefined;
  /** Whether any binding is on all interfaces: anyone who reaches the host reaches the port. */
  allInterfaces: boolean;
  /**
   * Facts from the engine that decide the cell without any traffic: the port is not published, or Docker dropped a
   * published port because the service is only on internal networks. Set only when there is nothing to try.
   */
  fact: { kind: 'not published' | 'dropped by Docker'; detail: string } | undefined;
  /**
   * Set when the port is bound on the host although every container it is bound for is only on internal networks
   * (Podman keeps such a binding; Docker drops it): which containers, and on which networks. `internal: true` does not
   * keep the host from the port there, which the verdict says beside the binding.
   */
  internalOnly?: string | undefined;
}

/** The codes a published cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const PUBLISHED_CODES = {
  'published-all-interfaces': { path: 'open', meaning: 'the port is published on all interfaces of the host' },
  'published-on-address': { path: 'open', meaning: 'the port is published on specific host addresses only' },
  'not-published': { path: 'closed', meaning: 'the port is not published on the host' },
  'dropped-by-docker': {
    path: 'closed',
    meaning: 'the port is configured to be published, but Docker dropped it: the service is only on internal networks',
  },
} as const satisfies CodeTable;
