import type { DrillCell, ProbeSpec } from '../plan/plan.js';

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
