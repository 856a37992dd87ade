import type { Engine } from '../docker/engine.js';
import type { NetworksReport } from './networks.js';
import { readNetworkFacts } from './read-network-facts.js';
import { removeNetworks, type RemovalRequest } from './remove-networks.js';
import { staleNetworks } from './stale-networks.js';

/** Options of {@link checkNetworks}. */
export interface CheckNetworksOptions {
  /** What to remove; nothing when absent. */
  remove?: RemovalRequest;
  /** Asked before removing a network the user named; yes when absent (the caller decides whether to ask). */
  confirm?: (question: string) => Promise<boolean>;
}

/**
 * `dockprobe networks`: the networks that outlived their Compose project, stack or dockprobe run, what holds each and
 * how to free it; then the removals asked for. Reads, judges and removes; the report says everything as data.
 */
export async function checkNetworks(
  runtime: Pick<Engine, 'system' | 'networks' | 'containers' | 'swarm'>,
  options: CheckNetworksOptions = {},
): Promise<NetworksReport> {
  const facts = await readNetworkFacts(runtime);
  const { stale, undetermined } = staleNetworks(facts);
  const removals = options.remove
    ? await removeNetworks(runtime, facts, stale, options.remove, options.confirm ?? (async () => true))
    : [];
  return { engine: facts.engine, manager: facts.manager, stale, undetermined, removals };
}

/** The stale networks still there after the removals. */
export function remainingStale(report: NetworksReport): NetworksReport['stale'] {
  const removed = new Set(
    report.removals.filter((r) => r.status === 'removed' || r.status === 'gone').map((r) => r.id),
  );
  return report.stale.filter((s) => !removed.has(s.id));
}
