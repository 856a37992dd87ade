import { ensureProbeImage } from '../image/probe-image.js';
import { runRound, type Round } from '../pipeline/round.js';
import { openRun, type RunOptions } from '../pipeline/run-session.js';
import { summariseProbes } from '../pipeline/summarise-probes.js';
import { internetOption } from '../scenario/internet-option.js';
import { DEFAULT_INTERNET } from '../scenario/parse-scenario.js';
import { readWorld } from '../topology/world.js';
import { COMMON_PORTS } from '../checks/port/common-ports.js';
import type { DrillPlan } from './drill-plan.js';
import { DRILL_CONCURRENCY, DRILL_MAX_CHECKS, DRILL_PROBES_AT_ONCE, DRILL_TIMEOUT_MS } from './drill-defaults.js';
import type { DrillFrom } from './drill-from.js';
import { drillRow, sortRows, type DrillResult } from './drill-result.js';
import { planDrill } from './plan-drill.js';
import { describeEndpoint, describeEngine } from '../docker/describe-engine.js';
import { refuseHostPlacements } from '../plan/refuse-host-perspectives.js';

/** Options of {@link drill}: what every run takes (RunOptions), and what the drill lists. */
export interface DrillOptions extends RunOptions {
  from: DrillFrom;
  /** Compose projects or stacks to keep to (sources and targets); absent: everything on the engine. */
  project?: string[];
  /** Ports tried at every address besides the exposed ones; absent: {@link COMMON_PORTS}. */
  ports?: number[];
  /** UDP ports sent to at every container address (`--udp-ports`); absent: none. */
  udpPorts?: number[];
  /** Whether the host is knocked on at each source network's gateway on `ports` (default true). */
  hostPorts?: boolean;
  /** What egress is tried against (`--internet`); absent: the scenario default; empty: not tried. */
  internet?: string[];
  timeoutMs?: number;
  retries?: number;
  concurrency?: number;
  probesAtOnce?: number;
  maxChecks?: number;
}

/**
 * The drill front end of the run: its targets come from listing everything reachable from a service, a network, or
 * every service, and each cell's judgement is worded as a row (reached, path open, blocked, inconclusive), never
 * against an expectation. Reads the world once, plans, runs one round (at most `probesAtOnce` probes at a time).
 * Returns data whatever it found; throws only for errors of input (exit 2) or infrastructure (exit 3). Everything it
 * creates is removed before it returns or throws.
 */
export async function drill(options: DrillOptions): Promise<DrillResult> {
  const session = openRun(options, 'drill');
  const { runId, runtime, log } = session;
  const internet = internetOption(options.internet ?? DEFAULT_INTERNET);
  const bounds = {
    concurrency: options.concurrency ?? DRILL_CONCURRENCY,
    attemptsPerCheck: 1 + (options.retries ?? 0),
    timeoutMs: options.timeoutMs ?? DRILL_TIMEOUT_MS,
    probesAtOnce: options.probesAtOnce ?? DRILL_PROBES_AT_ONCE,
    maxChecks: options.maxChecks ?? DRILL_MAX_CHECKS,
    ports: options.ports ?? COMMON_PORTS.map((p) => p.port).sort((a, b) => a - b),
    hostPorts: options.hostPorts ?? true,
    ...(options.udpPorts && options.udpPorts.length > 0 ? { udpPorts: options.udpPorts } : {}),
  };

  const world = await readWorld(runtime, { kind: 'engine', projects: options.project });
  const plan = planDrill(options.from, world, {
    runId,
    ports: bounds.ports,
    udpPorts: bounds.udpPorts ?? [],
    hostPorts: bounds.hostPorts,
    internet,
    timeoutMs: bounds.timeoutMs,
    retries: bounds.attemptsPerCheck - 1,
    concurrency: bounds.concurrency,
    maxChecks: bounds.maxChecks,
  });
  log(`${describeEngine(world.topology.engine)} at ${describeEndpoint(world.topology.engine)}; drill ${runId}`);
  // --from lan on a remote or rootless engine is refused before the image is built (runRound would, after it).
  refuseHostPlacements(plan, world.topology.engine);
  for (const u of plan.unprobed) log(`not probed: ${u.source}: ${u.reason}`);
  const image =
    plan.probes.length > 0
      ? await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log })
      : (options.image ?? '');
  log(
    `starting ${plan.probes.length} probe(s), ${bounds.probesAtOnce} at once, for ${plan.tried.checks} check(s) with image ${image}`,
  );

  let outcome: Round<DrillPlan>;
  let cleanupFailures: string[] = [];
  try {
    // A row needs each cell's decisive observation alone: each probe's observations go once its cells are judged.
    outcome = await runRound(world, plan, session.coldRunner(image, bounds.probesAtOnce), {
      runtime,
      runId,
      log,
      keepEvidence: false,
    });
  } finally {
    cleanupFailures = await session.close();
  }
  // Each judgement is let go as its row is made: the round's judgements are the drill's own, read once.
  const judgements: (Round<DrillPlan>['judgements'][number] | undefined)[] = outcome.judgements;
  const unsorted = judgements.map((judged, i) => {
    judgements[i] = undefined;
    return drillRow(judged!);
  });
  const rows = sortRows(unsorted);
  return {
    runId,
    from:
      options.from.kind === 'all' || options.from.kind === 'lan'
        ? options.from.kind
        : options.from.kind === 'service'
          ? `service ${options.from.service}`
          : `network ${options.from.network}`,
    engine: world.topology.engine,
    compose: world.topology.composeVersions,
    image,
    startedAt: session.startedAt,
    durationMs: session.elapsedMs(),
    bounds,
    tried: plan.tried,
    probes: summariseProbes(outcome).map((p) => ({
      key: p.key,
      label: p.label,
      container: p.container,
      containerId: p.containerId,
      status: p.status,
      error: p.error,
      errorCode: p.errorCode,
      dns: p.control.dns,
      reach: p.control.reach,
      controls: p.control.detail,
      ...(p.control.peer ? { controlPeer: p.control.peer } : {}),
      checks: p.checks,
      durationMs: p.durationMs,
    })),
    unprobed: plan.unprobed,
    rows,
    summary: {
      reached: rows.filter((r) => r.status === 'reached').length,
      pathOpen: rows.filter((r) => r.status === 'path-open').length,
      blocked: rows.filter((r) => r.status === 'blocked').length,
      inconclusive: rows.filter((r) => r.status === 'inconclusive').length,
    },
    cleanupFailures,
  };
}
