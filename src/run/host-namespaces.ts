import { readFile } from 'node:fs/promises';
import type { Engine } from '../docker/engine.js';
import { short } from '../docker/short-id.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Plan } from '../plan/plan.js';
import type { Topology } from '../topology/topology.js';
import { type OwnPlace, ownPlace, type ProcFiles } from './own-container.js';
import { ownInterfaceNames, refuseHostFromRootlessKit } from './rootless-host-place.js';

/** Capability bits (linux/capability.h) the LAN view needs: its veth pair, and its namespace (mount, setns). */
const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

/** The `docker run` flags that give a container the engine host's namespaces, for each perspective that needs them. */
export const HOST_FLAGS = '--network host';
export const LAN_FLAGS = '--network host --cap-add NET_ADMIN --cap-add SYS_ADMIN';

/**
 * Refuses, before any probe starts, the host perspectives (`from: host`, `from: lan`) of a dockprobe that runs in a
 * container without the engine host's namespaces: an answer from the container's own network namespace would be a
 * silent wrong one. `from: host` runs in this process and needs the host's network namespace (`--network host`);
 * `from: lan` makes a network namespace and a veth pair beside the host, so it needs that and CAP_NET_ADMIN and
 * CAP_SYS_ADMIN. A container the engine does not run (a CI job's, talking to another engine) never stands for that
 * engine's host. Throws a usage error (exit 2) naming the flags.
 */
export function refuseWithoutHostNamespaces(
  plan: Plan,
  place: OwnPlace,
  endpoint: string,
  effectiveCapabilities: bigint,
): void {
  const kinds = [...new Set(plan.probes.map((p) => p.placement.kind))].filter((k) => k === 'host' || k === 'lan');
  if (kinds.length === 0 || place.kind === 'host') return;
  const sources = `${kinds.map((k) => `from: ${k}`).join(' and ')} ${kinds.length > 1 ? 'need' : 'needs'}`;
  const flags = kinds.includes('lan') ? LAN_FLAGS : HOST_FLAGS;
  const { container } = place;
  if (container === undefined)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${sources} the engine host's namespaces, and dockprobe runs in container ${short(place.id)}, which the engine at ${endpoint} does not run`,
      { hint: `run dockprobe on the engine's host, or in a container of that engine started with ${flags}` },
    );
  const what = `dockprobe's container ${container.name} (${short(container.id)})`;
  if (container.networkMode !== 'host')
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${sources} the engine host's network namespace, and ${what} has its own (network mode ${container.networkMode})`,
      { hint: `docker run ${flags} …` },
    );
  const missing = [
    [CAP_NET_ADMIN, 'NET_ADMIN'],
    [CAP_SYS_ADMIN, 'SYS_ADMIN'],
  ].flatMap(([bit, name]) => ((effectiveCapabilities >> (bit as bigint)) & 1n ? [] : [name as string]));
  if (kinds.includes('lan') && missing.length > 0)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `from: lan makes a network namespace and a veth pair on the engine's host, and ${what} lacks ${missing.map((m) => `CAP_${m}`).join(' and ')}`,
      { hint: `docker run ${LAN_FLAGS} …` },
    );
}

/** The effective capabilities of this process (`CapEff` in /proc/self/status); none where it cannot be read. */
export async function effectiveCapabilities(status = '/proc/self/status'): Promise<bigint> {
  const text = await readFile(status, 'utf8').catch(() => '');
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(text)?.[1];
  return hex ? BigInt(`0x${hex}`) : 0n;
}

/**
 * {@link refuseWithoutHostNamespaces} for this process, on the engine the run talks to; on a rootless engine, also
 * {@link refuseHostFromRootlessKit} with this namespace's interfaces.
 */
export async function checkHostNamespaces(
  plan: Plan,
  runtime: Pick<Engine, 'containers' | 'endpoint'>,
  topology?: Pick<Topology, 'engine' | 'networks'>,
  proc?: ProcFiles,
): Promise<void> {
  const place = await ownPlace(runtime, proc);
  refuseWithoutHostNamespaces(plan, place, runtime.endpoint, await effectiveCapabilities());
  if (topology) refuseHostFromRootlessKit(plan, place, topology.engine, ownInterfaceNames(), topology.networks);
}
