import type { Engine } from '../docker/engine.js';
import { cellsByProbe, judgementsInWindow, judgeProbe, type ProbeJudgement } from '../judge/judge.js';
import type { ControlResult, Judgement } from '../judge/verdict.js';
import type { Plan } from '../plan/plan.js';
import { refuseHostPlacements } from '../plan/refuse-host-perspectives.js';
import { checkHostNamespaces } from '../run/host-namespaces.js';
import type { ProbeResult } from '../run/probe-result.js';
import type { NodeEngine } from '../topology/connect-node-engines.js';
import { readWindow, type RunWindow } from '../topology/world-changes.js';
import type { World } from '../topology/world.js';
import type { ProbeRunner } from './probe-runner.js';
import { type RunTimings, timed } from './run-timings.js';

/**
 * One round judged: the plan, what each probe gave, the window it ran in, and each cell's judgement. Under
 * `keepEvidence: false` (RoundContext) the results' observations were let go as each probe was judged (empty maps),
 * and the judgements keep their decisive observation but no evidence.
 */
export interface Round<P extends Plan = Plan> {
  plan: P;
  results: ProbeResult[];
  window: RunWindow;
  judgements: Judgement<P['cells'][number]>[];
  controls: ControlResult[];
}

/** What a round needs besides its world, plan and runner. */
export interface RoundContext {
  runtime: Engine;
  runId: string;
  /** Other swarm nodes' engines: their events are the window's too. */
  nodeEngines?: readonly NodeEngine[];
  log?: (message: string) => void;
  /**
   * False: each probe's observations are let go once its cells are judged, and judgements keep only their decisive
   * observation (no evidence of every attempt): for a front end that words judgements as rows (a drill of 287,200
   * checks otherwise held every observation until the round's end). Default true.
   */
  keepEvidence?: boolean;
  /** Where the window's re-read and the judgement are timed; absent: not timed. */
  timings?: RunTimings;
}

/**
 * One round of a run, for every front end: the plan's probes run by `runner`, the window read (from the world's read
 * to now: whatever changed under the probes makes their "blocked" unproven), every cell judged with the fail-closed
 * rules. It can be called again and again on one world, with a plan of its own each time (`--repeat`). Throws a usage
 * error for `from: host` or `from: lan` on a remote engine and `from: lan` on a rootless one
 * (refuse-host-perspectives.ts), in a container without the engine host's namespaces (host-namespaces.ts), and for
 * `from: host` in a rootless engine's RootlessKit namespace (rootless-host-place.ts).
 */
export async function runRound<P extends Plan>(
  world: World,
  plan: P,
  runner: ProbeRunner,
  context: RoundContext,
): Promise<Round<P>> {
  const log = context.log ?? (() => undefined);
  // Before any probe: host perspectives refused on a remote engine (and the LAN on a rootless one); a dockprobe in a
  // container is found (what it creates records it) and its host perspectives refused when it lacks the host's
  // namespaces (or, on a rootless engine, when it runs in RootlessKit's).
  refuseHostPlacements(plan, world.topology.engine);
  await checkHostNamespaces(plan, context.runtime, world.topology);
  // Each probe's cells are judged as it ends, from its result alone; the window, read once every probe has ended, is
  // applied to them all after (judgementsInWindow). It is read as soon as the last probe's result is told, while the
  // runner still removes the probes' containers: every probe has ended by then, so the window covers each one's run.
  const { timings } = context;
  let windowRead: Promise<RunWindow> | undefined;
  const readTheWindow = () => {
    if (windowRead) return windowRead;
    windowRead = timed(timings, 'window re-read', () =>
      readWindow(context.runtime, world, context.runId, context.nodeEngines),
    );
    // Awaited below; a round whose runner throws after the read began must not leave its failure unhandled.
    windowRead.catch(() => undefined);
    return windowRead;
  };
  const { results, judged } = await runAndJudge(plan, runner, context.keepEvidence ?? true, {
    ...(timings ? { timings } : {}),
    onAllJudged: () => void readTheWindow(),
  });
  const window = await readTheWindow();
  logWindow(window, log);
  const judgeStartMs = timings?.now();
  const { judgements, controls } = judgementsInWindow(plan, judged, window);
  if (judgeStartMs !== undefined) timings?.record('judge', judgeStartMs);
  return { plan, results, window, judgements, controls };
}

/**
 * A plan's probes run by `runner`, each probe's cells judged as it ends from its result alone (judgeProbe), the
 * window not yet applied (judgementsInWindow does). `keepEvidence: false`: each result's observations are let go once
 * its cells are judged, and judgements keep their decisive observation only (RoundContext.keepEvidence).
 */
export async function runAndJudge(
  plan: Plan,
  runner: ProbeRunner,
  keepEvidence: boolean,
  hooks: {
    /** Where each probe's judgement is timed; absent: not timed. */
    timings?: RunTimings;
    /** Called once, as soon as every probe's result has been told and judged (the runner may still remove probes). */
    onAllJudged?: () => void;
  } = {},
): Promise<{ results: ProbeResult[]; judged: Map<string, ProbeJudgement> }> {
  const { timings, onAllJudged } = hooks;
  const specs = new Map(plan.probes.map((spec) => [spec.key, spec]));
  const cells = cellsByProbe(plan);
  const judged = new Map<string, ProbeJudgement>();
  const judgeOne = (result: ProbeResult) => {
    const spec = specs.get(result.probeKey);
    if (!spec || judged.has(spec.key)) return;
    const startMs = timings?.now();
    judged.set(spec.key, judgeProbe(spec, result, cells.get(spec.key) ?? [], keepEvidence));
    if (startMs !== undefined) timings?.record('judge', startMs, spec.key);
    if (!keepEvidence) result.observations = new Map();
    if (judged.size === specs.size) onAllJudged?.();
  };
  const results = await runner.run(plan, judgeOne);
  for (const result of results) judgeOne(result);
  for (const spec of plan.probes)
    if (!judged.has(spec.key))
      judged.set(spec.key, judgeProbe(spec, undefined, cells.get(spec.key) ?? [], keepEvidence));
  return { results, judged };
}

/** What changed during a run and what happened to its networks, a line each. */
export function logWindow(window: RunWindow, log: (message: string) => void): void {
  for (const what of new Set([...window.changes.values()].flat().map((c) => c.what)))
    log(`changed during the run: ${what}`);
  for (const what of window.networkEvents) log(`during the run: ${what}`);
}
