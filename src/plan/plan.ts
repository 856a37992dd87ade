import type { ProbePlan } from '../../probes/agent/protocol.js';
import type { Cell } from '../checks/cells.js';
import type { TopologyNetwork } from '../topology/topology.js';
import type { OwnPeerPlan } from './own-control-peer.js';
import type { Placement } from './placement.js';

// Where the types a plan is made of live: a cell's kind in its folder (checks/<kind>/), the Cell union of every kind
// in checks/cells.ts, the fields every cell has in checks/cell-base.ts, where a probe runs in placement.ts.
export type { Cell, DrillCell } from '../checks/cells.js';
export type { Attempt } from '../checks/cell-base.js';
export type { LanPlacement, Placement } from './placement.js';

/** The checks that prove a probe could have seen something, before any "blocked" from it counts. */
export interface Controls {
  /** Resolves a name the DNS server must know (the probe's own, or the joined container's); undefined on the host. */
  dnsCheckId: string | undefined;
  /** Connections to peers on the source networks: open or refused both prove the probe reaches something. */
  reachCheckIds: string[];
  /** The same over IPv6, planned only when a cell tries a target over IPv6. */
  reach6CheckIds: string[];
  /** Who each reach control tries, by check id, when it is a running container of the deployment. */
  peers?: Record<string, { service: string; container: string }>;
  /**
   * For a source with no running peer to reach: a control peer of dockprobe's own on one of its networks (and the
   * checks among `reachCheckIds` and `reach6CheckIds` that try it), or why none can be given.
   */
  ownPeer?: OwnPeerPlan;
}

/** One probe: where it runs and what it does. */
export interface ProbeSpec {
  /** Unique within the plan, e.g. `network:dockprobe-ref/public-facing`. */
  key: string;
  /** For reports: `network public-facing`, `service frontend (ref_frontend_1)`, `host`. */
  label: string;
  /** The probe container's name (its DNS control resolves it for network probes); `host` for the host. */
  containerName: string;
  placement: Placement;
  /** The networks the probe sits on, for its controls and to name the network egress goes through. */
  networks: TopologyNetwork[];
  /** Whether unknown names go to an upstream that never answers (see ISOLATED_DNS_UPSTREAM) or the engine's own. */
  dnsUpstream: 'isolated' | 'inherit';
  plan: ProbePlan;
  controls: Controls;
}

/** Scenario × Topology: every probe and every cell of one run. */
export interface Plan {
  runId: string;
  probes: ProbeSpec[];
  cells: Cell[];
}
