import { parse } from 'yaml';
import { traefikProxyOfFile } from '../traefik/infer-traefik-proxy.js';
import { readBackendLabels } from '../traefik/read-backend-labels.js';
import type { InferModel, InferService } from './infer-model.js';

type Json = Record<string, unknown>;

/**
 * The model of a Compose file as `docker compose config` (v2) or `docker-compose config` (v1) prints it: Compose has
 * done interpolation, `extends`, profiles and every `-f` file. Both versions' shapes are read (v1 prints ports as
 * `127.0.0.1::8080/tcp`, v2 as objects; networks as a list or a map).
 */
export function modelFromComposeConfig(text: string, project: string, origin: string): InferModel {
  const config = (parse(text) ?? {}) as Json;
  const networks = Object.entries((config['networks'] ?? {}) as Record<string, Json | null>).map(([name, n]) => ({
    name,
    internal: n?.['internal'] === true,
  }));
  const services = Object.entries((config['services'] ?? {}) as Record<string, Json>).map(([name, s]): InferService => {
    const networkMode = typeof s['network_mode'] === 'string' ? s['network_mode'] : undefined;
    const raw = s['networks'];
    const on = Array.isArray(raw)
      ? raw.map(String)
      : raw && typeof raw === 'object'
        ? Object.keys(raw)
        : networkMode
          ? []
          : ['default'];
    const published = ((s['ports'] ?? []) as unknown[]).flatMap((p) => portOf(p, 'tcp'));
    const udpPublished = ((s['ports'] ?? []) as unknown[]).flatMap((p) => portOf(p, 'udp'));
    const exposedAs = (protocol: string) =>
      ((s['expose'] ?? []) as unknown[]).flatMap((e) => {
        const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(String(e));
        return m && (m[3] ?? 'tcp') === protocol && m[2] === undefined ? [Number(m[1])] : [];
      });
    const sorted = (exposed: number[], bound: { port: number }[]) =>
      [...new Set([...exposed, ...bound.map((p) => p.port)])].sort((a, b) => a - b);
    // The port Traefik is told to send a route's requests to is one the service listens on.
    const labelled = readBackendLabels(serviceLabels(s)).portLabels.flatMap(({ label, value }) =>
      /^\d+$/.test(value.trim()) && Number(value) > 0 && Number(value) <= 65_535
        ? [{ port: Number(value), label }]
        : [],
    );
    const ports = sorted([...exposedAs('tcp'), ...labelled.map((l) => l.port)], published);
    const udpPorts = sorted(exposedAs('udp'), udpPublished);
    const portOrigins: Record<string, string> = {};
    for (const { port, label } of labelled) {
      if (!exposedAs('tcp').includes(port) && !published.some((p) => p.port === port))
        portOrigins[`${port}/tcp`] ??= `Traefik's label ${label}`;
    }
    const image = typeof s['image'] === 'string' && s['image'] !== '' ? s['image'] : undefined;
    const images = image ? [image] : s['build'] !== undefined ? [`${project}-${name}`, `${project}_${name}`] : [];
    return {
      name,
      networks: on.sort(),
      ports,
      published,
      udpPorts,
      udpPublished,
      networkMode,
      ...(images.length > 0 ? { images } : {}),
      ...(Object.keys(portOrigins).length > 0 ? { portOrigins } : {}),
    };
  });
  // The implicit default network, when a service is on it and the file does not declare it.
  if (services.some((s) => s.networks.includes('default')) && !networks.some((n) => n.name === 'default'))
    networks.push({ name: 'default', internal: false });
  const traefik = traefikProxyOfFile(
    Object.entries((config['services'] ?? {}) as Record<string, Json>).map(([name, s]) => ({
      name,
      image: typeof s['image'] === 'string' ? s['image'] : '',
      command: [...words(s['entrypoint']), ...words(s['command'])],
      labels: serviceLabels(s),
    })),
  );
  return {
    project,
    origin,
    services: services.sort((a, b) => a.name.localeCompare(b.name)),
    networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
    ...(traefik ? { traefik } : {}),
  };
}

// Its container labels and its swarm service's (`deploy.labels`), which Traefik's swarm provider reads.
function serviceLabels(s: Json): Record<string, string> {
  return { ...labelsOf(s['labels']), ...labelsOf(((s['deploy'] ?? {}) as Json)['labels']) };
}

// A command or entrypoint, as a list or a string (split as a shell would split simple words).
function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}

// Labels as a map or a list of `key=value`.
function labelsOf(value: unknown): Record<string, string> {
  if (Array.isArray(value))
    return Object.fromEntries(
      value
        .map(String)
        .map((l) => [l.slice(0, l.indexOf('=') < 0 ? l.length : l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, String(v ?? '')]));
  return {};
}

// A `ports:` entry of `protocol`, short (`[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`) or long (`{ target, host_ip,
// protocol }`).
function portOf(entry: unknown, protocol: 'tcp' | 'udp'): { port: number; hostIp: string }[] {
  if (entry && typeof entry === 'object') {
    const e = entry as Json;
    if ((e['protocol'] ?? 'tcp') !== protocol || typeof e['target'] !== 'number') return [];
    return [{ port: e['target'], hostIp: typeof e['host_ip'] === 'string' ? e['host_ip'] : '' }];
  }
  const text = String(entry);
  const [spec, proto = 'tcp'] = text.split('/');
  if (proto !== protocol || spec === undefined) return [];
  // An IPv6 host address is in brackets; the container port is the last part.
  const parts = spec.replace(/^\[[^\]]*\]/, (ip) => ip.replace(/:/g, '%')).split(':');
  const container = parts[parts.length - 1]!;
  if (!/^\d+$/.test(container)) return [];
  const hostIp = parts.length === 3 ? parts[0]!.replace(/%/g, ':').replace(/^\[|\]$/g, '') : '';
  return [{ port: Number(container), hostIp }];
}
