import type { AgentLine, ProbePlan } from './protocol.js';

/**
 * The wire contract of a warm probe (`agent warm`), shared by the agent and the orchestrator. A warm probe stays up
 * between rounds and is driven over its own stdin and stdout, attached through the engine: no network port, so the
 * probe is never a listener anyone on its network could reach. One JSON object per line each way.
 */

/** The variable that gives the lease, in milliseconds. */
export const LEASE_ENV = 'DOCKPROBE_LEASE_MS';

/**
 * How long a warm probe lives without hearing from its orchestrator, unless told: a killed orchestrator leaves its
 * probes running at most this long. Renewals go every third of it, so two lost in a row still leave one to arrive.
 */
export const DEFAULT_LEASE_MS = 30_000;

/** The shortest and longest lease the agent takes; outside them it refuses to start. */
export const MIN_LEASE_MS = 1_000;
export const MAX_LEASE_MS = 10 * 60 * 1000;

/** How often the orchestrator renews a lease of `leaseMs`. */
export function renewEveryMs(leaseMs: number): number {
  return Math.max(250, Math.floor(leaseMs / 3));
}

/** What the orchestrator sends. Every line renews the lease. */
export type WarmRequest =
  /** Run `plan` now, as a cold probe would, its lines tagged with `round`. */
  | { type: 'round'; round: number; plan: ProbePlan }
  /** Nothing to do: still here. */
  | { type: 'renew' }
  /** Exit now (0). */
  | { type: 'stop' };

/**
 * What a warm agent prints: `ready` once, when it listens; then per round the cold agent's lines (hello, each
 * observation, done, or fatal), each carrying its round. A `fatal` without a round is the agent's own end.
 */
export type WarmLine =
  | { type: 'ready'; agent: string; node: string; leaseMs: number }
  | (AgentLine & { round: number })
  | { type: 'fatal'; message: string; round?: undefined };

/**
 * How a warm agent exits, besides the cold agent's codes (a round past its deadline exits as a cold agent does, with
 * AGENT_EXIT.DEADLINE; a plan it cannot read with AGENT_EXIT.PLAN_REFUSED): its lease ran out, or its stdin ended
 * (the orchestrator went away: the engine closes an attached stdin when the client that held it leaves).
 */
export const WARM_EXIT = { LEASE_EXPIRED: 5, STDIN_CLOSED: 0, STOPPED: 0, BAD_LEASE: 2 } as const;
