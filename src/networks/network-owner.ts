import { COMPOSE_PROJECT, LABEL_RUN, STACK_NAMESPACE } from '../docker/labels.js';
import type { NetworkOwner } from './networks.js';

/**
 * Every owner a network's labels name, the one it is reported under first. A dockprobe run comes first: the demo's
 * and the tests' networks carry Compose's (or a stack's) labels too, and the run brought them up. A network with no
 * such label (made by hand, or the engine's own) has no owner dockprobe can judge.
 */
export function networkOwners(labels: Record<string, string>): NetworkOwner[] {
  return [
    ...(labels[LABEL_RUN] ? [{ kind: 'dockprobe-run' as const, name: labels[LABEL_RUN] }] : []),
    ...(labels[COMPOSE_PROJECT] ? [{ kind: 'compose-project' as const, name: labels[COMPOSE_PROJECT] }] : []),
    ...(labels[STACK_NAMESPACE] ? [{ kind: 'swarm-stack' as const, name: labels[STACK_NAMESPACE] }] : []),
  ];
}

/** The owner a network is reported under: the first of {@link networkOwners}. */
export function networkOwner(labels: Record<string, string>): NetworkOwner | undefined {
  return networkOwners(labels)[0];
}

/** `Compose project shop`, `stack glasck`, `dockprobe run 1a2b3c4d`. */
export function describeOwner(owner: NetworkOwner): string {
  return owner.kind === 'compose-project'
    ? `Compose project ${owner.name}`
    : owner.kind === 'swarm-stack'
      ? `stack ${owner.name}`
      : `dockprobe run ${owner.name}`;
}
