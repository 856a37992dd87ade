import { performance } from 'node:perf_hooks';
import { DEFAULT_PROBE_GRACE_MS } from '../../probes/agent/protocol.js';
import { DEFAULT_LEASE_MS } from '../../probes/agent/warm-protocol.js';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engine-timeout.js';
import { ensureProbeImage } from '../image/probe-image.js';
import { resolveScenarios } from '../pipeline/plan-scenarios.js';
import { openRun, type RunOptions, type RunSession } from '../pipeline/run-session.js';
import { scenarioRound } from '../pipeline/scenario-round.js';
import { warmProbeRunner } from '../pipeline/warm-probe-runner.js';
import { describeFinding, staticFindings } from '../rules/static-findings.js';
import { applyOverrides } from '../scenario/apply-overrides.js';
import { internetOption } from '../scenario/internet-option.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Topology } from '../topology/topology.js';
import { readWorld, type World } from '../topology/world.js';
import { allBack, type ChaosPhase, type ChaosRound, cellTimelines } from './cell-timeline.js';
import { DEFAULT_BASELINE_ROUNDS, DEFAULT_CHAOS_DEADLINE_MS } from './chaos-defaults.js';
import { takeChaosLock } from './chaos-lock.js';
import {
  type ChaosResult,
  type ChaosRoundSummary,
  chaosOutcome,
  chaosSummary,
  loopStats,
  type RestoreOutcome,
  steadyBaseline,
} from './chaos-result.js';
import { type Fault, type FaultSpec, faultArgs } from './fault.js';
import { engineOutage } from './wait-for-engine.js';

/** What `chaos` takes: what every run takes, the scenarios, the fault, and how long to wait. */
export interface ChaosOptions extends RunOptions {
  scenarios: Scenario[];
  project?: string | string[];
  timeoutMs?: number;
  internet?: string[];
  retries?: number;
  concurrency?: number;
  /** tcp checks by address each probe has in flight at once (`--connect-concurrency`). */
  connectConcurrency?: number;
  /** DNS queries in flight across a round's probes (`--lookup-concurrency`). */
  lookupConcurrency?: number;
  fault: FaultSpec;
  /** Makes the fault against the deployment as read (the CLI: deploymentFault on the engine's deployment client). */
  makeFault: (spec: FaultSpec, topology: Topology) => Fault | Promise<Fault>;
  baselineRounds?: number;
  /** See {@link DEFAULT_CHAOS_DEADLINE_MS}. */
  deadlineMs?: number;
  leaseMs?: number;
  /** Asked with the fault's plan before anything is created; false: nothing is done. Absent: go ahead. */
  confirm?: (plan: string) => Promise<boolean>;
  /** Where the lock file goes (the system's temporary directory unless told). */
  lockDir?: string;
  /** Each round as it ends (the CLI logs it). */
  onRound?: (round: ChaosRoundSummary) => void;
}

/** What the drill will do, read from the deployment without changing anything (what --dry-run prints). */
export interface ChaosPlan {
  fault: Fault;
  world: World;
  scenarios: Scenario[];
}

/** Reads the deployment and makes the fault against it; creates nothing. */
export async function planChaos(options: ChaosOptions, session: Pick<RunSession, 'runtime'>): Promise<ChaosPlan> {
  const internet = options.internet ? internetOption(options.internet) : undefined;
  const scenarios = options.scenarios.map((s) =>
    applyOverrides(s, { project: options.project, internet, timeoutMs: options.timeoutMs, retries: options.retries }),
  );
  const world = await readWorld(session.runtime, { kind: 'scenarios', scenarios });
  resolveScenarios(scenarios, world.topology);
  return { fault: await options.makeFault(options.fault, world.topology), world, scenarios };
}

/**
 * A chaos drill: rounds on warm probes back to back (a baseline that must be steady and conclusive), one fault applied
 * while the rounds go on, rounds until every cell has its verdict from before again or the deadline passes (the
 * engine's own recovery), the fault's restore (registered on the cleanup stack before the fault, so Ctrl-C restores
 * first and removes the probes after), rounds until every cell is back again or the deadline passes. Each round is
 * planned on the world as it is then and judged on its own window (pipeline/scenario-round.ts). One drill at a time
 * per engine (chaos-lock.ts). Returns undefined when `confirm` said no.
 */
export async function chaos(options: ChaosOptions): Promise<ChaosResult | undefined> {
  const session = openRun(options, 'run');
  const { runId, runtime, log } = session;
  const deadlineMs = options.deadlineMs ?? DEFAULT_CHAOS_DEADLINE_MS;
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const { fault, world, scenarios } = await planChaos(options, session);
    if (options.confirm && !(await options.confirm(fault.plan))) return undefined;
    const release = await takeChaosLock(runtime.endpoint, runId, options.lockDir);
    log(`chaos drill ${runId} at ${runtime.endpoint}: ${fault.plan}`);
    session.cleanup.defer('release the chaos lock', release);
    const resolved = resolveScenarios(scenarios, world.topology);
    for (const f of await staticFindings(resolved, world.topology)) log(describeFinding(f));
    const image = await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log });
    const runner = warmProbeRunner(
      {
        runtime,
        runId,
        image,
        cleanup: session.cleanup,
        leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
        readyTimeoutMs: options.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.dnsUpstream ? { dnsUpstream: options.dnsUpstream } : {}),
      },
      {
        cold: session.coldRunner(image),
        graceMs: options.probeGraceMs ?? DEFAULT_PROBE_GRACE_MS,
        onPeerFailure: (failure) => log(`warning: ${failure}`),
        onChange: (change) => log(`warm probe ${change.name} (${change.key}) ${change.what}: ${change.why}`),
      },
    );
    session.cleanup.defer('remove the warm probes', async () => {
      const failures = await runner.close();
      if (failures.length > 0) throw new Error(failures.join('; '));
    });

    const rounds: ChaosRound[] = [];
    const oneRound = async (phase: ChaosPhase): Promise<ChaosRound> => {
      const startedMs = ms();
      let round: ChaosRound;
      try {
        const judged = await scenarioRound(runtime, scenarios, runner, {
          runId,
          concurrency: options.concurrency,
          connectConcurrency: options.connectConcurrency,
          lookupConcurrency: options.lookupConcurrency,
        });
        round = { round: rounds.length + 1, phase, startedMs, endedMs: ms(), verdicts: judged.verdicts };
      } catch (error) {
        const message = (error as Error).message;
        // An engine that does not answer (restarted, by the fault or otherwise) judges nothing: the round lasts until
        // it answers again (or the deadline passes), so its cells are unknown for the whole outage, never blocked.
        const down = await engineOutage(() => runtime.system.info(), deadlineMs);
        round = {
          round: rounds.length + 1,
          phase,
          startedMs,
          endedMs: ms(),
          verdicts: [],
          error: down ? `${message}; ${down}` : message,
          ...(down ? { engineDown: true } : {}),
        };
      }
      rounds.push(round);
      options.onRound?.(summaryOf(round));
      return round;
    };

    for (let i = 0; i < (options.baselineRounds ?? DEFAULT_BASELINE_ROUNDS); i++) await oneRound('baseline');
    const baseline = steadyBaseline(rounds);
    const report: FaultReport0 = {
      kind: options.fault.kind,
      args: faultArgs(options.fault),
      plan: fault.plan,
      restore: { status: 'not-applied', detail: 'the fault was not applied' },
    };
    let recoveredAfterMs: number | undefined;
    let restoredAfterMs: number | undefined;
    let reason: string | undefined;
    if ('unsteady' in baseline) {
      reason = `no fault applied: the verdicts before it were not steady and conclusive (${baseline.unsteady})`;
    } else {
      const { before } = baseline;
      // Registered before the fault, on the caller's stack when there is one (it runs before the run's own, which
      // holds the probes): Ctrl-C from here restores first, then removes the probes.
      let restored: Promise<RestoreOutcome> | undefined;
      const restore = () => {
        restored ??= fault
          .restore()
          .catch((error: unknown): RestoreOutcome => ({ status: 'failed', detail: (error as Error).message }));
        return restored;
      };
      const undo = (options.cleanup ?? session.cleanup).defer(
        `restore after --fault ${options.fault.kind}`,
        async () => {
          const r = await restore();
          if (r.status === 'failed') throw new Error(`THE RESTORE FAILED: ${r.detail}`);
        },
      );
      report.appliedAtMs = ms();
      log(`applying the fault: ${fault.plan}`);
      let applied = false;
      const applying = fault.apply().then(
        (detail) => {
          report.detail = detail;
        },
        (error: unknown) => {
          report.error = (error as Error).message;
        },
      );
      void applying.finally(() => {
        const run = fault.commandRun?.();
        if (run) report.command = run;
      });
      void applying.finally(() => {
        applied = true;
        report.appliedForMs = ms() - report.appliedAtMs!;
      });
      // Rounds while the fault is applied, then until every cell is back or the deadline passes.
      while (!applied) await oneRound('fault');
      await applying;
      log(
        report.error
          ? `the fault failed: ${report.error}`
          : `fault applied in ${report.appliedForMs} ms: ${report.detail}`,
      );
      const waitBack = async (phase: ChaosPhase): Promise<number | undefined> => {
        const from = ms();
        for (;;) {
          const r = await oneRound(phase);
          if (allBack(before, r)) return r.endedMs;
          if (ms() - from >= deadlineMs) return undefined;
        }
      };
      const back = await waitBack('recovery');
      if (back !== undefined) recoveredAfterMs = back - report.appliedAtMs;
      log(
        back !== undefined
          ? `every cell back on its own ${recoveredAfterMs} ms after the fault began`
          : `not every cell back within ${deadlineMs} ms: restoring`,
      );
      report.restore = await restore();
      // Its failure is in the report, loudest of all, and on the cleanup stack's list.
      await undo().catch(() => undefined);
      const restoredAtMs = ms();
      log(`restore: ${report.restore.status}: ${report.restore.detail}`);
      const again = await waitBack('restored');
      if (again !== undefined) restoredAfterMs = again - restoredAtMs;
    }

    const cells = 'before' in baseline ? cellTimelines(baseline.before, rounds) : [];
    const judged =
      'unsteady' in baseline
        ? { outcome: 'baseline-unstable' as const, reason: reason! }
        : report.error && report.restore.status !== 'failed'
          ? { outcome: 'inconclusive' as const, reason: `the fault failed: ${report.error}` }
          : chaosOutcome(cells, report.restore);
    const cleanupFailures = await session.close();
    return {
      runId,
      scenarios: scenarios.map((s) => s.file),
      engine: world.topology.engine,
      startedAt: session.startedAt,
      durationMs: ms(),
      fault: report,
      loop: loopStats(rounds),
      ...(recoveredAfterMs !== undefined ? { recoveredAfterMs } : {}),
      ...(restoredAfterMs !== undefined ? { restoredAfterMs } : {}),
      rounds: rounds.map(summaryOf),
      cells,
      summary: chaosSummary(cells),
      ...judged,
      cleanupFailures,
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

type FaultReport0 = ChaosResult['fault'];

function summaryOf(r: ChaosRound): ChaosRoundSummary {
  const count = (s: string) => r.verdicts.filter((v) => v.status === s).length;
  return {
    round: r.round,
    phase: r.phase,
    startedMs: r.startedMs,
    endedMs: r.endedMs,
    pass: count('pass'),
    fail: count('fail'),
    inconclusive: count('inconclusive'),
    ...(r.error ? { error: r.error } : {}),
  };
}
