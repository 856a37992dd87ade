import type { Plan, ProbeSpec } from '../plan/plan.js';
import type { ProbeContext } from '../run/probe.js';
import type { ProbeResult } from '../run/probe-result.js';
import { DEFAULT_PROBE_GRACE_MS } from '../../probes/agent/protocol.js';
import { ControlPeers } from '../run/control-peers.js';
import { runProbes } from '../run/run-probes.js';

/**
 * What runs a round's probes: the seam between a run and how its probes live. A runner may be asked again and again,
 * one plan per round; a probe that fails gives a failed result, never an exception. A probe whose source has no
 * running peer asks for a control peer of dockprobe's own (ProbeSpec.controls.ownPeer): the runner gives it one that
 * answered before the probe starts (run/control-peers.ts: one per network, kept while the runner lives, replaced if it
 * died), and says which in the probe's result (ProbeResult.controlPeer), or why there was none.
 */
export interface ProbeRunner {
  /**
   * Runs every probe of `plan` once: one result per probe, in the plan's order. `onResult`, when given, is told each
   * result as its probe ends (a runner that cannot tell leaves it to the caller to read them all at the end).
   */
  run(plan: Plan, onResult?: (result: ProbeResult) => void): Promise<ProbeResult[]>;
}

/** How a cold runner runs its probes. */
export interface ColdRunnerOptions {
  /** How long past its own deadline a probe may take before it is stopped (container start included). */
  graceMs?: number;
  /** Probes running at once; all of them when absent. */
  atOnce?: number;
  /** Called as each probe gets its slot, before it is started. */
  onStart?: (spec: ProbeSpec) => void;
  /** Called as each probe ends. */
  onProbe?: (result: ProbeResult) => void;
  /** Progress lines: each control peer of dockprobe's own made, replaced, or refused. */
  log?: (message: string) => void;
  /**
   * The control peers to give probes that need one, when another runner shares them (watch: its warm runner retires
   * them each round and at close); the runner makes its own, kept for its rounds, when absent.
   */
  controlPeers?: ControlPeers;
}

/**
 * Today's runner: cold. Each round, each probe is a container (a swarm job, a LAN neighbour, or dockprobe's own
 * process for the host) made for it, fed its plan, read, and removed as soon as its result is read.
 */
export function coldProbeRunner(context: ProbeContext, options: ColdRunnerOptions = {}): ProbeRunner {
  // The control peers outlive a round: made once per network for the runner's rounds, removed with the run.
  const controlPeers =
    options.controlPeers ??
    new ControlPeers({
      ...context,
      readyTimeoutMs: options.graceMs ?? DEFAULT_PROBE_GRACE_MS,
      ...(options.log ? { log: options.log } : {}),
    });
  return {
    run: (plan, onResult) =>
      runProbes(plan, context, {
        ...options,
        controlPeers,
        onProbe: (result) => {
          options.onProbe?.(result);
          onResult?.(result);
        },
      }),
  };
}
