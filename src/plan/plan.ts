import type { ProbePlan } from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-runtime.js';
import type { Expectation, TargetRef } from '../scenario/scenario.js';
import type { TopologyNetwork } from '../topology/topology.js';

/** One way a cell's target is tried. */
export interface Attempt {
  checkId: string;
  /** `name`: through DNS, as an application would; `address`: straight to an IP; `published`: a host port. */
  via: 'name' | 'address' | 'published';
  /** For reports: `redis:6379 by name`, `172.20.0.4:6379 (redis-1 on internal-backend)`. */
  description: string;
}

/** One (expectation, source probe, target) triple: the unit a verdict is given for. */
export interface Cell {
  /** Stable within the run: `<expectation index>/<probe key>/<target label>`. */
  id: string;
  expectation: Expectation;
  target: TargetRef;
  /** The target as shown in reports (with the port filled in when the file left it out). */
  targetLabel: string;
  /** The probe whose observations decide this cell. */
  probeKey: string;
  /** The source as reports name it (the probe's label). */
  source: string;
  attempts: Attempt[];
  /** Why this cell cannot be decided whatever the probe sees (e.g. the target has no running container). */
  precondition: string | undefined;
  /**
   * Facts from the engine that decide a cell without any traffic: a port that is not published, or a published port
   * Docker dropped because the service is only on internal networks. Set only when there is nothing to try.
   */
  fact: { kind: 'not published' | 'dropped by Docker'; detail: string } | undefined;
  /** For host cells: how each port is bound (`all interfaces`, `127.0.0.1 only`). */
  binding: string | undefined;
}

/** The checks that prove a probe could have seen something, before any "blocked" from it counts. */
export interface Controls {
  /** Resolves a name the DNS server must know (the probe's own, or the joined container's); undefined on the host. */
  dnsCheckId: string | undefined;
  /** Connections to peers on the source networks: open or refused both prove the probe reaches something. */
  reachCheckIds: string[];
}

/** Where a probe runs. */
export type Placement =
  | { kind: 'network'; network: TopologyNetwork }
  | { kind: 'container'; container: ContainerInfo; service: string }
  | { kind: 'host' };

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
