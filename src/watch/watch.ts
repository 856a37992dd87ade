import { performance } from 'node:perf_hooks';
import { DEFAULT_PROBE_GRACE_MS } from '../../probes/agent/protocol.js';
import { DEFAULT_LEASE_MS } from '../../probes/agent/warm-protocol.js';
import type { EventSubscription } from '../docker/event-client.js';
import { LABEL_RUN } from '../docker/labels.js';
import type { EngineInfo } from '../docker/system-client.js';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engine-timeout.js';
import { describeEndpoint, describeEngine } from '../docker/describe-engine.js';
import { ErrorCodes, isDockprobeError } from '../errors/dockprobe-error.js';
import { ensureProbeImage } from '../image/probe-image.js';
import type { Verdict } from '../judge/verdict.js';
import { hasExpectation } from '../judge/verdict-of.js';
import { resolveScenarios } from '../pipeline/plan-scenarios.js';
import { type ScenarioRound, scenarioRound } from '../pipeline/scenario-round.js';
import { openRun, type RunOptions } from '../pipeline/run-session.js';
import { summariseProbes } from '../pipeline/summarise-probes.js';
import { type WarmProbeRunner, warmProbeRunner } from '../pipeline/warm-probe-runner.js';
import { envelope, jsonText } from '../report/json-envelope.js';
import { describeFinding, staticFindings } from '../rules/static-findings.js';
import { type RunResult, summarise } from '../run-result.js';
import { applyOverrides } from '../scenario/apply-overrides.js';
import { internetOption } from '../scenario/internet-option.js';
import type { Scenario } from '../scenario/scenario.js';
import { ControlPeers } from '../run/control-peers.js';
import { readWorld, type World } from '../topology/world.js';
import { CellStates } from './cell-states.js';
import { eventTrigger, RecentProbes } from './event-trigger.js';
import {
  describeRuleChanges,
  FIREWALL_POLL_MS,
  type FirewallReader,
  type FirewallVisibility,
  firewallVisibility,
  readFirewall,
} from './firewall-digest.js';
import { FirewallFollower } from './firewall-follower.js';
import { type Clock, describeTriggers, RoundScheduler, type ScheduleOptions } from './round-scheduler.js';
import {
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_SETTLE_MS,
  RETRY_FIRST_MS,
  RETRY_MAX_MS,
} from './watch-defaults.js';
import type { Recheck, WatchEvent, WatchRound } from './watch-event.js';
import { type RoundOutcome, WatchMetrics } from './watch-metrics.js';
import { serveWatch } from './watch-server.js';

/** Scenarios to hold the deployment to, as read at start and again on reload, and how to say where they came from. */
export interface LoadedScenarios {
  scenarios: Scenario[];
  /** `2 files, 12 expectations inferred from project shop` … */
  detail: string;
}

/** What `watch` takes: what every run takes, where the expectations come from, when rounds run, what it serves. */
export interface WatchOptions extends RunOptions {
  /** Reads the scenario files and infers, once at start and again on reload(): what is expected is fixed between. */
  load: () => Promise<LoadedScenarios>;
  project?: string | string[];
  timeoutMs?: number;
  internet?: string[];
  retries?: number;
  concurrency?: number;
  /** tcp checks by address each probe has in flight at once (`--connect-concurrency`). */
  connectConcurrency?: number;
  /** DNS queries in flight across a round's probes (`--lookup-concurrency`). */
  lookupConcurrency?: number;
  schedule?: Partial<ScheduleOptions>;
  /** How long a warm probe lives without hearing from this process. */
  leaseMs?: number;
  /** Serve /metrics, /healthz and /report there. */
  listen?: { host: string; port: number };
  /** How the engine host's firewall is read (tests give a fake); null: it is not watched. */
  firewall?: FirewallReader | null;
  /** What the watch says as it goes (the CLI writes each on stdout). */
  onEvent: (event: WatchEvent) => void;
  /** Said whatever --quiet says: rules the deployment contradicts, a reload refused. */
  warn?: (message: string) => void;
  clock?: Clock;
  /** The most cells with metrics of their own (MAX_CELL_SERIES). */
  maxCellSeries?: number;
}

/** A watch that runs: reload it, stop it, read what it last found. */
export interface Watch {
  runId: string;
  /** Where /metrics, /healthz and /report are served, when they are. */
  listening: string | undefined;
  /** Reads the scenarios again (and infers again), says so, and runs a round (SIGHUP). */
  reload(): void;
  /** Stops after the round in flight: the probes removed, the listener closed. Returns what could not be removed. */
  stop(): Promise<string[]>;
  /** Settles when the watch has stopped. */
  done: Promise<void>;
  /** The latest report (what /report serves); undefined before the first round ends. */
  latest(): RunResult | undefined;
  metrics: WatchMetrics;
}

type Judged = ScenarioRound;

/**
 * The third front end of the pipeline: verifies at start, then again on engine events (coalesced), every interval,
 * and when the engine host's firewall changes where it can be read; with warm probes (warm-probe-runner.ts), so a
 * round costs the checks' own time. What is expected is read once (load) and again only on reload(). Fails closed
 * over time: a round that cannot run makes every cell inconclusive and says why, and a lost engine is tried again
 * with backoff until it answers, its probes made anew. Resolves once it has read the world and is running; throws,
 * as `test` does, for what stops it from starting (a scenario error, no engine).
 */
export async function watch(options: WatchOptions): Promise<Watch> {
  const session = openRun(options, 'run');
  const { runId, runtime, log } = session;
  const warn = options.warn ?? log;
  const schedule: ScheduleOptions = {
    intervalMs: options.schedule?.intervalMs ?? DEFAULT_INTERVAL_MS,
    settleMs: options.schedule?.settleMs ?? DEFAULT_SETTLE_MS,
    maxDelayMs: options.schedule?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
  };
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const internet = options.internet ? internetOption(options.internet) : undefined;
  const project = (scenarios: Scenario[]) =>
    scenarios.map((s) =>
      applyOverrides(s, { project: options.project, internet, timeoutMs: options.timeoutMs, retries: options.retries }),
    );
  const now = () => new Date().toISOString();
  const say = (event: WatchEvent) => options.onEvent(event);

  try {
    let loaded = await options.load();
    let projected = project(loaded.scenarios);
    let world = await readWorld(runtime, { kind: 'scenarios', scenarios: projected });
    let engine: EngineInfo = world.topology.engine;
    const resolved = resolveScenarios(projected, world.topology);
    for (const f of await staticFindings(resolved, world.topology)) warn(describeFinding(f));
    const image = await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log });
    const metrics = new WatchMetrics(options.maxCellSeries);
    const graceMs = options.probeGraceMs ?? DEFAULT_PROBE_GRACE_MS;
    const context = {
      runtime,
      runId,
      image,
      cleanup: session.cleanup,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.dnsUpstream ? { dnsUpstream: options.dnsUpstream } : {}),
    };
    let round = 0;
    // One pool of control peers for the warm and the cold runner: retired once per round, removed at stop.
    const controlPeers = new ControlPeers({ ...context, readyTimeoutMs: graceMs, log });
    const runner: WarmProbeRunner = warmProbeRunner(
      { ...context, leaseMs, readyTimeoutMs: options.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS },
      {
        cold: session.coldRunner(image, undefined, controlPeers),
        controlPeers,
        graceMs,
        onPeerFailure: (failure) => log(`warning: ${failure}`),
        onChange: (change) => {
          if (change.what === 'replaced') metrics.probeReplaced();
          log(`warm probe ${change.name} (${change.key}) ${change.what}: ${change.why}`);
          say({ at: now(), event: 'probe', round, ...change });
        },
      },
    );
    const scheduler = new RoundScheduler(schedule, options.clock);
    const states = new CellStates();
    const recentProbes = new RecentProbes();
    let stopped = false;
    let latest: RunResult | undefined;
    let lastRoundEndMs = Date.now();
    let reloadPending = false;
    let retryMs = RETRY_FIRST_MS;
    let engineLost = false;

    // What the events are read against: the deployment as last read, and this watch's own probes.
    let networks = new Set<string>();
    let containers = new Map<string, string>();
    const watched = (w: World) => {
      networks = new Set(w.topology.networks.flatMap((n) => [n.id, n.name]));
      containers = new Map(w.topology.services.flatMap((s) => s.containers.map((c) => [c.id, c.name] as const)));
    };
    watched(world);
    const projects = () => new Set(world.topology.projects);
    const scope = () => ({
      runId,
      projects: projects(),
      networks,
      containers: new Set(containers.keys()),
      ownContainers: runner.containerIds(),
      probeContainers: recentProbes.ids,
      containerName: (id: string) => containers.get(id),
    });

    // The engine's events, followed for as long as it answers; an end of the stream is the engine going away.
    let subscription: EventSubscription | undefined;
    const follow = async () => {
      if (subscription || stopped) return;
      try {
        const sub = await runtime.events.follow((event) => {
          recentProbes.see(event);
          const trigger = eventTrigger(event, scope());
          if (trigger) scheduler.trigger(trigger);
        });
        subscription = sub;
        void sub.ended.then((why) => {
          if (subscription !== sub || stopped) return;
          subscription = undefined;
          scheduler.trigger({ kind: 'engine', what: why });
        });
      } catch (error) {
        log(`engine events not followed: ${(error as Error).message}; trying again at the next round`);
      }
    };
    await follow();

    // The firewall, where it can be seen: a digest read every FIREWALL_POLL_MS, a change asks for a round.
    const reader = options.firewall === undefined ? readFirewall : options.firewall;
    let firewall: FirewallVisibility = { visible: false, why: 'not watched (--no-firewall)' };
    let firewallTimer: NodeJS.Timeout | undefined;
    // The rule set read as a round starts, where it can be seen: what that round judges.
    let firewallBeforeRound: (() => Promise<void>) | undefined;
    if (reader) {
      const first = await reader();
      firewall = firewallVisibility(first, world.topology.networks, world.topology.engine);
      if (firewall.visible && 'digest' in first) {
        const follower = new FirewallFollower({
          reader,
          first,
          listOwnAddresses: () =>
            runtime.containers
              .list({ labels: [`${LABEL_RUN}=${runId}`], all: true })
              .then((list) => list.flatMap((c) => c.networks.flatMap((n) => [n.ipv4 ?? '', n.ipv6 ?? '']))),
          onOwnOnly: () => log("firewall: only the rules of this watch's own probes changed; no round for them"),
          onChange: ({ rules, covered }) => {
            metrics.firewallChanged();
            const detail = `the rule set changed: ${describeRuleChanges(rules)}${covered ? '; judged by the round under way' : ''}`;
            say({ at: now(), event: 'firewall', detail });
            log(`firewall: ${detail}`);
            if (!covered) scheduler.trigger({ kind: 'firewall', what: 'firewall rules changed' });
          },
        });
        firewallBeforeRound = () => follower.beforeRound();
        firewallTimer = setInterval(() => void follower.poll(), FIREWALL_POLL_MS);
        firewallTimer.unref();
      }
    }

    // The endpoint, when asked for.
    const report = () => (latest ? jsonText(envelope('dockprobe-report', latest)) : undefined);
    const server = options.listen
      ? await serveWatch(options.listen, {
          metrics: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
          health: () => {
            const age = Date.now() - lastRoundEndMs;
            // Alive while rounds keep ending: the longest a round may wait is the interval, or the retry backoff.
            const limit = 2 * Math.max(schedule.intervalMs, RETRY_MAX_MS) + graceMs;
            return age <= limit
              ? { ok: true, text: `ok: round ${round}, the last one ended ${Math.round(age / 1000)} s ago` }
              : {
                  ok: false,
                  text: `stale: no round has ended for ${Math.round(age / 1000)} s (limit ${limit / 1000} s)`,
                };
          },
          report,
        })
      : undefined;
    const unlisten = server
      ? session.cleanup.defer(`close the listener on ${server.address}`, server.close)
      : undefined;

    // One attempt at a round: the world read again, names resolved again, planned, probed, judged.
    const attempt = (): Promise<Judged> =>
      scenarioRound(runtime, projected, runner, {
        runId,
        concurrency: options.concurrency,
        connectConcurrency: options.connectConcurrency,
        lookupConcurrency: options.lookupConcurrency,
      });

    const oneRound = async (trigger: string) => {
      const number = ++round;
      const started = performance.now();
      const startedAt = now();
      if (reloadPending) {
        reloadPending = false;
        try {
          const next = await options.load();
          projected = project(next.scenarios);
          loaded = next;
          say({ at: now(), event: 'reloaded', scenarios: projected.map((s) => s.file), detail: next.detail });
          log(`reloaded: ${next.detail}`);
        } catch (error) {
          const message = (error as Error).message;
          say({
            at: now(),
            event: 'reloaded',
            scenarios: projected.map((s) => s.file),
            detail: `kept what was read before: ${loaded.detail}`,
            error: message,
          });
          warn(`reload refused, the expectations read before stay: ${message}`);
        }
      }
      await follow();
      let outcome: RoundOutcome;
      let verdicts: Verdict[];
      let rechecks: Recheck[] = [];
      let error: string | undefined;
      let judged: Judged | undefined;
      try {
        await firewallBeforeRound?.();
        judged = await attempt();
        // A breach seen while a network was created may be dockerd rewriting its rules (moby/moby#43585): checked
        // again at once, before it is reported as one; both observations are kept.
        const transient = judged.round.judgements.filter(
          (j) => hasExpectation(j) && j.status === 'fail' && j.networkEvents !== undefined,
        );
        if (transient.length > 0 && !stopped) {
          const first = judged;
          try {
            judged = await attempt();
          } catch {
            judged = first;
          }
          const again = judged === first ? undefined : new Map(judged.verdicts.map((v) => [v.cellId, v]));
          rechecks = transient.map((j) => ({
            cellId: j.cell.id,
            first: first.verdicts.find((v) => v.cellId === j.cell.id)!,
            second: again?.get(j.cell.id),
          }));
          for (const r of rechecks) if (r.second && r.second.status !== 'fail') metrics.transientBreach();
        }
        verdicts = judged.verdicts;
        world = judged.world;
        engine = world.topology.engine;
        watched(world);
        const controlsHeld = judged.round.controls.every((c) => c.dns && c.reach && c.reach6 !== false);
        outcome = controlsHeld && verdicts.every((v) => v.status !== 'inconclusive') ? 'complete' : 'incomplete';
        // An incomplete round leaves cells unknown (a container starting, a probe gone): tried again with the
        // engine's backoff rather than at the next event or interval, which may be minutes away.
        if (outcome === 'incomplete' && !stopped) {
          scheduler.trigger({ kind: 'retry', what: `round ${number} was incomplete` }, { notBeforeMs: retryMs });
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        } else retryMs = RETRY_FIRST_MS;
        if (engineLost) {
          engineLost = false;
          say({ at: now(), event: 'engine', state: 'back', detail: `the engine at ${runtime.endpoint} answers again` });
          log(`the engine at ${runtime.endpoint} answers again`);
        }
      } catch (caught) {
        if (stopped) return;
        outcome = 'failed';
        error = (caught as Error).message;
        const gone =
          isDockprobeError(caught) &&
          (caught.code === ErrorCodes.DOCKER_UNAVAILABLE || caught.code === ErrorCodes.TIMEOUT);
        // Fail closed: the last verdicts are not current; every cell is inconclusive, saying why.
        verdicts = [...states.current.values()].map((v) => notRun(v, number, error!, gone));
        if (gone) {
          if (!engineLost) {
            engineLost = true;
            say({ at: now(), event: 'engine', state: 'lost', detail: error });
          }
          subscription?.stop();
          subscription = undefined;
          scheduler.trigger({ kind: 'retry', what: `the engine did not answer (${error})` }, { notBeforeMs: retryMs });
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        }
      }
      if (stopped) return;
      const durationMs = Math.round(performance.now() - started);
      lastRoundEndMs = Date.now();
      const changes = states.update(number, verdicts);
      metrics.round(outcome, durationMs, verdicts, changes);
      metrics.probes(runner.probes().length);
      const watchRound: WatchRound = {
        round: number,
        trigger,
        outcome,
        endedAt: now(),
        ...(error !== undefined ? { error } : {}),
        rechecks,
      };
      latest = {
        runId,
        scenarios: projected.map((s) => s.file),
        engine,
        compose: world.topology.composeVersions,
        image,
        startedAt,
        durationMs,
        probes: judged ? summariseProbes(judged.round) : [],
        verdicts,
        summary: summarise(verdicts),
        staticFindings: [],
        cleanupFailures: [],
        watch: watchRound,
      };
      for (const r of rechecks) say({ at: now(), event: 'recheck', round: number, ...r });
      for (const c of changes) say({ at: now(), event: 'change', trigger, ...c });
      say({
        at: now(),
        event: 'round',
        round: number,
        trigger,
        outcome,
        durationMs,
        summary: latest.summary,
        ...(error !== undefined ? { error } : {}),
      });
      const s = latest.summary;
      log(
        `round ${number} (${trigger}): ${outcome}, ${s.pass} pass, ${s.fail} FAIL, ${s.inconclusive} inconclusive in ${durationMs} ms${error ? `: ${error}` : ''}`,
      );
    };

    say({
      at: now(),
      event: 'started',
      runId,
      engine,
      scenarios: projected.map((s) => s.file),
      schedule,
      firewall: firewall.visible
        ? { visible: true, detail: firewall.how }
        : { visible: false, detail: `${firewall.why}; rounds rest on engine events and the interval` },
      leaseMs,
      ...(server ? { listen: server.address } : {}),
    });
    log(
      `watching ${loaded.detail} on the ${describeEngine(engine)} at ${describeEndpoint(engine)}, run ${runId}: rounds on engine events (settled ${schedule.settleMs} ms, at most ${schedule.maxDelayMs} ms after the first), every ${schedule.intervalMs / 1000} s, ${firewall.visible ? `and on firewall changes (${firewall.how})` : `not on firewall changes: ${firewall.why}`}${server ? `; serving /metrics, /healthz and /report on ${server.address}` : ''}`,
    );

    const done = (async () => {
      for (;;) {
        const next = await scheduler.next();
        if (!next || stopped) return;
        metrics.triggered(next.triggers);
        await oneRound(describeTriggers(next.triggers, next.more));
      }
    })();

    let stopping: Promise<string[]> | undefined;
    return {
      runId,
      listening: server?.address,
      metrics,
      reload: () => {
        reloadPending = true;
        scheduler.trigger({ kind: 'reload', what: 'reload asked for (SIGHUP): scenarios read again' });
      },
      latest: () => latest,
      done: done.then(() => undefined),
      stop: () => {
        stopping ??= (async () => {
          stopped = true;
          scheduler.close();
          subscription?.stop();
          clearInterval(firewallTimer);
          await done.catch(() => undefined);
          const failures = await runner.close();
          await unlisten?.();
          return [...failures, ...(await session.close())];
        })();
        return stopping;
      },
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** A cell's verdict when its round could not run: inconclusive, saying why, never the last one served as current. */
function notRun(v: Verdict, round: number, error: string, engineGone: boolean): Verdict {
  return {
    ...v,
    status: 'inconclusive',
    code: 'probe-failed',
    probeErrorCode: engineGone ? 'engine-unreachable' : 'not-started',
    observed: 'not run',
    reason: `round ${round} could not run: ${error}`,
    latencyMs: undefined,
    evidence: [],
  };
}
