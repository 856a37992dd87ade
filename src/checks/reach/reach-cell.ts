import type { HostTarget } from '../../scenario/scenario.js';
import type { ExpectedCell } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/** A zone or a service (or the host, for an outside host) trying to reach one host: by name and, when it must stay
 * blocked, by every address of the target on every network. */
export interface ReachCell extends ExpectedCell {
  kind: 'reach';
  target: HostTarget;
  /**
   * Set when the source has no embedded DNS (the default bridge): the deployment's names cannot resolve there, so
   * the target is tried by address only, and a `dns:` target is decided by this fact alone.
   */
  noEmbeddedDns: string | undefined;
  /**
   * For an HTTP target with `bytes:`: the overlays the answer crosses (their MTU option) and the nodes at each end, so
   * a large answer that stalls while small ones pass is named for what it is (an MTU black hole) and where.
   */
  path?: { overlays: { name: string; mtu: number | undefined }[]; from: string; to: string[] } | undefined;
  /**
   * Set when the target runs in the host's network namespace (network_mode: host): it is tried at the host's address
   * on each of the source's bridges (their gateway). A refusal there is the host saying nothing listens at that
   * address, not a path into the target (every container reaches its gateway), and not proof either way.
   */
  hostNetwork?: boolean | undefined;
  /**
   * Set when the source's DNS is known to forward a name it holds no record of to resolvers upstream (Podman's
   * aardvark-dns, from a network that is not internal): where, in words. A name that does not resolve here was asked
   * there too, which the verdict says.
   */
  namesForwarded?: string | undefined;
}

/** The codes a reach cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const REACH_CODES = {
  'reached-over-ipv6': {
    path: 'open',
    meaning: 'blocked over IPv4, but the target answered over IPv6 (by AAAA record or at its IPv6 address)',
  },
  'http-status-mismatch': { path: 'open', meaning: 'an HTTP answer came, with another status than the one expected' },
  'not-http': { path: 'open', meaning: 'the port answered, but not with HTTP' },
  'vip-silent': {
    path: 'open',
    meaning: "a swarm service's virtual IP did not answer while its tasks did: load balancing is broken, not isolation",
  },
  'blocked-by-name': {
    path: 'closed',
    meaning: 'the only attempts were by name, and the name does not resolve here (DNS control passed)',
  },
  'mtu-black-hole': {
    path: 'open',
    meaning:
      'a large answer stalled across an overlay while its start arrived: frames larger than the path between the nodes are lost (MTU)',
  },
  'answer-incomplete': { path: 'open', meaning: 'the answer began but fewer bytes than `bytes:` asks for arrived' },
  'no-embedded-dns': {
    path: 'closed',
    meaning:
      "the source has no embedded DNS (Docker's default bridge): the deployment's names do not resolve there, so it is tried by address only",
  },
} as const satisfies CodeTable;
