import type { Engine } from '../docker/engine.js';
import { COMPOSE_PROJECT, labelFilter } from '../docker/labels.js';
import { short } from '../docker/short-id.js';
import { forceRemoveNetwork, type ForceRemoveOptions } from '../cleanup/force-remove-network.js';
import { composeDown, type ComposeCallOptions, type ComposeCommand } from './compose-cli.js';

/** How a teardown ended: what is still on the engine (each named with what frees it), and Compose's own complaint. */
export interface TearDown {
  leftBehind: string[];
  /** Why `compose down` failed, when it did, even if the sweep after it removed everything. */
  composeError: string | undefined;
}

/**
 * `compose down`, then a sweep of whatever of the project is still there: its containers by force, its networks
 * with forced disconnects and a bounded backoff (see forceRemoveNetwork). Compose gives up on the first network that
 * "has active endpoints"; the sweep goes on and names precisely what stays, e.g. a ghost endpoint only a dockerd
 * restart frees. Never throws; bounded by Compose's timeout plus a few seconds per network.
 */
export async function tearDownProject(
  runtime: Pick<Engine, 'containers' | 'networks'>,
  compose: ComposeCommand,
  call: ComposeCallOptions,
  options: ForceRemoveOptions = {},
): Promise<TearDown> {
  let composeError: string | undefined;
  try {
    await composeDown(compose, call);
  } catch (error) {
    composeError = (error as Error).message;
  }
  const leftBehind: string[] = [];
  const label = [labelFilter(COMPOSE_PROJECT, call.project)];
  let containers: Awaited<ReturnType<Engine['containers']['list']>> = [];
  try {
    containers = await runtime.containers.list({ all: true, labels: label });
    for (const c of containers) {
      await runtime.containers
        .remove(c.id)
        .catch((error: unknown) =>
          leftBehind.push(
            `container ${c.name} (${short(c.id)}): ${(error as Error).message}; remove it with: docker rm -f ${c.name}`,
          ),
        );
    }
    for (const n of await runtime.networks.list({ labels: label })) {
      const removal = await forceRemoveNetwork(runtime, n, { candidates: containers.map((c) => c.name), ...options });
      if (removal.status === 'in-use' || removal.status === 'ghost' || removal.status === 'failed')
        leftBehind.push(removal.detail);
    }
  } catch (error) {
    leftBehind.push(
      `project ${call.project}: could not list what is left (${(error as Error).message}); check with: docker ps -a --filter label=${label[0]}`,
    );
  }
  return { leftBehind, composeError };
}
