import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';

/**
 * What a port usually is, by how much an attacker gains by reaching it: the Docker API is the whole host (a container
 * with any image, the host's root filesystem mounted), a database is the data, a cache or broker is data in flight and
 * often no password, an admin panel is control of something. `other` is a port with no name here.
 */
export type PortKind = 'docker-api' | 'database' | 'cache' | 'broker' | 'admin' | 'other';

/** Riskiest first: the order of the lateral-movement map. Caches and brokers rank alike. */
export const RISK_RANK: Readonly<Record<PortKind, number>> = {
  'docker-api': 0,
  database: 1,
  cache: 2,
  broker: 2,
  admin: 3,
  other: 4,
};

/** A well-known port and what usually listens there. */
export interface CommonPort {
  port: number;
  kind: PortKind;
  /** What usually listens there, for reports: `PostgreSQL`, `Docker API (TLS)`. */
  name: string;
}

/**
 * The ports a drill knocks on at every address besides those the container exposes (`--ports` replaces or extends
 * them). Kept short on purpose: every port is one check per address per source, and most of them time out.
 */
export const COMMON_PORTS: readonly CommonPort[] = [
  { port: 2375, kind: 'docker-api', name: 'Docker API (plain HTTP)' },
  { port: 2376, kind: 'docker-api', name: 'Docker API (TLS)' },
  { port: 5432, kind: 'database', name: 'PostgreSQL' },
  { port: 3306, kind: 'database', name: 'MySQL / MariaDB' },
  { port: 27017, kind: 'database', name: 'MongoDB' },
  { port: 1433, kind: 'database', name: 'SQL Server' },
  { port: 1521, kind: 'database', name: 'Oracle' },
  { port: 9042, kind: 'database', name: 'Cassandra' },
  { port: 9200, kind: 'database', name: 'Elasticsearch / OpenSearch' },
  { port: 8086, kind: 'database', name: 'InfluxDB' },
  { port: 2379, kind: 'database', name: 'etcd' },
  { port: 6379, kind: 'cache', name: 'Redis' },
  { port: 11211, kind: 'cache', name: 'Memcached' },
  { port: 5672, kind: 'broker', name: 'RabbitMQ (AMQP)' },
  { port: 9092, kind: 'broker', name: 'Kafka' },
  { port: 4222, kind: 'broker', name: 'NATS' },
  { port: 1883, kind: 'broker', name: 'MQTT' },
  { port: 22, kind: 'admin', name: 'SSH' },
  { port: 6443, kind: 'admin', name: 'Kubernetes API' },
  { port: 10250, kind: 'admin', name: 'kubelet' },
  { port: 15672, kind: 'admin', name: 'RabbitMQ management' },
  { port: 8080, kind: 'admin', name: 'HTTP alternate (often an admin panel)' },
  { port: 9000, kind: 'admin', name: 'Portainer / MinIO console / PHP-FPM' },
  { port: 9443, kind: 'admin', name: 'Portainer (HTTPS)' },
  { port: 9090, kind: 'admin', name: 'Prometheus / Cockpit' },
  { port: 3000, kind: 'admin', name: 'Grafana (often)' },
  { port: 8500, kind: 'admin', name: 'Consul' },
  { port: 5601, kind: 'admin', name: 'Kibana' },
];

const BY_PORT = new Map(COMMON_PORTS.map((p) => [p.port, p]));

/** What a port usually is: its entry in {@link COMMON_PORTS}, or `other` without a name. */
export function portInfo(port: number): { kind: PortKind; name: string | undefined } {
  const known = BY_PORT.get(port);
  return known ? { kind: known.kind, name: known.name } : { kind: 'other', name: undefined };
}

/**
 * `--ports`: comma-separated or repeated, each a port number, `default` (the common list) or, alone, `none` (only
 * the ports containers expose and publish). `--ports default,8443` extends the list; `--ports 5432,6379` replaces
 * it. Validated at the boundary: the message names the value received.
 */
export function parsePortsOption(value: unknown, option = '--ports'): number[] {
  const raw = (Array.isArray(value) ? value : [value]).map((v) => String(v));
  const received = raw.map((v) => `'${v}'`).join(', ');
  const items = raw
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const hint = `${option} default,8443 (the common list and one more), ${option} 5432,6379 (only these), ${option} none (only exposed and published ports)`;
  if (items.length === 0)
    throw new DockprobeError(ErrorCodes.USAGE, `${option} must list ports, 'default' or 'none', got ${received}`, {
      hint,
    });
  if (items.includes('none')) {
    if (items.length > 1)
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `${option} 'none' stands alone (only exposed and published ports), got ${received}`,
        { hint },
      );
    return [];
  }
  const ports = new Set<number>();
  for (const item of items) {
    if (item === 'default') {
      for (const p of COMMON_PORTS) ports.add(p.port);
      continue;
    }
    const port = /^\d{1,5}$/.test(item) ? Number(item) : NaN;
    if (!(port >= 1 && port <= 65535))
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `${option} takes port numbers from 1 to 65535, 'default' or 'none'; got '${item}' (in ${received})`,
        { hint },
      );
    ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}
