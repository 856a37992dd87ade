import type { Engine } from '../docker/engine.js';
import type { NetworkInfo } from '../docker/network-client.js';
import { short } from '../docker/short-id.js';
import { NetworkInUseError } from '../errors/network-in-use-error.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import { swarmPlumbing } from '../topology/topology.js';
import { freeSteps } from './free-steps.js';
import { describeHolder, networkHolders } from './network-holders.js';
import { networkOwners } from './network-owner.js';
import type { NetworkFacts, NetworkRemoval, StaleNetwork } from './networks.js';
import { inspectInto } from './read-network-facts.js';

/** Which networks to remove. */
export interface RemovalRequest {
  /** Networks the user named (`--remove NAME…`), by name or id: any network nothing holds, after confirmation. */
  names: readonly string[];
  /** dockprobe's own networks whose run is provably gone (`--remove-own`): no question asked, as `cleanup` does. */
  own: boolean;
}

/** Networks the engine itself needs: never dockprobe's to remove. */
const SYSTEM = new Set(['bridge', 'host', 'none']);

/**
 * Removes what was asked, and only what nothing holds: a network in use, or one stopped containers still name (they
 * would fail on their next start), is refused with what holds it and the commands that free it. A network the user
 * named is removed after `confirm` says yes. Every name is checked before anything is removed: an unknown one is a
 * usage error listing the networks that exist.
 */
export async function removeNetworks(
  runtime: Pick<Engine, 'networks'>,
  facts: NetworkFacts,
  stale: readonly StaleNetwork[],
  request: RemovalRequest,
  confirm: (question: string) => Promise<boolean>,
): Promise<NetworkRemoval[]> {
  const named = request.names.map((name) => {
    const found =
      facts.networks.find((n) => n.name === name || n.id === name) ??
      facts.networks.find((n) => name.length >= 12 && n.id.startsWith(name));
    if (!found) throw new UnknownNameError('network', name, facts.networks.map((n) => n.name).sort(), 'to remove');
    return found;
  });
  const own = request.own
    ? stale.filter((s) => s.owner.kind === 'dockprobe-run').map((s) => facts.networks.find((n) => n.id === s.id)!)
    : [];
  const targets = [...new Map([...named, ...own].map((n) => [n.id, n])).values()];
  const removals: NetworkRemoval[] = [];
  for (const network of targets) {
    removals.push(await removeOne(runtime, facts, stale, network, named.includes(network), confirm));
  }
  return removals;
}

async function removeOne(
  runtime: Pick<Engine, 'networks'>,
  facts: NetworkFacts,
  stale: readonly StaleNetwork[],
  network: NetworkInfo,
  ask: boolean,
  confirm: (question: string) => Promise<boolean>,
): Promise<NetworkRemoval> {
  const outcome = (status: NetworkRemoval['status'], reason?: string): NetworkRemoval => ({
    network: network.name,
    id: network.id,
    status,
    reason,
  });
  const plumbing = swarmPlumbing(network);
  if (SYSTEM.has(network.name) || plumbing || network.driver === 'host' || network.driver === 'null') {
    return outcome(
      'refused-system',
      plumbing
        ? `it is the swarm's ${plumbing === 'ingress' ? 'routing mesh' : 'gateway bridge'}, which the engine manages`
        : "it is one of the engine's own networks",
    );
  }
  const known = stale.find((s) => s.id === network.id);
  let holders = known?.holders;
  if (!holders) {
    try {
      if (!(await inspectInto(runtime, facts, network))) return outcome('gone', 'someone removed it first');
    } catch (error) {
      return outcome('failed', (error as Error).message);
    }
    holders = networkHolders(network, facts, networkOwners(network.labels));
  }
  if (holders.length > 0) {
    const owner =
      known?.owner.kind === 'dockprobe-run'
        ? `; dockprobe cleanup --run ${known.owner.name} removes its run's own containers and networks`
        : '';
    // Steps, not one shell line: some run on other nodes.
    return outcome(
      'refused-in-use',
      `held by ${holders.map(describeHolder).join('; ')}; free it with: ${freeSteps(network, holders)
        .map((s) => `\`${s}\``)
        .join(', then ')}${owner}`,
    );
  }
  const whose = known ? `, ${known.why}` : '';
  if (ask && !(await confirm(`remove network ${network.name} (${short(network.id)}${whose})?`)))
    return outcome('declined', 'not confirmed');
  try {
    await runtime.networks.remove(network.id);
    return outcome('removed', undefined);
  } catch (error) {
    // Something attached since it was read, or an endpoint no listing shows: the engine's own words say which.
    if (error instanceof NetworkInUseError) return outcome('refused-in-use', `the engine says: ${error.engineMessage}`);
    return outcome('failed', (error as Error).message);
  }
}
