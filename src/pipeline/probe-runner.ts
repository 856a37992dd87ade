import type { Plan } from '../plan/plan.js';
import type { ProbeContext } from '../run/probe.js';
import type { ProbeResult } from '../run/probe-result.js';
import { runProbes } from '../run/run-probes.js';

/**
 * What runs a round's probes: the seam between a run and how its probes live. A runner may be asked again and again,
 * one plan per round; a probe that fails gives a failed result, never an exception.
 */
export interface ProbeRunner {
  /** Runs every probe of `plan` once: one result per probe, in the plan's order. */
  run(plan: Plan): Promise<ProbeResult[]>;
}

/** How a cold runner runs its probes. */
export interface ColdRunnerOptions {
  /** How long past its own deadline a probe may take before it is stopped (container start included). */
  graceMs?: number;
  /** Probes running at once; all of them when absent. */
  atOnce?: number;
  /** Called as each probe ends. */
  onProbe?: (result: ProbeResult) => void;
}

/**
 * Today's runner: cold. Each round, each probe is a container (a swarm job, a LAN neighbour, or dockprobe's own
 * process for the host) made for it, fed its plan, read, and removed as soon as its result is read.
 */
export function coldProbeRunner(context: ProbeContext, options: ColdRunnerOptions = {}): ProbeRunner {
  return { run: (plan) => runProbes(plan, context, options) };
}
