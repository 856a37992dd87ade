import { isIP } from 'node:net';
import type { Check } from '../../probes/agent/protocol.js';
import type { DnsTarget, HttpTarget, TcpTarget } from '../scenario/scenario.js';
import type { Topology } from '../topology/topology.js';

/** What every check of one cell shares: its timeout, and retries only where the cell expects reachable. */
export interface Step {
  timeoutMs: number;
  retries: number;
}

/**
 * What of a target its check is made from. Its label and position are the report's: a target that no file names (a
 * drill's service name) has none, and needs none to be tried.
 */
export type CheckTarget =
  | Pick<TcpTarget, 'kind' | 'port'>
  | Pick<HttpTarget, 'kind' | 'url' | 'bytes'>
  | Pick<DnsTarget, 'kind'>;

/** The check that tries a target through its name, as an application would. */
export function nameCheck(target: CheckTarget, hostName: string, subnets: string[], step: Step): Check {
  const base = { timeoutMs: step.timeoutMs, ...(step.retries > 0 ? { retries: step.retries } : {}) };
  switch (target.kind) {
    case 'dns':
      return { id: '', kind: 'dns', name: hostName, subnets, ...base };
    case 'tcp':
      return { id: '', kind: 'tcp', host: hostName, port: target.port!, subnets, ...base };
    case 'http':
      return { id: '', kind: 'http', url: target.url, subnets, ...base, ...bodyOf(target) };
  }
}

/** An HTTP target's `bytes:` as the check's `minBytes`: the body must arrive whole. */
export function bodyOf(target: CheckTarget): { minBytes?: number } {
  return target.kind === 'http' && target.bytes !== undefined ? { minBytes: target.bytes } : {};
}

/** `url` with its host replaced by an address (IPv6 in brackets). */
export function withHost(url: string, address: string): string {
  const u = new URL(url);
  u.hostname = isIP(address) === 6 ? `[${address}]` : address;
  return u.toString();
}

/** Whether a port binding's host address is every interface of the host: unset, or IPv4's or IPv6's wildcard. */
export function bindsAllInterfaces(hostIp: string): boolean {
  return hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';
}

/** `address:port`, with an IPv6 address in brackets so the port cannot be read as part of it. */
export function hostPort(address: string | undefined, port: number | undefined): string {
  const host = address?.includes(':') ? `[${address}]` : (address ?? '');
  return port === undefined ? host : `${host}:${port}`;
}

/** `url` aimed at another address and port (a published binding). */
export function withHostPort(url: string, address: string, port: number): string {
  const u = new URL(withHost(url, address));
  u.port = String(port);
  return u.toString();
}

/** A network as reports name it: its Compose name, else its Docker name. */
export function networkLabel(topology: Topology, id: string, fallback: string): string {
  const n = topology.networks.find((x) => x.id === id);
  return n?.composeName ?? n?.name ?? fallback;
}
