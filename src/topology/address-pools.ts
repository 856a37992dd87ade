import { inCidr } from '../../probes/agent/cidr.js';
import type { NetworkInfo } from '../docker/network-client.js';

/**
 * The subnets of the engine's default local address pools (moby's defaults, the same on 20.10 and 28): fifteen /16s
 * in 172.17–31 and sixteen /20s in 192.168.0.0/16, 31 networks in all. Engines started with `default-address-pools`
 * use others, which the API does not show.
 */
export const DEFAULT_POOL_SUBNETS: readonly string[] = [
  ...Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`),
];

/** How many default-pool subnets the networks leave free. */
export function freePoolSubnets(networks: readonly NetworkInfo[]): { free: number; total: number } {
  const used = networks.flatMap((n) => n.subnets).filter((s) => s.includes('.'));
  const free = DEFAULT_POOL_SUBNETS.filter((pool) => !used.some((s) => overlaps(pool, s))).length;
  return { free, total: DEFAULT_POOL_SUBNETS.length };
}

/**
 * A warning when fewer than `needed` default-pool subnets are free (undefined otherwise). Networks that cannot be
 * removed (a ghost endpoint keeps its network until dockerd restarts) keep their subnets, and a full pool makes
 * every later network create fail with "could not find an available, non-overlapping IPv4 address pool".
 */
export function addressPoolWarning(networks: readonly NetworkInfo[], needed = 6): string | undefined {
  const { free, total } = freePoolSubnets(networks);
  if (free >= needed) return undefined;
  return (
    `only ${free} of the engine's ${total} default address pools are free (if it uses the defaults): new networks ` +
    `may fail with "could not find an available, non-overlapping IPv4 address pool". Remove unused networks ` +
    `(docker network prune), check for networks left behind (dockprobe cleanup), or give dockerd larger default-address-pools`
  );
}

function overlaps(a: string, b: string): boolean {
  const base = (cidr: string) => cidr.split('/')[0] ?? '';
  return inCidr(base(a), b) || inCidr(base(b), a);
}
