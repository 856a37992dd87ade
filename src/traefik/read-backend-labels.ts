import { parseGoBool } from './parse-go-bool.js';
import type { BackendLabels, NetworkLabel } from './traefik.js';

const NETWORK_LABELS: readonly NetworkLabel[] = ['traefik.docker.network', 'traefik.swarm.network'];
const ROUTE = /^traefik\.(http|tcp|udp)\.(routers|services)\.([^.]+)\./i;
const LB_PORT = /^traefik\.(http|tcp)\.services\.([^.]+)\.loadbalancer\.server\.port$/i;

/**
 * What a backend's Traefik labels say. Traefik decodes label keys case-insensitively, so `loadBalancer` and
 * `loadbalancer`, `traefik.Docker.Network` and `traefik.docker.network` are the same label here too.
 */
export function readBackendLabels(labels: Readonly<Record<string, string>>): BackendLabels {
  const read: BackendLabels = {
    enable: undefined,
    routers: [],
    services: [],
    portLabels: [],
    networkLabels: [],
    dockerLabels: false,
    swarmLabels: false,
  };
  for (const [key, value] of Object.entries(labels)) {
    const lower = key.toLowerCase();
    if (!lower.startsWith('traefik.')) continue;
    if (lower === 'traefik.enable') read.enable = parseGoBool(value);
    if (lower.startsWith('traefik.docker.')) read.dockerLabels = true;
    if (lower.startsWith('traefik.swarm.')) read.swarmLabels = true;
    const network = NETWORK_LABELS.find((n) => n === lower);
    if (network) read.networkLabels.push({ label: network, key, value });
    const route = ROUTE.exec(key);
    if (route) {
      const name = `${route[1]!.toLowerCase()}/${route[3]!}`;
      const list = route[2]!.toLowerCase() === 'routers' ? read.routers : read.services;
      if (!list.includes(name)) list.push(name);
    }
    if (LB_PORT.test(key)) read.portLabels.push({ label: key, value });
  }
  read.routers.sort();
  read.services.sort();
  read.portLabels.sort((a, b) => a.label.localeCompare(b.label));
  return read;
}

/**
 * Whether Traefik routes this backend: `traefik.enable` decides when set; otherwise the provider's exposedByDefault
 * does. Traefik would also route a container with no label at all under exposedByDefault (with a default rule on
 * its name), but nothing names such a route, so dockprobe checks only backends that carry routing labels.
 */
export function isRouted(labels: BackendLabels, exposedByDefault: boolean | 'unseen'): boolean {
  if (labels.enable !== undefined) return labels.enable;
  if (exposedByDefault === false) return false;
  return labels.routers.length > 0 || labels.services.length > 0 || labels.networkLabels.length > 0;
}
