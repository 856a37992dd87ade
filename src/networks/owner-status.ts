import { COMPOSE_PROJECT, STACK_NAMESPACE } from '../docker/labels.js';
import { ownerOf } from '../cleanup/cleanup-leftovers.js';
import { describeOwner } from './network-owner.js';
import type { NetworkFacts, NetworkOwner, OwnerStatus } from './networks.js';

/**
 * Whether a network's owner still exists:
 * - a Compose project, while any container (running or not) carries its label: `compose down` removes them all;
 * - a stack, while a manager lists a service of it. A worker sees only its own containers: a running one proves the
 *   stack alive, and none proves nothing. Outside a swarm no stack can exist;
 * - a dockprobe run, as `dockprobe cleanup` judges it: started on this host by a process that no longer runs.
 */
export function ownerStatus(owner: NetworkOwner, labels: Record<string, string>, facts: NetworkFacts): OwnerStatus {
  const who = describeOwner(owner);
  switch (owner.kind) {
    case 'compose-project': {
      const left = facts.containers.filter((c) => c.labels[COMPOSE_PROJECT] === owner.name);
      return left.length > 0
        ? { status: 'alive', why: `${who} still has ${left.length} container(s)` }
        : { status: 'gone', why: `${who} has no container left` };
    }
    case 'swarm-stack': {
      if (!facts.engine.swarm) return { status: 'gone', why: `this engine is in no swarm, so ${who} cannot run here` };
      if (facts.manager) {
        const left = facts.services.filter((s) => s.stack === owner.name);
        return left.length > 0
          ? { status: 'alive', why: `${who} still has ${left.length} service(s)` }
          : { status: 'gone', why: `${who} has no service left` };
      }
      const running = facts.containers.filter((c) => c.labels[STACK_NAMESPACE] === owner.name && c.running);
      if (running.length > 0) return { status: 'alive', why: `${who} still runs ${running.length} container(s) here` };
      return {
        status: 'undetermined',
        why: `this engine is a swarm worker: only a manager knows whether ${who} still has services (run dockprobe against a manager)`,
      };
    }
    case 'dockprobe-run': {
      const run = ownerOf(labels);
      return {
        status: run.status === 'gone' ? 'gone' : run.status === 'alive' ? 'alive' : 'undetermined',
        why: run.why,
      };
    }
  }
}
