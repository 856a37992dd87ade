import { DEFAULT_PROBE_GRACE_MS } from '../../probes/agent/protocol.js';
import { ErrorCodes, isDockprobeError } from '../errors/dockprobe-error.js';
import type { Plan, ProbeSpec } from '../plan/plan.js';
import { bindOwnControlPeer } from '../plan/own-control-peer.js';
import { ControlPeers } from '../run/control-peers.js';
import { ProbeFailedError } from '../run/probe-failed-error.js';
import { probeResult, type ProbeResult } from '../run/probe-result.js';
import type { ProbeRunner } from './probe-runner.js';
import { WarmProbe, type WarmProbeContext, warmIdentity } from './warm-probe.js';

/** What happened to a warm probe, as the runner tells its caller. */
export interface WarmProbeChange {
  what: 'started' | 'replaced' | 'retired' | 'failed-to-start';
  /** The probe's container name, and the probe key it serves. */
  name: string;
  key: string;
  /** Why: the probe's last words when it ended, the round that failed it, what its placement became. */
  why: string;
}

/** How a warm runner runs its probes. */
export interface WarmRunnerOptions {
  /** How long past a round's deadline a warm probe may take before it is ended. */
  graceMs?: number;
  /** Runs the probes that are not kept warm (the host, a LAN neighbour, a swarm job): a cold runner. */
  cold: ProbeRunner;
  /** Called as each probe's round ends. */
  onProbe?: (result: ProbeResult) => void;
  /**
   * The control peers of dockprobe's own for probes whose source has no running peer: one per network, kept across
   * rounds. Give the same to `cold` (coldProbeRunner's controlPeers), so that one pool serves both runners: this runner
   * retires the peers no probe of a round asked for at the round's end, and removes them all at close. Made from the
   * context when absent.
   */
  controlPeers?: ControlPeers;
  /** Called with what could not be removed of a control peer no probe needs any more (it goes with the run). */
  onPeerFailure?: (failure: string) => void;
  /** Called when a warm probe starts, is replaced, retired, or cannot start. */
  onChange?: (change: WarmProbeChange) => void;
}

/** A runner whose probes outlive a round; close() removes them. */
export interface WarmProbeRunner extends ProbeRunner {
  /** The containers of its warm probes now: their own events are not the world's. */
  containerIds(): ReadonlySet<string>;
  /** Warm probes now, by container name. */
  probes(): { name: string; id: string; key: string; rounds: number }[];
  /** Removes every warm probe and control peer; returns what could not be removed (each named). */
  close(): Promise<string[]>;
}

/**
 * A runner that keeps a probe warm on each source network and in each source service's namespace (warm-probe.ts): a
 * round costs the checks' own time, not container starts. A plan's probe is served by the warm probe of the same
 * placement (warmIdentity), started on first need; one that ended (killed, out of memory) is replaced at once, without
 * a round, and so is one that ended during a round, as that round ends: a replacement is no round, and says no verdict,
 * so the next round, whenever it runs, finds a probe ready. A placement is replaced so at most once between two rounds
 * (a probe that keeps dying waits for the next round, and costs a container start per round, not a loop). One that
 * failed its last round and still runs is replaced before the next; one no plan needs any more (a service re-created:
 * its probe sat in the old container) is retired. The host's own perspective, LAN neighbours and swarm jobs run cold,
 * through `options.cold`.
 */
export function warmProbeRunner(context: WarmProbeContext, options: WarmRunnerOptions): WarmProbeRunner {
  const graceMs = options.graceMs ?? DEFAULT_PROBE_GRACE_MS;
  const controlPeers = options.controlPeers ?? new ControlPeers({ ...context, readyTimeoutMs: graceMs });
  const pool = new Map<string, WarmProbe>();
  /** Probes whose last round failed: replaced before they serve another. */
  const suspect = new Map<WarmProbe, string>();
  /** Probes retired or replaced whose removal failed (the engine was away): tried again each round and at close. */
  const unremoved = new Set<WarmProbe>();
  let round = 0;
  let seq = 0;
  const change = (c: WarmProbeChange) => options.onChange?.(c);
  /** The spec each placement's probe was last started or run for: what a replacement between rounds is made for. */
  const specs = new Map<string, ProbeSpec>();
  /** Placements replaced between rounds since the last round began. */
  const replacedBetween = new Set<string>();
  /** The replacements between rounds, one after another; a round and close() wait for them. */
  let replacing: Promise<unknown> = Promise.resolve();
  let inRound = false;
  let closing = false;

  // A probe of the pool that ended is replaced now, unless a round runs (it replaces it as it ends), the run stops,
  // or its placement was replaced since the last round began.
  const replaceEnded = (identity: string) => {
    const probe = pool.get(identity);
    const spec = specs.get(identity);
    if (!probe || probe.alive || !spec || inRound || closing || context.cleanup.closed) return;
    if (replacedBetween.has(identity)) return;
    replacedBetween.add(identity);
    replacing = replacing.then(() => {
      if (pool.get(identity) !== probe || closing || context.cleanup.closed) return;
      return probeFor(spec, identity);
    });
  };

  const removeQuietly = async (probe: WarmProbe) => {
    try {
      await probe.remove();
      unremoved.delete(probe);
    } catch {
      unremoved.add(probe);
    }
  };

  // The warm probe for `spec`, started or replaced as needed; a start that fails is the probe's failed result.
  const probeFor = async (spec: ProbeSpec, identity: string): Promise<WarmProbe | ProbeResult> => {
    const current = pool.get(identity);
    const failedBefore = current ? suspect.get(current) : undefined;
    if (current?.alive && failedBefore === undefined) return current;
    if (current) {
      pool.delete(identity);
      suspect.delete(current);
      await removeQuietly(current);
      const words = current.lastWords;
      change({
        what: 'replaced',
        name: current.name,
        key: current.key,
        why: failedBefore ?? `it had ended${words ? `: ${words}` : ''}`,
      });
    }
    const name = `dockprobe-${context.runId}-w${++seq}`;
    try {
      const probe = await WarmProbe.start(spec, name, context);
      pool.set(identity, probe);
      specs.set(identity, spec);
      change({ what: 'started', name, key: spec.key, why: spec.label });
      void probe.ended.then(() => replaceEnded(identity));
      return probe;
    } catch (error) {
      const text = `warm probe ${name} did not start: ${(error as Error).message}`;
      change({ what: 'failed-to-start', name, key: spec.key, why: (error as Error).message });
      return probeResult({ key: spec.key, containerName: name }, {}, { code: startFailureCode(error), text });
    }
  };

  const runWarm = async (
    spec: ProbeSpec,
    identity: string,
    number: number,
    peerOf: ReturnType<ControlPeers['forRound']>,
  ): Promise<ProbeResult> => {
    const probe = await probeFor(spec, identity);
    if (!(probe instanceof WarmProbe)) return probe;
    // A source with no running peer: the round's checks try dockprobe's own, as a cold probe's would.
    const own = spec.controls.ownPeer;
    const peer = own?.kind === 'wanted' ? await peerOf(own.network) : undefined;
    const result = await probe.run(asServedBy(bindOwnControlPeer(spec, peer), probe.name), number, graceMs);
    if (peer) result.controlPeer = peer;
    // Whatever failed a round (the probe ended, lost its namespace, ran late) may be the probe's own state: the next
    // round gets a fresh one.
    if (result.status === 'failed') suspect.set(probe, `round ${number} failed: ${result.errorCode}`);
    return result;
  };

  // One round: each warm placement's specs on its probe, the rest on the cold runner, unused peers retired.
  const runRound = async (plan: Plan, onResult?: (result: ProbeResult) => void): Promise<ProbeResult[]> => {
    const number = ++round;
    const peerOf = controlPeers.forRound();
    const warm = new Map<string, ProbeSpec[]>();
    const cold: ProbeSpec[] = [];
    for (const spec of plan.probes) {
      const identity = warmIdentity(spec, context.dnsUpstream);
      if (identity === undefined) cold.push(spec);
      else warm.set(identity, [...(warm.get(identity) ?? []), spec]);
    }
    // Probes no plan needs now: their network or container is gone from the plan (a service re-created, a zone
    // no longer probed from).
    const retiring = [...pool].filter(([identity]) => !warm.has(identity));
    for (const [identity, probe] of retiring) {
      pool.delete(identity);
      specs.delete(identity);
      suspect.delete(probe);
      change({ what: 'retired', name: probe.name, key: probe.key, why: `no probe of round ${number} sits there` });
    }
    const results = new Map<string, ProbeResult>();
    const note = (result: ProbeResult) => {
      results.set(result.probeKey, result);
      options.onProbe?.(result);
      onResult?.(result);
    };
    await Promise.all([
      ...[...retiring.map(([, p]) => p), ...unremoved].map(removeQuietly),
      // Specs that share a placement share its probe, one round after another.
      ...[...warm].map(async ([identity, sharing]) => {
        for (const spec of sharing) note(await runWarm(spec, identity, number, peerOf));
      }),
      cold.length > 0
        ? options.cold.run({ ...plan, probes: cold }).then((list) => list.forEach(note))
        : Promise.resolve(),
    ]);
    // A peer of dockprobe's own that no probe of this round asked for (its network has running peers again) goes:
    // it is no watch's to keep, and it has no lease of its own to end it if the watch is killed.
    const needed = new Set(
      plan.probes.flatMap((spec) =>
        spec.controls.ownPeer?.kind === 'wanted' ? [spec.controls.ownPeer.network.id] : [],
      ),
    );
    for (const failure of await controlPeers.retireExcept(needed)) options.onPeerFailure?.(failure);
    return plan.probes.map((spec) => results.get(spec.key)!);
  };

  return {
    async run(plan: Plan, onResult?: (result: ProbeResult) => void): Promise<ProbeResult[]> {
      await replacing;
      inRound = true;
      replacedBetween.clear();
      try {
        return await runRound(plan, onResult);
      } finally {
        inRound = false;
        // Probes that ended during the round are replaced now, not when the next round asks.
        for (const identity of pool.keys()) replaceEnded(identity);
      }
    },
    containerIds: () => new Set([...pool.values(), ...unremoved].map((p) => p.id)),
    probes: () => [...pool.values()].map((p) => ({ name: p.name, id: p.id, key: p.key, rounds: p.rounds })),
    async close(): Promise<string[]> {
      closing = true;
      await replacing;
      const all = [...pool.values(), ...unremoved];
      pool.clear();
      suspect.clear();
      const failures: string[] = [];
      await Promise.all(
        all.map(async (p) => {
          try {
            await p.remove();
          } catch (error) {
            failures.push(`remove warm probe ${p.name}: ${(error as Error).message}`);
          }
        }),
      );
      unremoved.clear();
      return [...failures, ...(await controlPeers.close())];
    },
  };
}

/**
 * `spec` as the warm probe `name` runs it: a network probe's DNS control resolves the probe's own name, which is the
 * warm probe's (made once, kept across rounds), not the name the plan gave this round's probe.
 */
function asServedBy(spec: ProbeSpec, name: string): ProbeSpec {
  if (spec.containerName === name) return spec;
  const dnsId = spec.controls.dnsCheckId;
  const checks = spec.plan.checks.map((c) =>
    c.id === dnsId && c.kind === 'dns' && c.name === spec.containerName ? { ...c, name } : c,
  );
  return { ...spec, containerName: name, plan: { ...spec.plan, checks } };
}

function startFailureCode(error: unknown) {
  if (error instanceof ProbeFailedError) return error.code;
  if (isDockprobeError(error) && error.code === ErrorCodes.ABORTED) return 'aborted' as const;
  return 'not-started' as const;
}
