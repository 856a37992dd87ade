import type { ContainerInfo } from '../docker/container-client.js';
import type { TopologyService } from '../topology/topology.js';
import { readStaticConfig } from './read-static-config.js';
import { staticConfigOf } from './static-config-of.js';
import { imageName, traefikVersion } from './traefik-version.js';
import type { ProxyConfigRead, TraefikProxy } from './traefik.js';

/** What looking for the proxy found: it, nothing, or more than one (the scenario must then name it). */
export type ProxyDetection =
  | { kind: 'found'; proxy: TraefikProxy; service: TopologyService }
  | { kind: 'not-found'; looked: string[] }
  | { kind: 'several'; candidates: string[] };

/**
 * Finds the Traefik proxy among a project's services: the one the scenario names, else each service whose container
 * runs a `traefik` image (any registry or path, any tag) or starts a `traefik` program. Its version comes from the
 * image, its static configuration from what was read of it (`configs`, by `<project>/<service>`: its file,
 * environment and command line), else from the command line of its first running container (replicas share both).
 */
export function detectProxy(
  services: readonly TopologyService[],
  request: { project: string; proxy: string | undefined },
  configs?: ReadonlyMap<string, ProxyConfigRead>,
): ProxyDetection {
  const inProject = services.filter((s) => s.project === request.project);
  if (request.proxy !== undefined) {
    const named = inProject.find((s) => s.name === request.proxy);
    return named
      ? { kind: 'found', proxy: describe(named, 'named', configs), service: named }
      : { kind: 'not-found', looked: inProject.map((s) => s.name).sort() };
  }
  const found = inProject.flatMap((s) => {
    // A stack's service with no task on this node is known by its spec's image.
    const how =
      runsTraefik(representative(s)) ?? (imageName(s.swarm?.service?.image ?? '') === 'traefik' ? 'image' : undefined);
    return how ? [{ service: s, how }] : [];
  });
  if (found.length === 0) return { kind: 'not-found', looked: inProject.map((s) => s.name).sort() };
  if (found.length > 1) return { kind: 'several', candidates: found.map((f) => f.service.name).sort() };
  return {
    kind: 'found',
    proxy: describe(found[0]!.service, found[0]!.how, configs),
    service: found[0]!.service,
  };
}

// The container whose image and command line stand for the service: a running one if any.
function representative(service: TopologyService): ContainerInfo | undefined {
  return service.containers.find((c) => c.running) ?? service.containers[0];
}

function runsTraefik(container: ContainerInfo | undefined): 'image' | 'command' | undefined {
  return container ? runsTraefikProgram(container.image, container.command) : undefined;
}

/**
 * Whether a container of `image` started with `command` runs Traefik: by its image (any registry or path, any tag),
 * or by its program, the words before the first flag (`traefik`, `/usr/local/bin/traefik`, `/entrypoint.sh traefik`).
 */
export function runsTraefikProgram(image: string, command: readonly string[]): 'image' | 'command' | undefined {
  if (imageName(image) === 'traefik') return 'image';
  const firstFlag = command.findIndex((w) => w.startsWith('-'));
  const program = firstFlag < 0 ? command : command.slice(0, firstFlag);
  return program.some((w) => w.split('/').pop() === 'traefik') ? 'command' : undefined;
}

/** The key of a proxy's configuration read: `<project>/<service>`. */
export function proxyKey(service: Pick<TopologyService, 'project' | 'name'>): string {
  return `${service.project}/${service.name}`;
}

function describe(
  service: TopologyService,
  found: TraefikProxy['found'],
  configs: ReadonlyMap<string, ProxyConfigRead> | undefined,
): TraefikProxy {
  const container = representative(service);
  const read = configs?.get(proxyKey(service));
  return {
    project: service.project,
    service: service.name,
    image: container?.image ?? service.swarm?.service?.image ?? '',
    version: traefikVersion(container?.image ?? service.swarm?.service?.image ?? '', container?.labels ?? {}),
    config: read ? staticConfigOf(read) : readStaticConfig(container?.command ?? []),
    found,
  };
}
