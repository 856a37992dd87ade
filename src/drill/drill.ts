import { performance } from 'node:perf_hooks';
import type { ContainerRuntime } from '../docker/container-runtime.js';
import { DockerodeRuntime } from '../docker/dockerode-runtime.js';
import { ensureProbeImage } from '../image/probe-image.js';
import { judgeCells } from '../judge/judge.js';
import { CleanupStack } from '../run/cleanup-stack.js';
import type { ProbeLimits } from '../run/probe.js';
import type { ProbeResult } from '../run/probe-result.js';
import { newRunId } from '../run/run-id.js';
import { runProbes } from '../run/run-probes.js';
import { internetOption } from '../scenario/internet-option.js';
import { DEFAULT_INTERNET } from '../scenario/parse-scenario.js';
import { readWindow, type RunWindow } from '../topology/world-changes.js';
import { readWorld } from '../topology/world.js';
import { COMMON_PORTS } from './common-ports.js';
import { DRILL_CONCURRENCY, DRILL_MAX_CHECKS, DRILL_PROBES_AT_ONCE, DRILL_TIMEOUT_MS } from './drill-defaults.js';
import type { DrillFrom } from './drill-from.js';
import { drillRow, sortRows, type DrillResult } from './drill-result.js';
import { planDrill } from './plan-drill.js';

/** Options of {@link drill}. */
export interface DrillOptions {
  from: DrillFrom;
  /** Compose projects or stacks to keep to (sources and targets); absent: everything on the engine. */
  project?: string[];
  /** Ports tried at every address besides the exposed ones; absent: {@link COMMON_PORTS}. */
  ports?: number[];
  /** Whether the host is knocked on at each source network's gateway on `ports` (default true). */
  hostPorts?: boolean;
  /** What egress is tried against (`--internet`); absent: the scenario default; empty: not tried. */
  internet?: string[];
  timeoutMs?: number;
  retries?: number;
  concurrency?: number;
  probesAtOnce?: number;
  maxChecks?: number;
  engineTimeoutMs?: number;
  image?: string;
  probeGraceMs?: number;
  limits?: ProbeLimits;
  dnsUpstream?: string[];
  runId?: string;
  runtime?: ContainerRuntime;
  cleanup?: CleanupStack;
  log?: (message: string) => void;
}

/**
 * Finds what is reachable from a service, a network, or every service: reads the engine, plans the probes, runs them
 * (at most `probesAtOnce` at a time), judges each target. Judges nothing against an expectation. Returns data whatever
 * it found; throws only for errors of input (exit 2) or infrastructure (exit 3). Everything it creates is removed
 * before it returns or throws.
 */
export async function drill(options: DrillOptions): Promise<DrillResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => undefined);
  const runId = options.runId ?? newRunId();
  const internet = internetOption(options.internet ?? DEFAULT_INTERNET);
  const bounds = {
    concurrency: options.concurrency ?? DRILL_CONCURRENCY,
    attemptsPerCheck: 1 + (options.retries ?? 0),
    timeoutMs: options.timeoutMs ?? DRILL_TIMEOUT_MS,
    probesAtOnce: options.probesAtOnce ?? DRILL_PROBES_AT_ONCE,
    maxChecks: options.maxChecks ?? DRILL_MAX_CHECKS,
    ports: options.ports ?? COMMON_PORTS.map((p) => p.port).sort((a, b) => a - b),
    hostPorts: options.hostPorts ?? true,
  };
  const runtime =
    options.runtime ?? new DockerodeRuntime(options.engineTimeoutMs ? { apiTimeoutMs: options.engineTimeoutMs } : {});
  const { stack: cleanup, close: closeCleanup } = (options.cleanup ?? new CleanupStack()).child(
    `probes of drill ${runId}`,
  );

  const world = await readWorld(runtime, { kind: 'engine', projects: options.project });
  const plan = planDrill(options.from, world, {
    runId,
    ports: bounds.ports,
    hostPorts: bounds.hostPorts,
    internet,
    timeoutMs: bounds.timeoutMs,
    retries: bounds.attemptsPerCheck - 1,
    concurrency: bounds.concurrency,
    maxChecks: bounds.maxChecks,
  });
  log(
    `engine ${world.topology.engine.version} (API ${world.topology.engine.apiVersion}) at ${world.topology.engine.endpoint}; drill ${runId}`,
  );
  for (const u of plan.unprobed) log(`not probed: ${u.source}: ${u.reason}`);
  const image =
    plan.probes.length > 0
      ? await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log })
      : (options.image ?? '');
  log(
    `starting ${plan.probes.length} probe(s), ${bounds.probesAtOnce} at once, for ${plan.tried.checks} check(s) with image ${image}`,
  );

  let results: ProbeResult[] = [];
  let window: RunWindow;
  let cleanupFailures: string[] = [];
  try {
    results = await runAtMost(plan.probes, bounds.probesAtOnce, (spec) =>
      runProbes(
        { runId, probes: [spec], cells: [] },
        {
          runtime,
          runId,
          image,
          cleanup,
          ...(options.limits ? { limits: options.limits } : {}),
          ...(options.dnsUpstream ? { dnsUpstream: options.dnsUpstream } : {}),
        },
        {
          ...(options.probeGraceMs !== undefined ? { graceMs: options.probeGraceMs } : {}),
          onProbe: (r) =>
            log(
              `probe ${r.containerName} (${r.probeKey}) ${r.status} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`,
            ),
        },
      ).then((r) => r[0]!),
    );
    window = await readWindow(runtime, world, runId);
  } finally {
    cleanupFailures = await closeCleanup();
  }
  for (const what of new Set([...window.changes.values()].flat().map((c) => c.what)))
    log(`changed during the drill: ${what}`);

  const { judgements, controls: judgedControls } = judgeCells(plan, results, window);
  const byKey = new Map(results.map((r) => [r.probeKey, r]));
  const controls = new Map(judgedControls.map((c) => [c.probeKey, c]));
  const rows = sortRows(judgements.map(drillRow));
  return {
    dockprobeDrill: 1,
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
    startedAt,
    durationMs: Math.round(performance.now() - started),
    bounds,
    tried: plan.tried,
    probes: plan.probes.map((spec) => {
      const r = byKey.get(spec.key);
      const control = controls.get(spec.key)!;
      return {
        key: spec.key,
        label: spec.label,
        container: spec.containerName,
        containerId: r?.containerId,
        status: r?.status ?? 'failed',
        error: r?.error,
        errorCode: r?.errorCode,
        dns: control.dns,
        reach: control.reach,
        controls: control.detail,
        checks: spec.plan.checks.length,
        durationMs: r?.durationMs ?? 0,
      };
    }),
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

/** Runs `work` over `items`, at most `limit` at once, keeping their order in the answer. */
async function runAtMost<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
