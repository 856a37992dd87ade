import { createHash } from 'node:crypto';
import { isLocalBridge, type Topology } from '../topology/topology.js';
import type { LanPlacement } from './plan.js';

/**
 * Where a run's LAN neighbour sits: a /30 of link-local addresses (169.254.200.0–169.254.249.255, which Docker never
 * hands out and no LAN routes), chosen from the run id so two runs on one host do not share a link, and a control
 * port on the host's end. The neighbour gets routes for the local bridge networks' IPv4 subnets only, never a default
 * route: nothing it sends can be forwarded past the host.
 */
export function lanPlacement(runId: string, topology: Topology): LanPlacement {
  const digest = createHash('sha256').update(runId).digest();
  const third = 200 + (digest[0]! % 50);
  const base = (digest[1]! % 64) * 4;
  const routes = [
    ...new Set(topology.networks.filter(isLocalBridge).flatMap((n) => n.subnets.filter((s) => !s.includes(':')))),
  ].sort();
  return {
    kind: 'lan',
    host: `169.254.${third}.${base + 1}`,
    neighbour: `169.254.${third}.${base + 2}`,
    controlPort: 40_000 + (digest.readUInt16BE(2) % 10_000),
    routes,
  };
}
