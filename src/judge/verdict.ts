import type { Observation } from '../../probes/agent/protocol.js';
import type { Attempt, Cell } from '../plan/plan.js';
import type { ProbeErrorCode } from '../run/probe-result.js';

/** pass: the expectation holds, with proof. fail: it does not. inconclusive: dockprobe could not tell. */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive';

/** One attempt and what it saw (nothing, when the probe never reported it). */
export interface Evidence {
  attempt: Attempt;
  observation: Observation | undefined;
}

/**
 * Why a verdict is what it is, as a stable code beside the text: scripts and tests match on it, and it is the same on
 * every engine where the text tells each engine's own truth. The status says whether it matches the expectation.
 */
export const VERDICT_CODES = {
  reached: 'the target answered: a TCP connection opened, or an HTTP answer came with the expected status',
  resolved: "the name resolved on the target's networks (a dns: target)",
  'path-open':
    "the target's host answered with a refusal or a reset: nothing listens there, but the network path is open",
  'reached-over-ipv6': 'blocked over IPv4, but the target answered over IPv6 (by AAAA record or at its IPv6 address)',
  'http-status-mismatch': 'an HTTP answer came, with another status than the one expected',
  'not-http': 'the port answered, but not with HTTP',
  'no-answer': 'no packet came back: a timeout, or no route to the target (unreachable)',
  'vip-silent':
    "a swarm service's virtual IP did not answer while its tasks did: load balancing is broken, not isolation",
  'not-resolved': 'the name does not resolve on this network, and the DNS control proved the server answers',
  blocked:
    "every attempt, by name and by address, was blocked, and the probe's controls proved it could have seen an answer",
  'blocked-by-name': 'the only attempts were by name, and the name does not resolve here (DNS control passed)',
  'published-all-interfaces': 'the port is published on all interfaces of the host',
  'published-on-address': 'the port is published on specific host addresses only',
  'lan-reached-container':
    "from the LAN (a neighbour routing the containers' subnets through the host), the container answered at its own address, straight through the host's forwarding: whatever the port's binding, e.g. published only on 127.0.0.1 on engines before 28.0 (moby/moby#45610)",
  'lan-reached-published': "from the LAN, the port answered at the host's address: it is published on all interfaces",
  'not-routable-from-lan':
    'the target has no address a LAN neighbour could route to through this host (no running container on a local bridge network)',
  'not-published': 'the port is not published on the host',
  'dropped-by-docker':
    'the port is configured to be published, but Docker dropped it: the service is only on internal networks',
  'egress-open': 'an internet target answered: egress is open',
  'no-egress': 'no internet target answered (or there is no default route): no egress',
  'traefik-route-reached':
    "Traefik's network for the routed service is settled on one the proxy shares, and the service answers there at its load-balancer port from inside the proxy",
  'traefik-network-ambiguous':
    'the routed service is on several networks and nothing chooses among them: Traefik picks any, and may pick another at each rebuild (an intermittent 502)',
  'traefik-label-ignored':
    'a network label is set that this Traefik provider and version does not read: it chooses nothing',
  'traefik-label-not-found':
    "the network label names no network of the routed service (often the project's prefix is missing): Traefik falls back to any of its networks",
  'traefik-labels-conflict':
    'a Swarm service carries both traefik.docker.* and traefik.swarm.* labels: Traefik v3.2.2+ drops it',
  'traefik-no-port':
    'no load-balancer port label and no exposed port (or a label that is not a port): Traefik has no port to send to',
  'traefik-network-not-shared':
    'the network Traefik uses for the routed service is not one the proxy is on: every request gets 502',
  'traefik-no-answer': 'the routed service does not answer on the network and port Traefik uses, from inside the proxy',
  'traefik-config-unseen':
    "the proxy's default-network option decides, and its static configuration is not on its command line: not guessed",
  'traefik-version-unknown':
    "which network label Traefik reads depends on a version the proxy's image does not tell: not guessed",
  'source-not-running': 'the source service has no running container to probe from',
  'target-not-running': 'the target service has no running container: nothing to prove against',
  'target-in-host-network':
    "the target runs in the host's network namespace (network_mode: host) and nothing decides it: a name it never has, no bridge gateway to try the host at, or a refusal there (it may listen on another host address)",
  'mtu-black-hole':
    'a large answer stalled across an overlay while its start arrived: frames larger than the path between the nodes are lost (MTU)',
  'answer-incomplete': 'the answer began but fewer bytes than `bytes:` asks for arrived',
  'node-unavailable': 'the swarm node to probe from is down, drained or paused: no probe can run there',
  'no-embedded-dns':
    "the source has no embedded DNS (Docker's default bridge): the deployment's names do not resolve there, so it is tried by address only",
  'probe-failed': 'the probe did not run, crashed, or lost the namespace it joined',
  'check-unfinished': 'the probe ended before this check finished',
  'dns-control-failed':
    "a name did not resolve, but the probe's DNS control failed too: a silent server cannot be ruled out",
  'reach-control-failed': 'no answer came, but the probe never proved it can reach anything',
  'ipv6-control-failed':
    'blocked over IPv4, but the probe never proved it can reach anything over IPv6, so IPv6 is unproven',
  unclassified: 'an attempt failed in a way dockprobe cannot classify: never counted as blocked',
  'world-changed':
    'blocked, but a container the cell rests on stopped, restarted, was removed or changed networks during the run',
  'silent-port-host-answered':
    "(drill) a container's port did not answer, but the same address answered the same probe on another port: the path is open, and the silence is the listener's (a full backlog under load) or a filter on that port alone, never counted as blocked",
} as const;

/** One of {@link VERDICT_CODES}. */
export type VerdictCode = keyof typeof VERDICT_CODES;

/** What a cell's judgement and its verdict both say: the status, its code, what was seen, why, the evidence. */
export interface Judged {
  status: VerdictStatus;
  /** Why, as a stable code (see {@link VERDICT_CODES}). */
  code: VerdictCode;
  /** For `probe-failed` and `check-unfinished`: why the probe failed, when it did (see PROBE_ERROR_CODES). */
  probeErrorCode?: ProbeErrorCode;
  /** What was seen, in a word or two: `open`, `http 200`, `timeout`, `nxdomain` … */
  observed: string;
  /** Why, in a sentence. */
  reason: string;
  /** Latency of the decisive observation, in milliseconds. */
  latencyMs: number | undefined;
  evidence: Evidence[];
}

/** The verdict on one (expectation, target) cell. */
export interface Verdict extends Judged {
  cellId: string;
  expectation: string;
  /** Where in the scenario the expectation is: file:line:col. */
  location: string;
  source: string;
  target: string;
  expected: 'reachable' | 'blocked';
}

/** What a probe's controls proved. */
export interface ControlResult {
  probeKey: string;
  /** The DNS server answered the probe's own name. */
  dns: boolean;
  /** The probe reached something (a peer, or a target expected reachable). */
  reach: boolean;
  /**
   * The probe reached a peer over IPv6, at first and after every check; undefined when it tried nothing over IPv6.
   * IPv6 is its own path (own addresses, own rules): an IPv4 control proves nothing about it.
   */
  reach6: boolean | undefined;
  /**
   * The peer the reach control reached: a running container of the deployment, or a control peer dockprobe added for
   * the run because the source had none. Absent when the reach control rested on something else (a target expected
   * reachable, a drill's port that opened) or did not hold.
   */
  peer?: ControlPeerUsed;
  detail: string;
}

/** A peer a probe's reach control reached (see ControlResult.peer). */
export type ControlPeerUsed =
  | { kind: 'service'; service: string; container: string; address: string; port: number }
  | {
      kind: 'dockprobe';
      /** The control peer's container name and short id. */
      container: string;
      containerId: string;
      /** The source network it was added to (and the only one it joined). */
      network: string;
      address: string;
      port: number;
    };

/**
 * What the judge found for one cell, before a front end words it: a scenario as a verdict against its expectation
 * (verdictOf), a drill as a row (drillRow), a snapshot as a path of a baseline. Its code says what the path is
 * (pathState); its status says it against what the cell asks: a scenario's expectation, or for a cell without one (a
 * drill's) whether the path is blocked, proven as a scenario proves a blocked expectation.
 */
export interface Judgement<C extends Cell = Cell> extends Judged {
  cell: C;
  /** The observation that decided it, where its kind names one (a drill's row shows it as its evidence). */
  decisive?: Observation;
  /**
   * On a path open where it is asked to be blocked: the networks created or removed during the run. dockerd
   * re-inserts its isolation rules whenever a network is created (moby/moby#43585), so a breach seen only then may be
   * transient; it stays a finding, and the front end says so.
   */
  networkEvents?: string[];
}

/**
 * Makes a cell's judgement: its status, code, what was seen in a word or two, the reason, the decisive latency, and
 * the decisive observation where the kind names one.
 */
export type MakeJudgement = (
  status: VerdictStatus,
  code: VerdictCode,
  observed: string,
  reason: string,
  latencyMs?: number,
  decisive?: Observation,
) => Judgement;
