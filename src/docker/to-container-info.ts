import type Docker from 'dockerode';
import type { ContainerInfo, ContainerPort } from './container-client.js';
import { familiarImageName } from './familiar-image-name.js';

type Binding = { HostIp?: string; HostPort?: string };

/** A container as the engine's inspect answer describes it, reduced to what dockprobe uses. */
export function toContainerInfo(c: Docker.ContainerInspectInfo): ContainerInfo {
  const networks = Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({
    networkId: n.NetworkID,
    networkName: name,
    ipv4: n.IPAddress || undefined,
    ipv6: n.GlobalIPv6Address || undefined,
    aliases: n.Aliases ?? [],
  }));
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    image: familiarImageName(c.Config?.Image ?? c.Image),
    imageId: c.Image,
    state: c.State?.Status ?? 'unknown',
    running: Boolean(c.State?.Running) && !c.State?.Restarting,
    restartCount: c.RestartCount ?? 0,
    startedAt: c.State?.StartedAt ?? '',
    labels: c.Config?.Labels ?? {},
    networks,
    ports: normalisePorts(
      Object.keys(c.Config?.ExposedPorts ?? {}),
      (c.NetworkSettings?.Ports ?? {}) as Record<string, Binding[] | null>,
      (c.HostConfig?.PortBindings ?? {}) as Record<string, Binding[] | null>,
    ),
    networkMode: c.HostConfig?.NetworkMode ?? 'default',
    ...(c.State?.Health?.Status ? { health: c.State.Health.Status } : {}),
    command: [c.Path, ...(c.Args ?? [])].filter((part): part is string => typeof part === 'string' && part !== ''),
  };
}

/**
 * One entry per (port, protocol), whatever the engine's key spelling: Compose v2 stores `expose: ["3306"]` as both
 * `"3306"` and `"3306/tcp"` in ExposedPorts, and a key without a protocol means tcp. A port exposed by the image, by
 * `expose:` and by `ports:` appears once, with every binding from every key; udp stays apart from tcp.
 */
export function normalisePorts(
  exposed: readonly string[],
  published: Record<string, Binding[] | null>,
  requested: Record<string, Binding[] | null>,
): ContainerPort[] {
  const ports = new Map<string, ContainerPort>();
  const entry = (key: string): ContainerPort | undefined => {
    const match = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(key.trim());
    if (!match) return undefined;
    const port = Number(match[1]);
    const protocol = (match[2]?.toLowerCase() ?? 'tcp') as ContainerPort['protocol'];
    const id = `${port}/${protocol}`;
    let found = ports.get(id);
    if (!found) {
      found = { port, protocol, published: [], requested: [] };
      ports.set(id, found);
    }
    return found;
  };
  for (const key of exposed) entry(key);
  for (const [key, bindings] of Object.entries(published)) {
    const port = entry(key);
    for (const b of bindings ?? []) {
      const binding = { hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort) };
      if (port && !port.published.some((p) => p.hostIp === binding.hostIp && p.hostPort === binding.hostPort))
        port.published.push(binding);
    }
  }
  for (const [key, bindings] of Object.entries(requested)) {
    const port = entry(key);
    for (const b of bindings ?? []) {
      const binding = { hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' };
      if (port && !port.requested.some((p) => p.hostIp === binding.hostIp && p.hostPort === binding.hostPort))
        port.requested.push(binding);
    }
  }
  return [...ports.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}
