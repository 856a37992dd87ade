import type { Placement } from '../plan/plan.js';
import type { ProbeSummary } from '../run-result.js';
import type { Round } from './round.js';

/** Every probe of a round, as reports show it; `round` numbers them under --repeat (each round has probes of its own). */
export function summariseProbes(judged: Pick<Round, 'plan' | 'results' | 'controls'>, round?: number): ProbeSummary[] {
  const results = new Map(judged.results.map((r) => [r.probeKey, r]));
  const controls = new Map(judged.controls.map((c) => [c.probeKey, c]));
  return judged.plan.probes.map((spec) => {
    const r = results.get(spec.key)!;
    return {
      key: spec.key,
      label: spec.label,
      ...(round !== undefined ? { round } : {}),
      container: spec.containerName,
      containerId: r.containerId,
      network: probeNetwork(spec.placement),
      status: r.status,
      error: r.error,
      errorCode: r.errorCode,
      control: controls.get(spec.key)!,
      interfaces: r.interfaces,
      defaultRoute: r.defaultRoute,
      checks: spec.plan.checks.length,
      durationMs: r.durationMs,
    };
  });
}

// Where a probe ran, for the probe summary: a network, a joined container, or a job's networks and node.
function probeNetwork(placement: Placement): string {
  switch (placement.kind) {
    case 'host':
      return 'host';
    case 'lan':
      return `lan neighbour ${placement.neighbour} via ${placement.host}`;
    case 'network':
      return placement.network.name;
    case 'container':
      return `container:${placement.container.name}`;
    case 'job':
      return `job on node ${placement.node.hostname}: ${placement.network ? placement.network.name : `the networks of task ${placement.task.name}`}`;
  }
}
