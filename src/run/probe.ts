import { performance } from 'node:perf_hooks';
import type { ContainerExit } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import { encodePlan } from '../../probes/agent/plan-transport.js';
import {
  AGENT_EXIT,
  CONTROL_REPEATS,
  DNS_STUB_ADDRESS,
  DNS_STUB_ENV,
  type ProbePlan,
} from '../../probes/agent/protocol.js';
import { engineAnswered } from '../docker/engine-error.js';
import { short } from '../docker/short-id.js';
import { LABEL_SOURCE, runLabels } from '../docker/labels.js';
import { DockprobeError, ErrorCodes, isDockprobeError } from '../errors/dockprobe-error.js';
import type { ProbeSpec } from '../plan/plan.js';
import type { RunTimings } from '../pipeline/run-timings.js';
import type { CleanupStack } from './cleanup-stack.js';
import { parseAgentOutput, type AgentOutput } from './parse-agent-output.js';
import { ProbeFailedError } from './probe-failed-error.js';
import { probeResult, type ProbeErrorCode, type ProbeFailure, type ProbeResult } from './probe-result.js';

/** Resource limits and hardening of every probe container. */
export interface ProbeLimits {
  memoryBytes: number;
  pidsLimit: number;
  /** Numeric, non-root. */
  user: string;
}

/** The defaults: enough for node and a few hundred sockets, no more. */
export const DEFAULT_PROBE_LIMITS: ProbeLimits = { memoryBytes: 128 * 1024 * 1024, pidsLimit: 64, user: '65534:65534' };

/**
 * The upstream a zone probe's embedded DNS forwards unknown names to: the probe's own loopback, where its agent
 * answers every query at once with SERVFAIL and sends nothing on (probes/agent/dns-stub.ts; nothing answers there
 * when it cannot listen). Whether a name resolves *on the network* is decided by the embedded DNS's own records;
 * forwarding it further would only send the query off the host. With nothing answering, engine 20.10 lets each
 * forward time out (1 s per lookup, and ~4 s of the container's exit per pending forward); engines 26+ answer
 * SERVFAIL themselves.
 */
export const ISOLATED_DNS_UPSTREAM = [DNS_STUB_ADDRESS];

/** What a probe needs besides its spec. */
export interface ProbeContext {
  runtime: Pick<Engine, 'endpoint' | 'containers' | 'swarm'>;
  runId: string;
  image: string;
  cleanup: CleanupStack;
  limits?: ProbeLimits;
  /** Upstream DNS for the probes (default {@link ISOLATED_DNS_UPSTREAM}; empty: the engine's default). */
  dnsUpstream?: string[];
  /** Where each probe's create and start, run and removal are timed; absent: not timed. */
  timings?: RunTimings;
}

/**
 * The upstream DNS a probe's container gets: none of its own for a service probe (it joins the service's namespace, or
 * stands for a task and resolves as tasks do) or a probe that needs the engine's; else the run's, isolated by default.
 */
export function probeDns(spec: ProbeSpec, context: Pick<ProbeContext, 'dnsUpstream'>): string[] {
  const placement = spec.placement;
  const asService = placement.kind === 'container' || (placement.kind === 'job' && placement.task !== undefined);
  return asService || spec.dnsUpstream === 'inherit' ? [] : (context.dnsUpstream ?? ISOLATED_DNS_UPSTREAM);
}

/**
 * What a probe's environment adds for its DNS: where its upstream is its own loopback (ISOLATED_DNS_UPSTREAM, or
 * `--dns-upstream 127.0.0.1`), the agent answers there itself (probes/agent/dns-stub.ts). Never where the probe has
 * the service's upstream or the engine's, nor another upstream: those are not the probe's to answer.
 */
export function dnsStubEnv(dns: readonly string[]): Record<string, string> {
  return dns.length === 1 && dns[0] === DNS_STUB_ADDRESS ? { [DNS_STUB_ENV]: '1' } : {};
}

/** A probe not yet started: a spec and where it will run. `start()` gives a {@link StartedProbe}. */
export class Probe {
  constructor(
    readonly spec: ProbeSpec,
    readonly context: ProbeContext,
  ) {}

  /** Creates and starts the container (or the swarm job); it is registered for cleanup before it can run. */
  async start(): Promise<StartedProbe> {
    const { runtime, cleanup } = this.context;
    const limits = this.context.limits ?? DEFAULT_PROBE_LIMITS;
    if (cleanup.closed)
      throw new DockprobeError(
        ErrorCodes.ABORTED,
        `run ${this.context.runId} is stopping; probe ${this.spec.containerName} not started`,
      );
    const started = performance.now();
    const placement = this.spec.placement;
    // A programming error, not the engine's: runProbes runs the host perspective in-process.
    if (placement.kind === 'host' || placement.kind === 'lan')
      throw new Error(`the ${placement.kind} probe runs as a process on this host, not in a container`);
    // A service probe joins the container's namespace: its networks, aliases, DNS and localhost. The engine allows no
    // DNS override there, so it sees exactly what the service sees. A job standing for a task resolves as tasks do.
    const dns = probeDns(this.spec, this.context);
    const common = {
      name: this.spec.containerName,
      image: this.context.image,
      cmd: ['run'],
      env: { ...encodePlan(this.spec.plan), ...dnsStubEnv(dns), NODE_OPTIONS: '--max-old-space-size=64' },
      labels: runLabels(this.context.runId, 'probe', { [LABEL_SOURCE]: this.spec.key }),
      user: limits.user,
      memoryBytes: limits.memoryBytes,
      pidsLimit: limits.pidsLimit,
      logBytes: probeLogBytes(this.spec.plan),
    };
    const kind = placement.kind === 'job' ? 'swarm job' : 'probe container';
    const creating =
      placement.kind === 'job'
        ? runtime.swarm.createJob({
            ...common,
            networks: this.spec.networks.map((n) => n.id),
            nodeId: placement.node.id,
            dns,
          })
        : runtime.containers.create({
            ...common,
            networkMode: placement.kind === 'container' ? `container:${placement.container.id}` : placement.network.id,
            network: placement.kind === 'container' ? undefined : placement.network.id,
            dns,
          });
    // The removal is registered before the create returns: a signal that arrives while the engine is still creating
    // the container waits for it (the create is bounded by the runtime's own deadline) and removes it, instead of
    // leaving a probe in state Created. Probe containers are independent of each other: removed together, still
    // after anything deferred later. A job goes with its service: the swarm removes its task's container on its node.
    // A create whose answer never came (a timeout, a connection the engine dropped) may have created it all the
    // same: it is then removed by its name, which is this run's own (the engine takes a name wherever it takes an id).
    // A create the engine refused with an answer created nothing, and a name is never removed on a guess.
    const remove = cleanup.defer(
      `remove ${kind} ${this.spec.containerName}`,
      async () => {
        const created = await creating.catch((error: unknown) =>
          engineAnswered(error) ? undefined : this.spec.containerName,
        );
        if (created)
          await (placement.kind === 'job' ? runtime.swarm.removeService(created) : runtime.containers.remove(created));
      },
      { concurrent: true },
    );
    let id: string;
    try {
      id = await creating;
    } catch (error) {
      await remove().catch(() => undefined);
      throw error;
    }
    if (cleanup.closed) {
      await remove();
      throw new DockprobeError(
        ErrorCodes.ABORTED,
        `run ${this.context.runId} is stopping; probe ${this.spec.containerName} removed`,
      );
    }
    if (placement.kind === 'job') {
      // A job starts as soon as the swarm schedules it; its task ends when the agent does.
      return new StartedProbe(this.spec, id, remove, started, (timeoutMs) =>
        waitForJob(runtime, id, timeoutMs, placement.node.hostname, this.context.image),
      );
    }
    try {
      await runtime.containers.start(id);
    } catch (error) {
      await remove().catch(() => undefined);
      throw error;
    }
    return new StartedProbe(this.spec, id, remove, started, async (timeoutMs) => ({
      ...(await runtime.containers.wait(id, timeoutMs)),
      containerId: id,
    }));
  }
}

/** How a probe's container (or job's task) ended: its exit and output, and the container that ran it. */
type ProbeExit = ContainerExit & { containerId: string | undefined };

// A job's task that never ran (the swarm rejected it, or it failed before the agent started) says why in the task's
// state: that is the probe's error, with what to do when the probe image is missing on the node.
async function waitForJob(
  runtime: Pick<Engine, 'swarm'>,
  id: string,
  timeoutMs: number,
  node: string,
  image: string,
): Promise<ProbeExit> {
  const exit = await runtime.swarm.waitJob(id, timeoutMs);
  // A task that had a container ran the agent, or tried to: silence from it is the agent's (a crash, the OOM killer),
  // read as a container probe's would be. Only a task that never got a container was rejected.
  if (exit.state === 'complete' || exit.stdout !== '' || exit.containerId !== undefined) return exit;
  const missing = /no such image|not found|manifest unknown|pull access denied/i.test(exit.message);
  const hint = missing
    ? `: the probe image ${image} must be on every node probed from (give dockprobe the node's engine with --node-engine NODE=ENDPOINT and it loads it there; or docker save ${image} | docker -H <node> load; or --image with an image from a registry every node can pull)`
    : '';
  throw new ProbeFailedError(
    'job-rejected',
    `the swarm job's task ${short(exit.taskId)} on node ${node} ended ${exit.state}: ${exit.message}${hint}`,
  );
}

/**
 * What a job gets on top of a container's grace: the swarm schedules its task, and the node attaches it to its
 * networks first (an overlay not yet on that node joins the network's gossip: seen taking over 20 s on a node of the
 * three-node test cluster while its interfaces were above the path's MTU).
 */
export const JOB_START_GRACE_MS = 30_000;

/** A running probe. Read its result with `result()`; `stop()` (or `await using`) removes the container or job. */
export class StartedProbe implements AsyncDisposable {
  constructor(
    readonly spec: ProbeSpec,
    /** The container's id, or the job's service id. */
    readonly id: string,
    private readonly remove: () => Promise<void>,
    private readonly startedAt: number,
    private readonly waitExit: (timeoutMs: number) => Promise<ProbeExit>,
  ) {}

  /** Waits for the agent to finish (its own deadline plus `graceMs`) and reads what it saw. Never throws. */
  async result(graceMs: number): Promise<ProbeResult> {
    const timeoutMs =
      this.spec.plan.deadlineMs + graceMs + (this.spec.placement.kind === 'job' ? JOB_START_GRACE_MS : 0);
    const waitStarted = performance.now();
    const name = `probe ${this.spec.containerName} (${short(this.id)})`;
    try {
      const exit = await this.waitExit(timeoutMs);
      const output = parseAgentOutput(exit.stdout);
      const durationMs = Math.round(performance.now() - this.startedAt);
      const { failure, lost } = agentFailure(this.spec, output, exit, name);
      // Nothing a probe saw from a lost namespace counts.
      const observations = lost ? new Map() : output.observations;
      return probeResult(
        this.spec,
        {
          containerId: exit.containerId ? short(exit.containerId) : undefined,
          observations,
          interfaces: output.interfaces,
          defaultRoute: output.defaultRoute,
          durationMs,
        },
        failure,
      );
    } catch (error) {
      return probeResult(
        this.spec,
        { containerId: short(this.id), durationMs: Math.round(performance.now() - this.startedAt) },
        {
          code: waitFailureCode(error, performance.now() - waitStarted >= timeoutMs),
          text: `${name}: ${(error as Error).message}`,
        },
      );
    }
  }

  /** Removes the container (idempotent). */
  stop(): Promise<void> {
    return this.remove();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Why an agent's run failed, from what it printed and how it ended (no failure: it finished), and whether it lost the
 * namespace it joined (then nothing it saw counts). `name` names the probe in the text. The one reading of an agent's
 * end, for a cold probe and a warm one's round alike.
 */
export function agentFailure(
  spec: ProbeSpec,
  output: AgentOutput,
  exit: { exitCode: number; stderr: string },
  name: string,
): { failure: ProbeFailure | undefined; lost: boolean } {
  const placement = spec.placement;
  const onlyLo = (list: string[]) => list.length > 0 && list.every((i) => i.startsWith('lo '));
  // A joined namespace left with only lo: the target restarted or stopped under the probe.
  const lostAt =
    placement.kind !== 'container'
      ? undefined
      : onlyLo(output.interfaces)
        ? 'when it started'
        : onlyLo(output.finalInterfaces)
          ? 'when it finished'
          : undefined;
  let failure: ProbeFailure | undefined;
  if (lostAt && placement.kind === 'container') {
    failure = {
      code: 'namespace-lost',
      text: `${name} found only lo in the namespace of ${placement.container.name} ${lostAt}: the container restarted or stopped mid-run`,
    };
  } else if (output.done && !output.hello) {
    // The agent's first line is gone while its last is there: the log lost its beginning, and with it results.
    failure = {
      code: 'log-truncated',
      text: `${name} finished, but the start of its output is missing (its log was cut): only ${output.observations.size} of its results were read`,
    };
  } else if (!output.done) {
    const why =
      output.fatal ?? lastLine(exit.stderr) ?? (exit.exitCode === 137 ? 'killed (out of memory?)' : undefined);
    failure = {
      code: unfinishedCode(output, exit.exitCode),
      text: `${name} ended with exit code ${exit.exitCode} before finishing${why ? `: ${why}` : ''}`,
    };
  }
  return { failure, lost: lostAt !== undefined };
}

/**
 * Why an agent ended before its done line: what its fatal line and exit code say (the exit code tells one fatal from
 * the other, never its message), else it crashed or was killed without a word.
 */
export function unfinishedCode(output: Pick<AgentOutput, 'fatal'>, exitCode: number | undefined): ProbeErrorCode {
  if (output.fatal !== undefined && exitCode === AGENT_EXIT.DEADLINE) return 'agent-deadline';
  if (output.fatal !== undefined && exitCode === AGENT_EXIT.PLAN_REFUSED) return 'plan-refused';
  return 'exited-early';
}

/**
 * A wait that failed: the engine's own codes say whether it went away, ran out of time or refused; a job the swarm
 * never ran says so itself. Anything else the engine raised is its error. DP_TIMEOUT is the probe's deadline only once
 * the whole wait (`waitedPastDeadline`) has run: it is also any single engine call left unanswered (the log read after
 * the wait, a job's task poll), and then the engine stopped answering, not the probe.
 */
export function waitFailureCode(error: unknown, waitedPastDeadline: boolean): ProbeErrorCode {
  if (error instanceof ProbeFailedError) return error.code;
  if (isDockprobeError(error) && error.code === ErrorCodes.DOCKER_UNAVAILABLE) return 'engine-unreachable';
  if (isDockprobeError(error) && error.code === ErrorCodes.TIMEOUT)
    return waitedPastDeadline ? 'deadline-exceeded' : 'engine-unreachable';
  return 'engine-error';
}

/** The last line of a process's output that is not blank: what it said as it ended. */
export function lastLine(text: string): string | undefined {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.length ? lines[lines.length - 1] : undefined;
}

/**
 * How large a probe's log must be to keep everything its agent prints: a line per check and per run of each control,
 * at most a couple of kilobytes each once the engine's json-file wraps it, and a margin for hello, done and stderr.
 * A fixed 1 MB once cut a 2,872-check probe's output to its last few hundred lines.
 */
export function probeLogBytes(plan: ProbePlan): number {
  const lines = plan.checks.length + plan.controls.length * (CONTROL_REPEATS + 1) + 16;
  // A kept body travels escaped twice (the agent's JSON line, then json-file's): four times its size at the most.
  const bodies = plan.checks.reduce((n, c) => n + (c.kind === 'http' && c.keepBody ? 4 * c.keepBody : 0), 0);
  return 1024 * 1024 + lines * 2048 + bodies;
}
