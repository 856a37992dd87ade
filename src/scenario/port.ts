import { quoted } from './quoted.js';

/** Well-known port names a scenario may use instead of numbers (`postgres:postgres`, `{ port: redis }`). */
export const WELL_KNOWN_PORTS: Readonly<Record<string, number>> = {
  ssh: 22,
  smtp: 25,
  dns: 53,
  http: 80,
  https: 443,
  mysql: 3306,
  mariadb: 3306,
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
  amqp: 5672,
  rabbitmq: 5672,
  mongodb: 27017,
  mongo: 27017,
  memcached: 11211,
  elasticsearch: 9200,
  kafka: 9092,
  nats: 4222,
  etcd: 2379,
  docker: 2375,
  'docker-tls': 2376,
};

/** Parses a port number or well-known name; a message says why not when it is neither. */
export function parsePort(value: string | number): { port: number } | { error: string; hint: string } {
  const text = String(value).trim();
  if (/^\d+$/.test(text)) {
    const port = Number(text);
    if (port >= 1 && port <= 65535) return { port };
    return { error: `port ${text} is out of range`, hint: 'a port is a whole number from 1 to 65535' };
  }
  const known = WELL_KNOWN_PORTS[text.toLowerCase()];
  if (known !== undefined) return { port: known };
  return {
    error: `${quoted(text)} is not a port`,
    hint: `use a number from 1 to 65535 or a known name (${Object.keys(WELL_KNOWN_PORTS).slice(0, 8).join(', ')}, …)`,
  };
}
