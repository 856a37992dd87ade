import type { ProbePlan } from '../../probes/agent/protocol.js';
import type { Expectation, TargetRef } from '../scenario/scenario.js';
import type { TopologyNetwork } from '../topology/topology.js';

/** One way a cell's target is tried. */
export interface Attempt {
  checkId: string;
  /** `name`: through DNS, as an application would; `address`: straight to one of the target's IPs. */
  via: 'name' | 'address';
  /** For reports: `redis:6379 by name`, `172.20.0.4:6379 (redis-1 on internal-backend)`. */
  description: string;
}

/** One (expectation, target) pair: the unit a verdict is given for. */
export interface Cell {
  /** Stable within the run: `<expectation index>/<target label>`. */
  id: string;
  expectation: Expectation;
  target: TargetRef;
  /** The target as shown in reports (with the port filled in when the file left it out). */
  targetLabel: string;
  /** The probe whose observations decide this cell. */
  probeKey: string;
  attempts: Attempt[];
  /** Why this cell cannot be decided whatever the probe sees (e.g. the target has no running container). */
  precondition: string | undefined;
}

/** The checks that prove a probe could have seen something, before any "blocked" from it counts. */
export interface Controls {
  /** Resolves the probe's own name: proves the DNS server answers. */
  dnsCheckId: string;
  /** Connections to peers on the source network: proves the probe reaches something (open or refused both do). */
  reachCheckIds: string[];
}

/** One probe container: where it runs and what it does. */
export interface ProbeSpec {
  /** Unique within the plan, e.g. `network:dockprobe-ref/public-facing`. */
  key: string;
  /** For reports: `network public-facing`. */
  label: string;
  /** The container's name, also the name its DNS control resolves. */
  containerName: string;
  network: TopologyNetwork;
  plan: ProbePlan;
  controls: Controls;
}

/** Scenario × Topology: every probe and every cell of one run. */
export interface Plan {
  runId: string;
  probes: ProbeSpec[];
  cells: Cell[];
}
