import type { Attempt, ProbeSpec } from '../plan/plan.js';
import type { PortKind } from './common-ports.js';

/**
 * What every drill cell has: one target tried from one probe. A drill has no expectation: its cells are judged as
 * reached, path open, blocked or inconclusive, never pass or fail.
 */
export interface DrillCellBase {
  /** Unique within the drill: `<probe key>/<target>`. */
  id: string;
  /** The probe whose observations decide it, and that probe's label (`service proxy`, `network public-facing`). */
  probeKey: string;
  source: string;
  /**
   * The target by names only (`postgres:5432 on internal-backend`, `host:2375 via public-facing`, `dns:postgres`,
   * `internet`): the same from run to run and between two deployments of the same files, so a baseline can key on it.
   */
  target: string;
  /** What the target belongs to, for the matrix: a service (or a container run by hand), `host` or `internet`. */
  endpoint: string;
  attempts: Attempt[];
  /** The containers the result rests on (the joined source, the target): a change during the run voids a "blocked". */
  touches: string[];
}

/** A TCP connection to one address and port: a container's address on one of its networks, or the host's gateway. */
export interface DrillPortCell extends DrillCellBase {
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

/** A service's name looked up through the source's DNS: whether it resolves there to the service's addresses. */
export interface DrillNameCell extends DrillCellBase {
  kind: 'name';
  name: string;
}

/** The internet list: egress is open if any entry answers. */
export interface DrillEgressCell extends DrillCellBase {
  kind: 'egress';
}

/**
 * A drill cell, by kind. The planner (plan-drill-cells.ts) and the judge (judge-drill-cell.ts) switch on `kind` and
 * end in an exhaustiveness check: a kind added here without its planner and its judgement does not compile.
 */
export type DrillCell = DrillPortCell | DrillNameCell | DrillEgressCell;

/** A source the drill could not probe from, and why (no running container, a network no container can join). */
export interface UnprobedSource {
  source: string;
  code: 'source-not-running' | 'probe-failed';
  reason: string;
}

/** Every probe and cell of one drill, and the sources left out. */
export interface DrillPlan {
  runId: string;
  probes: ProbeSpec[];
  cells: DrillCell[];
  unprobed: UnprobedSource[];
  /** What was tried, for the header: counts of targets, and the ports each address was tried on. */
  tried: DrillTried;
}

/** The size of a drill, printed with its bounds. */
export interface DrillTried {
  /** Running containers knocked on (the sources' own excluded), and their addresses. */
  containers: number;
  addresses: number;
  /** The port list tried at every address besides each container's exposed ports. */
  ports: number[];
  names: number;
  /** Gateways of the sources' networks the host was tried at. */
  gateways: number;
  published: number;
  internet: number;
  /** Containers with no address of their own (network_mode host, container:…, none): not tried, named here. */
  noAddress: string[];
  /** Checks of the busiest probe, and of all probes together. */
  checksPerProbe: number;
  checks: number;
}
