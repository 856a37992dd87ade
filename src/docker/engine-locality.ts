import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { withTimeout } from '../../probes/agent/with-timeout.js';

/**
 * Where the engine runs, as seen from this process: on this machine (its socket, or tcp/ssh to an address of this
 * network namespace), or on another host, which `from: host` and `from: lan` cannot speak for.
 */
export type EngineLocality =
  | { remote: false }
  | {
      remote: true;
      /** The engine's host as the endpoint names it (a name or an address). */
      host: string;
    };

/** What {@link engineLocality} asks of this machine (tests give fixtures). */
export interface LocalityProbe {
  /** Every address a name resolves to; rejects when it resolves to none. */
  resolve(name: string): Promise<string[]>;
  /** The addresses of this network namespace's interfaces. */
  ownAddresses(): string[];
}

const system: LocalityProbe = {
  resolve: async (name) => (await lookup(name, { all: true })).map((a) => a.address),
  ownAddresses: () =>
    Object.values(networkInterfaces())
      .flat()
      .flatMap((i) => (i ? [i.address] : [])),
};

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether `address` (IPv4, IPv6, or IPv4-mapped IPv6) is a loopback address. */
export function isLoopback(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return LOOPBACK.check(mapped, 'ipv4');
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether the engine at `endpoint` (as DOCKER_HOST takes it) is remote. A socket (unix://, npipe://) is local. A tcp://
 * or ssh:// endpoint is local when every address its host resolves to is loopback or an address of this network
 * namespace's own interfaces (the engine's published ports and bridges are then this process's too); anything else is
 * remote, a name that does not resolve (within `timeoutMs`) included: a check made from the wrong machine is the error
 * to avoid.
 */
export async function engineLocality(
  endpoint: string,
  probe: LocalityProbe = system,
  timeoutMs = 10_000,
): Promise<EngineLocality> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { remote: false };
  }
  if (!['tcp:', 'http:', 'https:', 'ssh:'].includes(url.protocol) || !url.hostname) return { remote: false };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : await withTimeout(probe.resolve(host), timeoutMs, () => new Error(`no answer for ${host}`)).catch(
        () => [] as string[],
      );
  const own = new Set(probe.ownAddresses().map((a) => a.toLowerCase()));
  const local = addresses.length > 0 && addresses.every((a) => isLoopback(a) || own.has(a.toLowerCase()));
  return local ? { remote: false } : { remote: true, host };
}
