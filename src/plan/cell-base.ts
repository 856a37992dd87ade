import type { Expectation } from '../scenario/scenario.js';
import type { Placement } from './plan.js';

/**
 * The fields every kind of cell starts with. A probe that joined a service's container rests on that container: if
 * it changes during the run, nothing the probe saw from it counts (see Cell.touches).
 */
export function cellBase(expectation: Expectation, targetLabel: string, probe: { key: string; label: string; placement?: Placement }) {
  const joined = probe.placement?.kind === 'container' ? [probe.placement.container.id] : [];
  return { id: `${expectation.index}/${probe.key}/${targetLabel}`, expectation, targetLabel, probeKey: probe.key, source: probe.label, attempts: [], touches: joined, precondition: undefined };
}
