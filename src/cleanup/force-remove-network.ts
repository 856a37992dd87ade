import type { Engine } from '../docker/engine.js';
import { short } from '../docker/short-id.js';
import { NetworkInUseError } from '../errors/network-in-use-error.js';

/**
 * How forcing one network off the engine ended (the `networks` command's removals, which ask first and force
 * nothing, are NetworkRemoval in networks/networks.ts):
 * - `removed` / `gone`: it is not there any more (`gone`: someone else removed it first).
 * - `in-use`: containers are still attached after forced disconnects; `holders` names them.
 * - `ghost`: the engine still says it "has active endpoints", but no container is attached: an endpoint left in
 *   dockerd's own store. Nothing through the API frees it; on engine 20.10 only a dockerd restart does.
 * - `failed`: any other error (the engine did not answer, …).
 */
export type ForcedRemoval =
  | { status: 'removed' | 'gone'; network: string }
  | { status: 'in-use'; network: string; holders: string[]; detail: string }
  | { status: 'ghost' | 'failed'; network: string; detail: string };

/** Limits of {@link forceRemoveNetwork}; the whole removal takes at most about the sum of the delays plus the API calls. */
export interface ForceRemoveOptions {
  /** Containers that may hold the network although the engine no longer lists them (a project's own). */
  candidates?: readonly string[];
  /** Tries in all (default 5). */
  attempts?: number;
  /** First pause between tries, doubled each time (default 200 ms: 200+400+800+1600 = 3 s in all). */
  firstDelayMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Removes a network the way a careful operator would: try; if the engine says it has active endpoints, force every
 * endpoint it can name off it (those the engine lists, and `candidates`), wait a little and try again, with a bounded
 * backoff. What still refuses is reported precisely, never thrown and never waited on forever.
 */
export async function forceRemoveNetwork(
  runtime: Pick<Engine, 'networks'>,
  network: { id: string; name: string },
  options: ForceRemoveOptions = {},
): Promise<ForcedRemoval> {
  const label = `network ${network.name} (${short(network.id)})`;
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delay = options.firstDelayMs ?? 200;
  let lastMessage = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await runtime.networks.remove(network.id);
      return { status: 'removed', network: label };
    } catch (error) {
      if (!(error instanceof NetworkInUseError))
        return { status: 'failed', network: label, detail: `${label}: ${(error as Error).message}` };
      lastMessage = error.engineMessage;
    }
    let attached: { id: string; name: string }[];
    try {
      const inspected = await runtime.networks.inspect(network.id);
      if (!inspected) return { status: 'gone', network: label };
      attached = inspected.containers;
    } catch (error) {
      return { status: 'failed', network: label, detail: `${label}: ${(error as Error).message}` };
    }
    for (const holder of new Set([...attached.map((c) => c.id), ...(options.candidates ?? [])])) {
      await runtime.networks.disconnect(network.id, holder).catch(() => undefined);
    }
    if (attempt < attempts) {
      await sleep(delay);
      delay *= 2;
    }
  }
  const inspected = await runtime.networks.inspect(network.id).catch(() => undefined);
  if (!inspected) return { status: 'gone', network: label };
  if (inspected.containers.length > 0) {
    const holders = inspected.containers.map((c) => `${c.name} (${short(c.id)})`);
    return { status: 'in-use', network: label, holders, detail: `${label} is still in use by ${holders.join(', ')}` };
  }
  return {
    status: 'ghost',
    network: label,
    detail:
      `${label} was left behind: the engine says it "${lastMessage.replace(/^.*(has active endpoints).*$/i, '$1')}", but no container is attached ` +
      `(a ghost endpoint in dockerd's network store; forced disconnects found nothing to remove). Only a dockerd restart clears it on engine 20.10; ` +
      `after that: docker network rm ${network.name}`,
  };
}
