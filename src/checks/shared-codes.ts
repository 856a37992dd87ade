import type { CodeTable, KeysOf } from './code-table.js';

// The codes no one kind owns. A kind's own codes are in its folder (checks/<kind>/<kind>-cell.ts); the verdict codes
// are these and every kind's (checks/verdict-codes.ts).

/** What an attempt saw, in the words several kinds give it. */
export const OUTCOME_CODES = {
  reached: {
    path: 'open',
    meaning: 'the target answered: a TCP connection opened, or an HTTP answer came with the expected status',
  },
  resolved: { path: 'open', meaning: "the name resolved on the target's networks (a dns: target)" },
  'path-open': {
    path: 'open',
    meaning:
      "the target's host answered with a refusal or a reset: nothing listens there, but the network path is open",
  },
  'no-answer': { path: 'closed', meaning: 'no packet came back: a timeout, or no route to the target (unreachable)' },
  'not-resolved': {
    path: 'closed',
    meaning: 'the name does not resolve on this network, and the DNS control proved the server answers',
  },
  'name-forwarded-upstream': {
    path: 'closed',
    meaning:
      "the only attempts were by name, and the name does not resolve here (DNS control passed), but the source's DNS forwarded it to resolvers upstream, which may send it off the host (Podman's aardvark-dns, from a network that is not internal)",
  },
  blocked: {
    path: 'closed',
    meaning:
      "every attempt, by name and by address, was blocked, and the probe's controls proved it could have seen an answer",
  },
  unclassified: {
    path: 'unknown',
    meaning: 'an attempt failed in a way dockprobe cannot classify: never counted as blocked',
  },
} as const satisfies CodeTable;

/** Why a cell cannot be decided whatever its probe sees, said when it is planned (Cell.precondition). */
export const PRECONDITION_CODES = {
  'source-not-running': { path: 'unknown', meaning: 'the source service has no running container to probe from' },
  'target-not-running': {
    path: 'unknown',
    meaning: 'the target service has no running container: nothing to prove against',
  },
  'node-unavailable': {
    path: 'unknown',
    meaning: 'the swarm node to probe from is down, drained or paused: no probe can run there',
  },
  'target-in-host-network': {
    path: 'unknown',
    meaning:
      "the target runs in the host's network namespace (network_mode: host) and nothing decides it: a name it never has, no bridge gateway to try the host at, or a refusal there (it may listen on another host address)",
  },
  'not-routable-from-lan': {
    path: 'unknown',
    meaning:
      'the target has no address a LAN neighbour could route to through this host (no running container on a local bridge network)',
  },
} as const satisfies CodeTable;

/** The codes of the fail-closed rules (judge/fail-closed.ts), the same for every kind and every front end. */
export const FAIL_CLOSED_CODES = {
  'probe-failed': { path: 'unknown', meaning: 'the probe did not run, crashed, or lost the namespace it joined' },
  'check-unfinished': { path: 'unknown', meaning: 'the probe ended before this check finished' },
  'dns-control-failed': {
    path: 'unknown',
    meaning: "a name did not resolve, but the probe's DNS control failed too: a silent server cannot be ruled out",
  },
  'reach-control-failed': {
    path: 'unknown',
    meaning: 'no answer came, but the probe never proved it can reach anything',
  },
  'no-control-peer': {
    path: 'unknown',
    meaning:
      'no answer came, and the source had nothing to prove reach against: no running peer on its network, and dockprobe could not add a control peer of its own there (a namespace shared with another container, a swarm overlay that is not attachable, a network that refuses it); the reason says what to do',
  },
  'ipv6-control-failed': {
    path: 'unknown',
    meaning: 'blocked over IPv4, but the probe never proved it can reach anything over IPv6, so IPv6 is unproven',
  },
  'world-changed': {
    path: 'unknown',
    meaning:
      'blocked, but a container the cell rests on stopped, restarted, was removed or changed networks during the run',
  },
} as const satisfies CodeTable;

/** The tables of the codes no one kind owns. */
export type SharedCodeTable = typeof OUTCOME_CODES | typeof PRECONDITION_CODES | typeof FAIL_CLOSED_CODES;

/** A code no one kind owns. */
export type SharedCode = KeysOf<SharedCodeTable>;

/** Why a cell cannot be decided, said when it is planned. */
export type PreconditionCode = keyof typeof PRECONDITION_CODES;
