import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { DEFAULT_LEASE_MS, LEASE_ENV, renewEveryMs, type WarmLine } from '../../probes/agent/warm-protocol.js';
import type { AttachedContainer } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import { LABEL_SOURCE, runLabels } from '../docker/labels.js';
import { short } from '../docker/short-id.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { ProbeSpec } from '../plan/plan.js';
import type { CleanupStack } from '../run/cleanup-stack.js';
import { ProbeFailedError } from '../run/probe-failed-error.js';
import { parseAgentOutput } from '../run/parse-agent-output.js';
import { agentFailure, DEFAULT_PROBE_LIMITS, dnsStubEnv, probeDns, type ProbeLimits } from '../run/probe.js';
import { probeResult, type ProbeResult } from '../run/probe-result.js';

/** What a warm probe needs besides its spec. */
export interface WarmProbeContext {
  runtime: Pick<Engine, 'containers'>;
  runId: string;
  image: string;
  cleanup: CleanupStack;
  limits?: ProbeLimits;
  dnsUpstream?: string[];
  /** How long the probe lives without hearing from this process (DEFAULT_LEASE_MS when absent). */
  leaseMs?: number;
  /** How long the probe may take to say it is ready once started. */
  readyTimeoutMs: number;
}

/** The log a warm probe's container keeps (its lines come through the attach; the log only rotates within this). */
const WARM_LOG_BYTES = 1024 * 1024;
/** The stderr lines kept from a warm probe, for the reason it gives when it ends. */
const STDERR_LINES_KEPT = 5;

/**
 * Where a warm probe sits, as one string: a probe can serve every round whose spec has the same. A network probe's
 * identity is its network and its DNS; a service probe's the very container it joined (a re-created service has a
 * new one, so a new probe).
 */
export function warmIdentity(spec: ProbeSpec, dnsUpstream: string[] | undefined): string | undefined {
  const p = spec.placement;
  if (p.kind === 'network') return `network ${p.network.id} dns ${probeDns(spec, { dnsUpstream }).join(',')}`;
  if (p.kind === 'container') return `container ${p.container.id}`;
  return undefined;
}

/**
 * A probe container that stays up between rounds (the agent's warm mode), placed and hardened as a cold probe is,
 * driven over its own stdin and stdout attached through the engine: no port of it listens. Each round's plan goes down
 * as a line; the round's lines come back tagged with its number. It renews its lease while this process lives, and
 * the engine removes its container as soon as it ends (AutoRemove): a probe whose orchestrator went away ends within
 * its lease and leaves nothing.
 */
export class WarmProbe {
  readonly #attached: AttachedContainer;
  readonly #unregister: () => Promise<void>;
  readonly #renew: NodeJS.Timeout;
  /** The lines of the round in flight, and who waits for its end. */
  #round: { number: number; lines: string[]; end: () => void } | undefined;
  #ended = false;
  #removed = false;
  readonly #stderr: string[] = [];
  readonly #ready: Promise<void>;
  #onEnd: () => void = () => undefined;
  /** Settles when the probe has ended (killed, out of its lease, stopped by remove()); never rejects. */
  readonly ended: Promise<void> = new Promise((resolve) => (this.#onEnd = resolve));
  /** Rounds this probe has run. */
  rounds = 0;

  private constructor(
    readonly identity: string,
    readonly name: string,
    readonly id: string,
    readonly key: string,
    context: WarmProbeContext,
    attached: AttachedContainer,
    unregister: () => Promise<void>,
  ) {
    this.#attached = attached;
    this.#unregister = unregister;
    const leaseMs = context.leaseMs ?? DEFAULT_LEASE_MS;
    this.#renew = setInterval(() => this.#send({ type: 'renew' }), renewEveryMs(leaseMs));
    this.#renew.unref();
    let ready: () => void = () => undefined;
    this.#ready = new Promise((resolve) => (ready = resolve));
    const lines = createInterface({ input: attached.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (text) => {
      let line: WarmLine;
      try {
        line = JSON.parse(text) as WarmLine;
      } catch {
        return;
      }
      if (line?.type === 'ready') return ready();
      const round = this.#round;
      if (!round || line?.round !== round.number) return;
      round.lines.push(text);
      if (line.type === 'done' || line.type === 'fatal') round.end();
    });
    lines.on('close', () => {
      this.#ended = true;
      clearInterval(this.#renew);
      this.#round?.end();
      ready();
      this.#onEnd();
    });
    createInterface({ input: attached.stderr }).on('line', (text) => {
      this.#stderr.push(text);
      if (this.#stderr.length > STDERR_LINES_KEPT) this.#stderr.shift();
    });
  }

  /**
   * Creates, attaches and starts the probe for `spec` as `name`, and waits until its agent says it is ready. Its
   * removal is on the run's cleanup stack before the engine is asked to create it.
   */
  static async start(spec: ProbeSpec, name: string, context: WarmProbeContext): Promise<WarmProbe> {
    const identity = warmIdentity(spec, context.dnsUpstream);
    const placement = spec.placement;
    if (identity === undefined || (placement.kind !== 'network' && placement.kind !== 'container'))
      throw new Error(`a ${placement.kind} probe is not kept warm`);
    const { runtime, cleanup } = context;
    if (cleanup.closed)
      throw new DockprobeError(ErrorCodes.ABORTED, `run ${context.runId} is stopping; warm probe ${name} not started`);
    const limits = context.limits ?? DEFAULT_PROBE_LIMITS;
    const leaseMs = context.leaseMs ?? DEFAULT_LEASE_MS;
    const dns = probeDns(spec, context);
    const creating = runtime.containers.create({
      name,
      image: context.image,
      cmd: ['warm'],
      env: { [LEASE_ENV]: String(leaseMs), ...dnsStubEnv(dns), NODE_OPTIONS: '--max-old-space-size=64' },
      labels: runLabels(context.runId, 'probe', { [LABEL_SOURCE]: spec.key }),
      user: limits.user,
      memoryBytes: limits.memoryBytes,
      pidsLimit: limits.pidsLimit,
      logBytes: WARM_LOG_BYTES,
      networkMode: placement.kind === 'container' ? `container:${placement.container.id}` : placement.network.id,
      network: placement.kind === 'container' ? undefined : placement.network.id,
      dns,
      stdin: true,
      autoRemove: true,
    });
    // Removed by its id once created, else by its name (a create whose answer was lost may have made it); a
    // container already gone (it ended, and the engine removed it) is no error.
    let removed = false;
    const remove = async () => {
      if (removed) return;
      const id = await creating.catch(() => name);
      await runtime.containers.remove(id);
      removed = true;
    };
    const unregister = cleanup.defer(`remove warm probe ${name}`, remove, { concurrent: true });
    let id: string;
    let attached: AttachedContainer | undefined;
    try {
      id = await creating;
      attached = await runtime.containers.attach(id);
      await runtime.containers.start(id);
    } catch (error) {
      attached?.close();
      await unregister().catch(() => undefined);
      throw error;
    }
    const probe = new WarmProbe(identity, name, id, spec.key, context, attached, async () => {
      await remove();
      await unregister();
    });
    const timer = setTimeout(() => probe.#attached.close(), context.readyTimeoutMs);
    await probe.#ready;
    clearTimeout(timer);
    if (probe.#ended || cleanup.closed) {
      const why = probe.#ended ? `it ended before it was ready${probe.#why()}` : `run ${context.runId} is stopping`;
      await probe.remove().catch(() => undefined);
      const text = `warm probe ${name} (${short(id)}): ${why}`;
      throw probe.#ended ? new ProbeFailedError('not-started', text) : new DockprobeError(ErrorCodes.ABORTED, text);
    }
    return probe;
  }

  /** Its last words (the last line it wrote on stderr), for why it ended. */
  get lastWords(): string | undefined {
    return this.#stderr.at(-1);
  }

  /** Whether the probe is still there to take a round. */
  get alive(): boolean {
    return !this.#ended;
  }

  /**
   * Runs `spec`'s plan as round `round` and reads what the agent saw, as a cold probe's run is read: never throws. A
   * round past its deadline plus `graceMs` is given up and the probe ended (the runner replaces it).
   */
  async run(spec: ProbeSpec, round: number, graceMs: number): Promise<ProbeResult> {
    const started = performance.now();
    const name = `warm probe ${this.name} (${short(this.id)})`;
    const fields = { containerId: short(this.id) };
    if (this.#ended)
      return probeResult(
        { key: spec.key, containerName: this.name },
        { ...fields, durationMs: 0 },
        { code: 'exited-early', text: `${name} had ended before round ${round}${this.#why()}` },
      );
    if (this.#round) throw new Error(`${name}: round ${this.#round.number} is still running`);
    const lines: string[] = [];
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, spec.plan.deadlineMs + graceMs);
      this.#round = {
        number: round,
        lines,
        end: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#send({ type: 'round', round, plan: spec.plan });
    });
    this.#round = undefined;
    this.rounds++;
    const durationMs = Math.round(performance.now() - started);
    const output = parseAgentOutput(lines.join('\n'));
    if (timedOut && !output.done) {
      // A probe that neither finished nor ended in time is ended here: the next round gets a new one.
      this.#attached.close();
      return probeResult(
        { key: spec.key, containerName: this.name },
        { ...fields, observations: output.observations, interfaces: output.interfaces, durationMs },
        {
          code: 'deadline-exceeded',
          text: `${name} did not finish round ${round} within its deadline plus ${graceMs} ms, and was stopped`,
        },
      );
    }
    // Ended mid-round without a word: an exit code the attach cannot tell; 137 when nothing at all was said.
    const exit = { exitCode: output.done ? 0 : output.fatal ? 1 : 137, stderr: this.#stderr.join('\n') };
    const { failure, lost } = agentFailure(spec, output, exit, name);
    return probeResult(
      { key: spec.key, containerName: this.name },
      {
        ...fields,
        observations: lost ? new Map() : output.observations,
        interfaces: output.interfaces,
        defaultRoute: output.defaultRoute,
        durationMs,
      },
      failure,
    );
  }

  /** Tells the agent to stop, leaves, and removes the container; throws when the engine could not remove it. */
  async remove(): Promise<void> {
    if (!this.#ended) this.#send({ type: 'stop' });
    clearInterval(this.#renew);
    this.#attached.close();
    if (this.#removed) return;
    await this.#unregister();
    this.#removed = true;
  }

  #send(request: object): void {
    if (!this.#ended) this.#attached.write(`${JSON.stringify(request)}\n`);
  }

  #why(): string {
    const last = this.#stderr.at(-1);
    return last ? `: ${last}` : '';
  }
}
