import { COMPOSE_PROJECT, LABEL_RUN, STACK_NAMESPACE } from '../docker/labels.js';
import type { NetworkOwner } from './networks.js';

/**
 * What made a network, by its labels. A dockprobe run comes first: the demo's networks carry Compose's labels too,
 * and their owner is the run that brought them up. A network with no such label (made by hand, or the engine's own)
 * has no owner dockprobe can judge.
 */
export function networkOwner(labels: Record<string, string>): NetworkOwner | undefined {
  if (labels[LABEL_RUN]) return { kind: 'dockprobe-run', name: labels[LABEL_RUN] };
  if (labels[COMPOSE_PROJECT]) return { kind: 'compose-project', name: labels[COMPOSE_PROJECT] };
  if (labels[STACK_NAMESPACE]) return { kind: 'swarm-stack', name: labels[STACK_NAMESPACE] };
  return undefined;
}

/** `Compose project shop`, `stack glasck`, `dockprobe run 1a2b3c4d`. */
export function describeOwner(owner: NetworkOwner): string {
  return owner.kind === 'compose-project' ? `Compose project ${owner.name}` : owner.kind === 'swarm-stack' ? `stack ${owner.name}` : `dockprobe run ${owner.name}`;
}
