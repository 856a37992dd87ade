import type { ContainerInfo } from '../docker/container-client.js';
import type { DeploymentClient } from '../docker/deployment-client.js';
import type { Engine } from '../docker/engine.js';
import { short } from '../docker/short-id.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { findNetwork, type Topology } from '../topology/topology.js';
import type { DeploymentFaultSpec, Fault } from './fault.js';

/** How long a container stopped by a fault gets between SIGTERM and SIGKILL (docker restart's default). */
export const FAULT_STOP_TIMEOUT_S = 10;

/**
 * A fault that changes only the deployment (any engine, local or remote): on each running container of SERVICE,
 * `reconnect` disconnects it from NETWORK and connects it again (same aliases and static addresses), `restart` is
 * `docker restart`, `recreate` puts a new container with the same configuration in its place (DeploymentClient's
 * recreate, as `compose up --force-recreate` does). A name that is not in the deployment is a usage error.
 */
export function deploymentFault(
  spec: DeploymentFaultSpec,
  topology: Topology,
  runtime: Pick<Engine, 'containers'>,
  deployment: DeploymentClient,
  stopTimeoutS = FAULT_STOP_TIMEOUT_S,
): Fault {
  const matches = topology.services.filter((s) => s.name === spec.service || s.swarm?.fullName === spec.service);
  const named = `--fault ${spec.kind} ${spec.service}`;
  if (matches.length === 0)
    throw new DockprobeError(ErrorCodes.UNKNOWN_NAME, `${named}: no service '${spec.service}' in the deployment`, {
      hint: `services: ${[...new Set(topology.services.map((s) => s.name))].join(', ') || 'none'}`,
    });
  if (matches.length > 1)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${named}: '${spec.service}' is a service of ${matches.map((s) => s.project).join(' and ')}`,
      { hint: 'name one project with --project' },
    );
  const service = matches[0]!;
  if (service.swarm)
    throw new DockprobeError(ErrorCodes.USAGE, `${named}: ${spec.service} is a swarm service`, {
      hint: 'faults act on Compose services and their containers; a swarm service is re-created by swarm itself',
    });
  const containers = service.containers.filter((c) => c.running);
  if (containers.length === 0)
    throw new DockprobeError(ErrorCodes.USAGE, `${named}: service ${spec.service} has no running container`);
  const names = containers.map((c) => `${c.name} (${short(c.id)})`).join(', ');

  switch (spec.kind) {
    case 'reconnect': {
      const network = findNetwork(topology, service.project, spec.network);
      if (!network)
        throw new DockprobeError(ErrorCodes.UNKNOWN_NAME, `${named} ${spec.network}: no network '${spec.network}'`, {
          hint: `networks: ${topology.networks.map((n) => n.composeName ?? n.name).join(', ')}`,
        });
      const on = (c: ContainerInfo) => c.networks.find((n) => n.networkId === network.id);
      const off = containers.filter((c) => !on(c));
      if (off.length > 0)
        throw new DockprobeError(
          ErrorCodes.USAGE,
          `${named} ${spec.network}: ${off.map((c) => c.name).join(', ')} is not on network ${network.name}`,
        );
      const where = `network ${network.name} (${short(network.id)})`;
      return {
        spec,
        plan: `disconnect ${names} from ${where} and connect it again with the same aliases and addresses`,
        async apply() {
          for (const c of containers) await deployment.reconnect(c.id, network.id);
          return `${names} disconnected from ${where} and connected again`;
        },
        async restore() {
          const again: string[] = [];
          for (const c of containers) {
            const now = await runtime.containers.inspect(c.id);
            if (now?.networks.some((n) => n.networkId === network.id)) continue;
            await deployment.ensureConnected(c.id, network.id, on(c)!.aliases);
            again.push(c.name);
          }
          return again.length > 0
            ? { status: 'restored', detail: `${again.join(', ')} connected to ${where} again` }
            : { status: 'nothing-to-restore', detail: `${names} on ${where}, as before` };
        },
      };
    }
    case 'restart':
      return {
        spec,
        plan: `restart ${names} (docker restart: SIGTERM, SIGKILL after ${stopTimeoutS} s, started again)`,
        async apply() {
          for (const c of containers) await deployment.restart(c.id, stopTimeoutS);
          return `${names} restarted`;
        },
        async restore() {
          const started: string[] = [];
          for (const c of containers) {
            const now = await runtime.containers.inspect(c.id);
            if (now?.running) continue;
            await runtime.containers.start(c.id);
            started.push(c.name);
          }
          return started.length > 0
            ? { status: 'restored', detail: `${started.join(', ')} started again` }
            : { status: 'nothing-to-restore', detail: `${names} running` };
        },
      };
    case 'recreate': {
      const made: { name: string; newId: string }[] = [];
      return {
        spec,
        plan: `re-create ${names}: each stopped (SIGKILL after ${stopTimeoutS} s), set aside, a new container with the same configuration, labels, networks and aliases created under its name and started, the old one removed (as compose up --force-recreate does)`,
        async apply() {
          for (const c of containers) made.push(await deployment.recreate(c.id, stopTimeoutS));
          return `re-created ${made.map((m) => `${m.name} (now ${short(m.newId)})`).join(', ')}`;
        },
        async restore() {
          // The new containers are the deployment now: nothing to undo, only to check that each runs.
          const down: string[] = [];
          for (const m of made) if (!(await runtime.containers.inspect(m.newId))?.running) down.push(m.name);
          if (down.length > 0) return { status: 'failed', detail: `the re-created ${down.join(', ')} is not running` };
          return {
            status: 'nothing-to-restore',
            detail: `the re-created ${made.map((m) => m.name).join(', ')} running`,
          };
        },
      };
    }
  }
}
