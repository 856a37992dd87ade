import { performance } from 'node:perf_hooks';
import type { Engine } from '../docker/engine.js';
import { DockerodeEngine } from '../docker/dockerode-engine.js';
import { CleanupStack } from '../run/cleanup-stack.js';
import type { ControlPeers } from '../run/control-peers.js';
import type { ProbeLimits } from '../run/probe.js';
import { newRunId } from '../run/run-id.js';
import { coldProbeRunner, type ProbeRunner } from './probe-runner.js';
import { NO_PROGRESS, type ProgressSink } from './progress-sink.js';
import type { RunTimings } from './run-timings.js';

/** What every front end's run takes: the engine, the run's id and cleanup, its log, and how its probes are made. */
export interface RunOptions {
  runId?: string;
  runtime?: Engine;
  /** The deadline of each engine call (`--engine-timeout`); a silent engine then fails the run with exit 3. */
  engineTimeoutMs?: number;
  /** Shared with the caller's signal handlers, so Ctrl-C removes what this run created. */
  cleanup?: CleanupStack;
  /** Progress lines (stderr in the CLI). */
  log?: (message: string) => void;
  /** How far each round of cold probes is, as it runs (a terminal's status line in the CLI); absent: nothing. */
  progress?: ProgressSink;
  /** A probe image to use instead of building one. */
  image?: string;
  /** How long past its own deadline a probe may take before it is killed (container start included). */
  probeGraceMs?: number;
  limits?: ProbeLimits;
  /** Upstream DNS of the probes: undefined for the isolated default, [] for the engine's own. */
  dnsUpstream?: string[];
  /** Where the run's phases are timed (the benches' breakdown); absent: not timed. */
  timings?: RunTimings;
}

/** One run while it lasts: its id, engine and log, and the cleanup stack its probes go on. */
export interface RunSession {
  runId: string;
  runtime: Engine;
  log: (message: string) => void;
  /** The run's own stack: removed by close(); a caller's stack (the CLI's signal handler) reaches it while it lives. */
  cleanup: CleanupStack;
  startedAt: string;
  /** Milliseconds since the run began. */
  elapsedMs(): number;
  /**
   * A runner of cold probes (coldProbeRunner) with the run's image and options; `atOnce` bounds the probes at a time;
   * `controlPeers`, when given, are the peers it shares with another runner (its own otherwise).
   */
  coldRunner(image: string, atOnce?: number, controlPeers?: ControlPeers): ProbeRunner;
  /**
   * A cold runner for one round whose plan comes in parts, each run as its slot comes (a drill plans each source's
   * probes then): the round, of the size given, is told to the progress sink once, each part's probes as they run;
   * `end()` ends the round.
   */
  partsRunner(image: string, round: { probes: number; checks: number }): ProbeRunner & { end(): void };
  /** Removes everything the run created; returns what could not be removed. */
  close(): Promise<string[]>;
}

/** Opens a run: `what` names its stack (`probes of run <id>`, `probes of drill <id>`). */
export function openRun(options: RunOptions, what: 'run' | 'drill'): RunSession {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? NO_PROGRESS;
  const runId = options.runId ?? newRunId();
  const runtime =
    options.runtime ?? new DockerodeEngine(options.engineTimeoutMs ? { apiTimeoutMs: options.engineTimeoutMs } : {});
  // Probes get a stack of their own, removed as soon as the run ends.
  const { stack: cleanup, close } = (options.cleanup ?? new CleanupStack()).child(`probes of ${what} ${runId}`);
  // A cold runner with the run's image and options, its probes told to the progress sink (`checksOf`: a probe's checks).
  const cold = (
    image: string,
    atOnce: number | undefined,
    controlPeers: ControlPeers | undefined,
    checksOf: (key: string) => number,
  ) =>
    coldProbeRunner(
      {
        runtime,
        runId,
        image,
        cleanup,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.dnsUpstream ? { dnsUpstream: options.dnsUpstream } : {}),
        ...(options.timings ? { timings: options.timings } : {}),
      },
      {
        ...(options.probeGraceMs !== undefined ? { graceMs: options.probeGraceMs } : {}),
        ...(atOnce !== undefined ? { atOnce } : {}),
        ...(controlPeers ? { controlPeers } : {}),
        log,
        onStart: (spec) => progress.probeStarted({ key: spec.key }),
        onProbe: (r) => {
          log(
            `probe ${r.containerName} (${r.probeKey}) ${r.status} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`,
          );
          progress.probeEnded({
            key: r.probeKey,
            checks: checksOf(r.probeKey),
            failed: r.status === 'failed',
          });
        },
      },
    );
  return {
    runId,
    runtime,
    log,
    cleanup,
    startedAt,
    elapsedMs: () => Math.round(performance.now() - started),
    coldRunner: (image, atOnce, controlPeers) => {
      // Each probe's checks, by key, for the round running: what a probe that ends has done.
      let checks = new Map<string, number>();
      const runner = cold(image, atOnce, controlPeers, (key) => checks.get(key) ?? 0);
      return {
        run: async (plan, onResult) => {
          checks = new Map(plan.probes.map((p) => [p.key, p.plan.checks.length]));
          progress.roundStarted({
            probes: plan.probes.length,
            checks: [...checks.values()].reduce((n, c) => n + c, 0),
          });
          try {
            return await runner.run(plan, onResult);
          } finally {
            progress.roundEnded();
          }
        },
      };
    },
    partsRunner: (image, round) => {
      // Each running part's probes' checks, by key, until the probe ends.
      const checks = new Map<string, number>();
      const runner = cold(image, undefined, undefined, (key) => {
        const n = checks.get(key) ?? 0;
        checks.delete(key);
        return n;
      });
      progress.roundStarted(round);
      return {
        run: (plan, onResult) => {
          for (const p of plan.probes) checks.set(p.key, p.plan.checks.length);
          return runner.run(plan, onResult);
        },
        end: () => progress.roundEnded(),
      };
    },
    close,
  };
}
