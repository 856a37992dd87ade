import { ensureProbeImage } from '../image/probe-image.js';
import { logWindow, runAndJudge } from '../pipeline/round.js';
import { openRun, type RunOptions } from '../pipeline/run-session.js';
import { summariseProbes } from '../pipeline/summarise-probes.js';
import { internetOption } from '../scenario/internet-option.js';
import { DEFAULT_INTERNET } from '../scenario/parse-scenario.js';
import { readWorld } from '../topology/world.js';
import { COMMON_PORTS } from '../checks/port/common-ports.js';
import {
  DRILL_CONCURRENCY,
  DRILL_CONNECT_CONCURRENCY,
  DRILL_LOOKUP_CONCURRENCY,
  DRILL_MAX_CHECKS,
  DRILL_PROBES_AT_ONCE,
  DRILL_TIMEOUT_MS,
} from './drill-defaults.js';
import type { DrillFrom } from './drill-from.js';
import { type DrillProbe, type DrillResult, type DrillRow, drillRow, rowInWindow, sortRows } from './drill-result.js';
import { planDrillParts } from './plan-drill.js';
import { judgementsInWindow } from '../judge/judge.js';
import type { Plan } from '../plan/plan.js';
import type { ProbeSummary } from '../run-result.js';
import { checkHostNamespaces } from '../run/host-namespaces.js';
import { slots } from '../run/slots.js';
import { SharedRowParts } from './shared-row-parts.js';
import { readWindow, type RunWindow } from '../topology/world-changes.js';
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
  /** Checks each probe has in flight besides its connects by address (`--concurrency`). */
  concurrency?: number;
  /** Connects by address each probe has in flight at once (`--connect-concurrency`). */
  connectConcurrency?: number;
  /** DNS queries in flight across the probes running at once (`--lookup-concurrency`), shared out evenly. */
  lookupConcurrency?: number;
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
    connectConcurrency: options.connectConcurrency ?? DRILL_CONNECT_CONCURRENCY,
    lookupConcurrency: options.lookupConcurrency ?? DRILL_LOOKUP_CONCURRENCY,
    attemptsPerCheck: 1 + (options.retries ?? 0),
    timeoutMs: options.timeoutMs ?? DRILL_TIMEOUT_MS,
    probesAtOnce: options.probesAtOnce ?? DRILL_PROBES_AT_ONCE,
    maxChecks: options.maxChecks ?? DRILL_MAX_CHECKS,
    ports: options.ports ?? COMMON_PORTS.map((p) => p.port).sort((a, b) => a - b),
    hostPorts: options.hostPorts ?? true,
    ...(options.udpPorts && options.udpPorts.length > 0 ? { udpPorts: options.udpPorts } : {}),
  };

  const world = await readWorld(runtime, { kind: 'engine', projects: options.project });
  const plan = planDrillParts(options.from, world, {
    runId,
    ports: bounds.ports,
    udpPorts: bounds.udpPorts ?? [],
    hostPorts: bounds.hostPorts,
    internet,
    timeoutMs: bounds.timeoutMs,
    retries: bounds.attemptsPerCheck - 1,
    concurrency: bounds.concurrency,
    connectConcurrency: bounds.connectConcurrency,
    lookupConcurrency: bounds.lookupConcurrency,
    probesAtOnce: bounds.probesAtOnce,
    maxChecks: bounds.maxChecks,
  });
  log(`${describeEngine(world.topology.engine)} at ${describeEndpoint(world.topology.engine)}; drill ${runId}`);
  // --from lan on a remote or rootless engine, or from a container without the host's namespaces, is refused before
  // the image is built.
  const onHost: Plan = { runId, probes: plan.hostProbes, cells: [] };
  refuseHostPlacements(onHost, world.topology.engine);
  await checkHostNamespaces(onHost, runtime, world.topology);
  for (const u of plan.unprobed) log(`not probed: ${u.source}: ${u.reason}`);
  const image =
    plan.probes > 0
      ? await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log })
      : (options.image ?? '');
  log(
    `starting ${plan.probes} probe(s), ${bounds.probesAtOnce} at once, for ${plan.tried.checks} check(s) with image ${image}`,
  );

  // Each source's part is planned as its slot comes, its cells judged and worded as rows as its probes end, and let
  // go: the run holds the plans of the probes running, and rows. The window, read once every probe has ended, is
  // applied to the rows after (rowInWindow), with the containers each rests on.
  const parts: { rows: DrillRow[]; touches: (readonly string[])[]; probes: DrillProbe[] }[] = [];
  let window: RunWindow;
  let cleanupFailures: string[] = [];
  const runner = session.partsRunner(image, { probes: plan.probes, checks: plan.tried.checks });
  try {
    const slot = slots(bounds.probesAtOnce);
    const shared = new SharedRowParts();
    await Promise.all(
      plan.parts.map((planPart, i) =>
        slot(async () => {
          const part = { runId, ...planPart() };
          const { results, judged } = await runAndJudge(part, runner, false);
          const { judgements, controls } = judgementsInWindow(part, judged);
          parts[i] = {
            rows: judgements.map((j) => shared.share(drillRow(j))),
            touches: judgements.map((j) => j.cell.touches),
            probes: drillProbes(summariseProbes({ plan: part, results, controls })),
          };
        }),
      ),
    );
    window = await readWindow(runtime, world, runId);
    logWindow(window, log);
  } finally {
    runner.end();
    cleanupFailures = await session.close();
  }
  const unsorted: DrillRow[] = [];
  for (const [i, part] of parts.entries()) {
    for (const [j, row] of part.rows.entries()) unsorted.push(rowInWindow(row, part.touches[j]!, window));
    parts[i] = { ...part, rows: [], touches: [] };
  }
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
    probes: parts.flatMap((p) => p.probes),
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

/** A drill's probes, as its reports show them. */
function drillProbes(summaries: readonly ProbeSummary[]): DrillProbe[] {
  return summaries.map((p) => ({
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
  }));
}
