import type { InferModel, InferService } from './infer-model.js';

/** One target of an inferred entry, with why it was inferred. */
export interface InferredTarget {
  target: string;
  why: string;
}

/** One inferred `expect:` entry. */
export interface InferredEntry {
  name: string;
  from: { network: string } | 'host';
  to: InferredTarget[];
  reachable: boolean;
}

/**
 * What a deployment is meant to allow, from its Compose model alone:
 *
 * - services that share a network reach each other's exposed ports on it; services that share none do not, by name
 *   (`dns:`) or by address (a blocked TCP check tries both);
 * - an `internal: true` network has no egress;
 * - a published port answers from the host, except where Docker drops it: a service only on internal networks;
 * - UDP ports (`expose: ["53/udp"]`, `ports: ["514:514/udp"]`) as `udp://service:port` targets, by the same rules.
 *
 * A network is a zone when a service with ports is on it. Services in `network_mode: host` or `container:` are on
 * none of the project's networks: nothing is inferred for them.
 */
export function inferExpectations(model: InferModel): InferredEntry[] {
  const entries: InferredEntry[] = [];
  const withPorts = model.services.filter(
    (s) => s.networkMode === undefined && (s.ports.length > 0 || s.udpPorts.length > 0),
  );
  // Its TCP ports as `service:port`, its UDP ports as `udp://service:port`, each with where the port came from when
  // the file does not say it (an image's EXPOSE, a Traefik label).
  const portTargets = (s: InferService) => {
    const origin = (port: number, protocol: string) => {
      const from = s.portOrigins?.[`${port}/${protocol}`];
      return from ? ` (port ${port}: ${from})` : '';
    };
    return [
      ...s.ports.map((port) => ({ target: `${s.name}:${port}`, origin: origin(port, 'tcp') })),
      ...s.udpPorts.map((port) => ({ target: `udp://${s.name}:${port}`, origin: origin(port, 'udp') })),
    ];
  };
  for (const network of model.networks) {
    const on = withPorts.filter((s) => s.networks.includes(network.name));
    const members = model.services.filter((s) => s.networks.includes(network.name));
    if (members.length === 0) continue;
    const off = withPorts.filter((s) => !s.networks.includes(network.name));
    if (on.length > 0) {
      entries.push({
        name: `${network.name} reaches the services on it`,
        from: { network: network.name },
        to: on.flatMap((s) =>
          portTargets(s).map(({ target, origin }) => ({ target, why: `${s.name} is on ${network.name}${origin}` })),
        ),
        reachable: true,
      });
    }
    if (off.length > 0) {
      entries.push({
        name: `${network.name} does not reach the services off it, by name or by address`,
        from: { network: network.name },
        to: off.flatMap((s) => [
          ...portTargets(s).map(({ target, origin }) => ({
            target,
            why: `${s.name} is not on ${network.name} (it is on ${s.networks.join(', ') || 'no network'})${origin}`,
          })),
          { target: `dns:${s.name}`, why: `${s.name} has no name on ${network.name}` },
        ]),
        reachable: false,
      });
    }
    if (network.internal) {
      entries.push({
        name: `${network.name} has no egress`,
        from: { network: network.name },
        to: [{ target: 'internet', why: `${network.name} is internal: true` }],
        reachable: false,
      });
    }
  }
  const internal = new Set(model.networks.filter((n) => n.internal).map((n) => n.name));
  const onlyInternal = (s: InferService) => s.networks.length > 0 && s.networks.every((n) => internal.has(n));
  const published = model.services.filter(
    (s) => s.networkMode === undefined && (s.published.length > 0 || s.udpPublished.length > 0),
  );
  const host = (reachable: boolean) => published.filter((s) => onlyInternal(s) !== reachable);
  const targets = (services: InferService[], why: (s: InferService, p: { port: number; hostIp: string }) => string) =>
    services.flatMap((s) => [
      ...[...new Map(s.published.map((p) => [p.port, p])).values()].map((p) => ({
        target: `${s.name}:${p.port}`,
        why: why(s, p),
      })),
      ...[...new Map(s.udpPublished.map((p) => [p.port, p])).values()].map((p) => ({
        target: `udp://${s.name}:${p.port}`,
        why: `${why(s, p)} (UDP: from the host only an answer proves it, docker-proxy swallows ICMP)`,
      })),
    ]);
  if (host(true).length > 0) {
    entries.push({
      name: 'the host reaches the published ports',
      from: 'host',
      to: targets(host(true), (s, p) => `${s.name} publishes ${p.port} on ${p.hostIp || 'all interfaces'}`),
      reachable: true,
    });
  }
  if (host(false).length > 0) {
    entries.push({
      name: 'Docker drops the ports of services only on internal networks',
      from: 'host',
      to: targets(
        host(false),
        (s, p) => `${s.name} publishes ${p.port} but is only on internal networks: Docker drops it`,
      ),
      reachable: false,
    });
  }
  return entries;
}
