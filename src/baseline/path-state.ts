import type { VerdictCode } from '../judge/verdict.js';

/**
 * What a verdict says of the path itself, whatever was expected: `open` (something answered at the target: a
 * connection, an HTTP answer, a refusal from its host, a name that resolved, a published port, egress), `closed` (no
 * answer, with the probe's controls proving one could have come), or `unknown` (inconclusive, or a configuration
 * finding that says nothing of a path). A baseline keeps this, not pass or fail: the same path is a pass under one
 * expectation and a FAIL under the other.
 */
export type PathState = 'open' | 'closed' | 'unknown';

// Every code, classified: a new code does not compile until it says what it means for a path.
const STATE: Record<VerdictCode, PathState> = {
  reached: 'open',
  resolved: 'open',
  'path-open': 'open',
  'reached-over-ipv6': 'open',
  'http-status-mismatch': 'open',
  'not-http': 'open',
  'vip-silent': 'open',
  'published-all-interfaces': 'open',
  'published-on-address': 'open',
  'lan-reached-container': 'open',
  'lan-reached-published': 'open',
  'egress-open': 'open',
  'traefik-route-reached': 'open',
  'mtu-black-hole': 'open',
  'answer-incomplete': 'open',
  'no-answer': 'closed',
  'not-routable-from-lan': 'unknown',
  'not-resolved': 'closed',
  blocked: 'closed',
  'blocked-by-name': 'closed',
  'not-published': 'closed',
  'dropped-by-docker': 'closed',
  'no-egress': 'closed',
  'no-embedded-dns': 'closed',
  'traefik-no-answer': 'closed',
  'traefik-network-not-shared': 'closed',
  'traefik-network-ambiguous': 'unknown',
  'traefik-label-ignored': 'unknown',
  'traefik-label-not-found': 'unknown',
  'traefik-labels-conflict': 'unknown',
  'traefik-no-port': 'unknown',
  'traefik-config-unseen': 'unknown',
  'traefik-version-unknown': 'unknown',
  'traefik-server-unreachable': 'closed',
  'traefik-choice-unexplained': 'unknown',
  'source-not-running': 'unknown',
  'target-not-running': 'unknown',
  'target-in-host-network': 'unknown',
  'node-unavailable': 'unknown',
  'probe-failed': 'unknown',
  'check-unfinished': 'unknown',
  'dns-control-failed': 'unknown',
  'reach-control-failed': 'unknown',
  'ipv6-control-failed': 'unknown',
  unclassified: 'unknown',
  'world-changed': 'unknown',
  'silent-port-host-answered': 'unknown',
};

/** The state of the path a verdict with this code saw. */
export function pathState(code: VerdictCode): PathState {
  return STATE[code];
}
