import { performance } from 'node:perf_hooks';
import type { ContainerRuntime } from './docker/container-runtime.js';
import { DockerodeRuntime } from './docker/dockerode-runtime.js';
import { ensureProbeImage } from './image/probe-image.js';
import { judge } from './judge/judge.js';
import { buildPlan } from './plan/build-plan.js';
import { CleanupStack } from './run/cleanup-stack.js';
import type { ProbeLimits } from './run/probe.js';
import { runProbes } from './run/run-probes.js';
import { newRunId } from './run/run-id.js';
import { summarise, type RunResult } from './run-result.js';
import { loadScenario } from './scenario/parse-scenario.js';
import type { Scenario } from './scenario/scenario.js';
import { resolveTopology } from './topology/resolve-topology.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** Scenario files, or scenarios already parsed. */
  scenarios: (string | Scenario)[];
  /** Replaces the Compose project of every scenario (run the same expectations against another deployment). */
  project?: string;
  /** Replaces every per-check timeout, in milliseconds. */
  timeoutMs?: number;
  /** A probe image to use instead of building one. */
  image?: string;
  /** How long past its own deadline a probe may take before it is killed (container start included). */
  probeGraceMs?: number;
  limits?: ProbeLimits;
  /** Upstream DNS of the probes: undefined for the isolated default, [] for the engine's own. */
  dnsUpstream?: string[];
  runId?: string;
  runtime?: ContainerRuntime;
  /** Shared with the caller's signal handlers, so Ctrl-C removes what this run created. */
  cleanup?: CleanupStack;
  /** Progress lines (stderr in the CLI). */
  log?: (message: string) => void;
}

/**
 * Runs scenarios against what is deployed now: resolve names, plan, probe, judge. Returns data whatever the
 * verdicts; throws only for errors of input (exit 2) or infrastructure (exit 3). Everything it creates is removed
 * before it returns or throws.
 */
export async function verify(options: VerifyOptions): Promise<RunResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => undefined);
  const runId = options.runId ?? newRunId();
  // Probes get a stack of their own, removed as soon as the run ends; a caller's stack (the CLI's signal handler)
  // reaches it while it lives.
  const { stack: cleanup, close: closeCleanup } = (options.cleanup ?? new CleanupStack()).child(`probes of run ${runId}`);
  const scenarios = await Promise.all(options.scenarios.map((s) => (typeof s === 'string' ? loadScenario(s) : s)));
  const projected = options.project === undefined ? scenarios : scenarios.map((s) => withProject(s, options.project!));
  const runtime = options.runtime ?? new DockerodeRuntime();

  const topology = await resolveTopology(projected, runtime);
  log(`engine ${topology.engine.version} (API ${topology.engine.apiVersion}) at ${topology.engine.endpoint}; run ${runId}`);
  const image = await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log });
  const plan = buildPlan(projected.flatMap((s) => s.expectations), topology, { runId, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  log(`starting ${plan.probes.length} probe(s) for ${plan.cells.length} check(s) with image ${image}`);

  let results;
  let cleanupFailures: string[] = [];
  try {
    results = await runProbes(plan, { runtime, runId, image, cleanup, ...(options.limits ? { limits: options.limits } : {}), ...(options.dnsUpstream ? { dnsUpstream: options.dnsUpstream } : {}) }, {
      ...(options.probeGraceMs !== undefined ? { graceMs: options.probeGraceMs } : {}),
      onProbe: (r) => log(`probe ${r.containerName} (${r.probeKey}) ${r.status} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`),
    });
  } finally {
    cleanupFailures = await closeCleanup();
  }

  const { verdicts, controls } = judge(plan, results);
  return {
    runId,
    scenarios: projected.map((s) => s.file),
    engine: topology.engine,
    image,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    probes: plan.probes.map((spec) => {
      const r = results.find((x) => x.probeKey === spec.key)!;
      return {
        key: spec.key,
        label: spec.label,
        container: spec.containerName,
        containerId: r.containerId,
        network: spec.network.name,
        status: r.status,
        error: r.error,
        control: controls.find((c) => c.probeKey === spec.key)!,
        interfaces: r.interfaces,
        checks: spec.plan.checks.length,
        durationMs: r.durationMs,
      };
    }),
    verdicts,
    summary: summarise(verdicts),
    cleanupFailures,
  };
}

function withProject(scenario: Scenario, project: string): Scenario {
  return {
    ...scenario,
    project,
    expectations: scenario.expectations.map((e) => ({
      ...e,
      from: { ...e.from, project },
      to: e.to.map((t) => (t.host.kind === 'service' ? { ...t, host: { ...t.host, project } } : t)),
    })),
  };
}
