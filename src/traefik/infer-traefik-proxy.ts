import type { Topology } from '../topology/topology.js';
import { runsTraefikProgram } from './detect-proxy.js';
import { findTraefikRoutes } from './find-routes.js';
import { isRouted, readBackendLabels } from './read-backend-labels.js';

/** A service as a Compose or stack file describes it: its image, its program words and its labels (both kinds). */
export interface FileService {
  name: string;
  image: string;
  /** The entrypoint's words, then the command's. */
  command: string[];
  /** Its container labels and its `deploy.labels`, together. */
  labels: Record<string, string>;
}

/**
 * The Traefik proxy of a Compose or stack file, for `infer` to write `traefik: {}`: the one service that runs a
 * traefik image or program, when another service carries Traefik routing labels (else the check would find no
 * route). Undefined when there is none, or several (the scenario must then name one).
 */
export function traefikProxyOfFile(services: readonly FileService[]): string | undefined {
  const proxies = services.filter((s) => runsTraefikProgram(s.image, s.command) !== undefined);
  if (proxies.length !== 1) return undefined;
  const routed = services.some((s) => s !== proxies[0] && isRouted(readBackendLabels(s.labels), true));
  return routed ? proxies[0]!.name : undefined;
}

/** The Traefik proxy of what runs (`infer --live`), when `traefik:` would find it and at least one route. */
export function traefikProxyOfTopology(topology: Topology, project: string): string | undefined {
  const search = findTraefikRoutes(topology, { project, proxy: undefined });
  return search.kind === 'routes' ? search.proxyService.name : undefined;
}
