import type { BackendLabels, BackendPorts } from './traefik.js';

/**
 * The ports Traefik sends a backend's traffic to, as its getPort decides: each load-balancer port label's value;
 * without one, the container's exposed ports sorted by number and the lowest taken. A single exposed port is
 * therefore safe; several are a guess that may land on the wrong one, and none at all makes Traefik drop the
 * server ("port is missing"). An empty `ports` means Traefik has no port it can use.
 */
export function backendPorts(labels: BackendLabels, exposedPorts: readonly number[]): BackendPorts {
  const exposed = [...new Set(exposedPorts)].sort((a, b) => a - b);
  const invalid = labels.portLabels.filter((p) => port(p.value) === undefined);
  const fromLabels = [
    ...new Set(labels.portLabels.map((p) => port(p.value)).filter((p): p is number => p !== undefined)),
  ].sort((a, b) => a - b);
  // A label's value is used as written, valid or not: a label that is not a port leaves no usable port.
  if (labels.portLabels.length > 0) return { ports: fromLabels, source: 'label', exposed, invalid };
  if (exposed.length === 0) return { ports: [], source: 'none', exposed, invalid };
  return { ports: [exposed[0]!], source: exposed.length === 1 ? 'only-exposed' : 'lowest-exposed', exposed, invalid };
}

function port(value: string): number | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 65535 ? n : undefined;
}
