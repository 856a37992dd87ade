import { networkInterfaces } from 'node:os';
import { short } from '../docker/short-id.js';
import type { EngineInfo } from '../docker/system-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Plan } from '../plan/plan.js';
import type { OwnPlace } from './own-container.js';

/** What to do instead, said in each refusal. */
const HINT =
  "run dockprobe in the host's own network namespace (on the host, as any user): the ports RootlessKit publishes are bound there";

/**
 * Refuses `from: host` on a rootless engine when dockprobe runs in RootlessKit's network namespace rather than the
 * host's: RootlessKit's port driver binds the published ports on the host's addresses, so a knock from RootlessKit's
 * namespace (where the engine's bridges are) goes past the port driver and answers for that namespace, not for what
 * the host exposes. dockprobe is there when it runs in a container of that engine with `--network host` (on a rootless
 * engine, the host network is RootlessKit's namespace), or when an interface of its namespace is one of the
 * deployment's bridges (`br-` and the first 12 characters of a network's id: entered with `nsenter`, as
 * `dockerd-rootless-setuptool.sh nsenter` does). Throws a usage error (exit 2) naming what was found.
 */
export function refuseHostFromRootlessKit(
  plan: Plan,
  place: OwnPlace,
  engine: Pick<EngineInfo, 'endpoint' | 'rootless'>,
  ownInterfaces: readonly string[],
  networks: readonly { id: string; name: string; driver: string }[],
): void {
  if (!engine.rootless || !plan.probes.some((p) => p.placement.kind === 'host')) return;
  const what = `from: host knocks on the ports RootlessKit publishes on the host, and the engine at ${engine.endpoint} is rootless`;
  if (place.kind === 'container' && place.container?.networkMode === 'host')
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${what}: dockprobe's container ${place.container.name} (${short(place.container.id)}) runs with --network host, which on a rootless engine is RootlessKit's network namespace, not the host's`,
      { hint: HINT },
    );
  const own = new Set(ownInterfaces);
  const bridge = networks
    .filter((n) => n.driver === 'bridge' && n.name !== 'bridge')
    .map((n) => `br-${n.id.slice(0, 12)}`)
    .find((name) => own.has(name));
  if (bridge !== undefined)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${what}: dockprobe runs in RootlessKit's network namespace (it holds the deployment's bridge ${bridge}), where a knock goes past the port driver`,
      { hint: HINT },
    );
}

/** The names of this network namespace's interfaces that have an address. */
export function ownInterfaceNames(): string[] {
  return Object.keys(networkInterfaces());
}
