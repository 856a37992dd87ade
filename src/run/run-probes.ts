import { performance } from 'node:perf_hooks';
import { DEFAULT_PROBE_GRACE_MS, type Observation } from '../../probes/agent/protocol.js';
import { runPlan } from '../../probes/agent/run-plan.js';
import { ErrorCodes, isDockprobeError } from '../errors/dockprobe-error.js';
import type { LanPlacement, Plan, ProbeSpec } from '../plan/plan.js';
import { bindOwnControlPeer } from '../plan/own-control-peer.js';
import { timed } from '../pipeline/run-timings.js';
import { ControlPeers } from './control-peers.js';
import { LanNeighbour, type StartedLanNeighbour } from './lan-neighbour.js';
import { Probe, type ProbeContext, type StartedProbe } from './probe.js';
import { ProbeFailedError } from './probe-failed-error.js';
import { probeResult, type ProbeErrorCode, type ProbeResult } from './probe-result.js';
import { slots } from './slots.js';

export { DEFAULT_PROBE_GRACE_MS } from '../../probes/agent/protocol.js';

/**
 * Starts every probe of the plan in parallel (at most `atOnce` at a time, when given, in the plan's order), waits for
 * each, and removes each container as soon as its result is read. A probe that asked for a control peer of dockprobe's
 * own gets it from `controlPeers` (the runner's, kept across its rounds; else one for this round alone, removed with
 * the run). A probe that fails to start yields a failed result,
 * never an exception: the judge turns it into inconclusive. Swarm jobs bound for the same node run one after another:
 * a job attaches its overlay to the node, and while a node joins an overlay's gossip its embedded DNS answered
 * SERVFAIL for names it had resolved a moment before, in the other jobs running there (seen on the three-node test
 * cluster, on the node with no task of the stack). One job at a time keeps each probe's world its own.
 */
export async function runProbes(
  plan: Plan,
  context: ProbeContext,
  options: {
    graceMs?: number;
    atOnce?: number;
    /** Called as each probe gets its slot, before it is started. */
    onStart?: (spec: ProbeSpec) => void;
    onProbe?: (result: ProbeResult) => void;
    controlPeers?: ControlPeers;
  } = {},
): Promise<ProbeResult[]> {
  const graceMs = options.graceMs ?? DEFAULT_PROBE_GRACE_MS;
  const results = new Map<string, ProbeResult>();
  const slot = slots(options.atOnce);
  // A probe with no running peer on its network waits for its control peer (made once per network) before it starts,
  // and runs with the peer's address in its plan, or without the checks that would have tried it.
  const peerOf = (options.controlPeers ?? new ControlPeers({ ...context, readyTimeoutMs: graceMs })).forRound();
  const one = async (spec: ProbeSpec) => {
    const own = spec.controls.ownPeer;
    const peer = own?.kind === 'wanted' ? await peerOf(own.network) : undefined;
    // Told within its slot, so that what is told of starts and ends never has more running than `atOnce`. Told as
    // soon as its result is read, before its container is removed (a round reads its window meanwhile); the slot is
    // held until the removal ends, so no more than `atOnce` probes exist at once.
    const result = await slot(async () => {
      options.onStart?.(spec);
      const { result: ended, removed } = await runOne(bindOwnControlPeer(spec, peer), context, graceMs);
      if (peer) ended.controlPeer = peer;
      try {
        options.onProbe?.(ended);
      } finally {
        await removed;
      }
      return ended;
    });
    results.set(spec.key, result);
  };
  const lanes = new Map<string, ProbeSpec[]>();
  for (const spec of plan.probes)
    if (spec.placement.kind === 'job')
      lanes.set(spec.placement.node.id, [...(lanes.get(spec.placement.node.id) ?? []), spec]);
  await Promise.all([
    ...plan.probes.filter((spec) => spec.placement.kind !== 'job').map(one),
    ...[...lanes.values()].map(async (specs) => {
      for (const spec of specs) await one(spec);
    }),
  ]);
  return plan.probes.map((spec) => results.get(spec.key)!);
}

/** A probe's result once read, and the removal of what ran it, begun then (it never rejects). */
interface Ended {
  result: ProbeResult;
  removed: Promise<void>;
}

const NOTHING_TO_REMOVE = Promise.resolve();

async function runOne(spec: ProbeSpec, context: ProbeContext, graceMs: number): Promise<Ended> {
  if (spec.placement.kind === 'host') return { result: await runOnHost(spec), removed: NOTHING_TO_REMOVE };
  if (spec.placement.kind === 'lan') return runOnLan({ ...spec, placement: spec.placement }, context, graceMs);
  const { timings } = context;
  let started: StartedProbe;
  try {
    started = await timed(timings, 'probe create/start', () => new Probe(spec, context).start(), spec.key);
  } catch (error) {
    return {
      result: probeResult(
        spec,
        {},
        {
          code: startFailureCode(error),
          text: `probe ${spec.containerName} did not start: ${(error as Error).message}`,
        },
      ),
      removed: NOTHING_TO_REMOVE,
    };
  }
  // A removal that fails (the engine went away) must not reject the whole run: what was observed still counts, and
  // the cleanup stack keeps the failure, so the report names the container and the command that removes it.
  const remove = () => timed(timings, 'probe removal', () => started.stop(), spec.key).catch(() => undefined);
  let result: ProbeResult;
  try {
    result = await timed(timings, 'probe run', () => started.result(graceMs), spec.key);
  } catch (error) {
    await remove();
    throw error;
  }
  return { result, removed: remove() };
}

// The LAN perspective runs the agent as a hardened process in a neighbour namespace made for the run (lan-neighbour.ts).
async function runOnLan(
  spec: ProbeSpec & { placement: LanPlacement },
  context: ProbeContext,
  graceMs: number,
): Promise<Ended> {
  let started: StartedLanNeighbour;
  try {
    started = await new LanNeighbour(spec, {
      runId: context.runId,
      cleanup: context.cleanup,
      engineEndpoint: context.runtime.endpoint,
    }).start();
  } catch (error) {
    return {
      result: probeResult(
        spec,
        {},
        {
          code: startFailureCode(error),
          text: `LAN neighbour for run ${context.runId} not made: ${(error as Error).message}`,
        },
      ),
      removed: NOTHING_TO_REMOVE,
    };
  }
  const remove = () => started.stop().catch(() => undefined);
  let result: ProbeResult;
  try {
    result = await started.result(graceMs);
  } catch (error) {
    await remove();
    throw error;
  }
  return { result, removed: remove() };
}

// Why a probe did not start: the run stopping says so by its code, a cause known where it was found comes with its
// own; anything else (the engine refused or failed the create or start, an `ip` call failed) left it not started.
function startFailureCode(error: unknown): ProbeErrorCode {
  if (error instanceof ProbeFailedError) return error.code;
  if (isDockprobeError(error) && error.code === ErrorCodes.ABORTED) return 'aborted';
  return 'not-started';
}

// The host perspective runs the agent's own check code in this process: it knocks on published ports from where
// dockprobe runs (loopback for all-interfaces bindings), exactly as a client on this host would.
async function runOnHost(spec: ProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const observations = new Map<string, Observation>();
  await runPlan(spec.plan, (o) => observations.set(o.id, o));
  return probeResult(spec, { observations, durationMs: Math.round(performance.now() - started) });
}
