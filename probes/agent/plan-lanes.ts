import { type Check, isConnectLane, type ProbePlan } from './protocol.js';

/** One run of a check: the check, and the id its observation is reported under (`<id>@<n>` for a control's repeat). */
export interface QueuedRun {
  check: Check;
  id: string;
}

/** A lane: its runs in order, and how many of them may be in flight at once. */
export interface Lane {
  runs: QueuedRun[];
  limit: number;
}

/**
 * How a plan's queue of runs is split for running: with `connectConcurrency`, the tcp checks by address (the control
 * peers' among them) in a lane of their own under it, beside the rest under `concurrency`; without it, one lane.
 * Each lane keeps the queue's order, so a control's repeat stays among the checks of its lane it was placed among.
 */
export function planLanes(
  plan: Pick<ProbePlan, 'concurrency' | 'connectConcurrency'>,
  queue: readonly QueuedRun[],
): Lane[] {
  const concurrency = Math.max(1, plan.concurrency);
  if (plan.connectConcurrency === undefined) return [{ runs: [...queue], limit: concurrency }];
  return [
    { runs: queue.filter((r) => !isConnectLane(r.check)), limit: concurrency },
    { runs: queue.filter((r) => isConnectLane(r.check)), limit: Math.max(1, plan.connectConcurrency) },
  ].filter((lane) => lane.runs.length > 0);
}
