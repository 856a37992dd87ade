import { readiness, readinessKey } from '../../probes/agent/ready.js';
import type { ContainerInfo } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import { engineAnswered } from '../docker/engine-error.js';
import { LABEL_CONTROL_PEER_NETWORK, runLabels } from '../docker/labels.js';
import { short } from '../docker/short-id.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { CONTROL_PEER_PORT } from '../plan/own-control-peer.js';
import { formatDuration } from '../scenario/duration.js';
import type { CleanupStack } from './cleanup-stack.js';
import type { ControlPeerAnswer } from './control-peer-answer.js';
import { DEFAULT_PROBE_LIMITS, ISOLATED_DNS_UPSTREAM, lastLine, type ProbeLimits } from './probe.js';

/** What a control peer needs: the engine, the run it belongs to, the probe image, the run's cleanup, its bounds. */
export interface ControlPeerContext {
  runtime: Pick<Engine, 'containers'>;
  runId: string;
  image: string;
  cleanup: CleanupStack;
  /** The same limits and hardening as the probes'. */
  limits?: ProbeLimits;
  /** How long it may take from its create until it answered (the probes' grace, `--probe-grace`). */
  readyTimeoutMs: number;
  /** How often its answer is looked for while it starts (tests shorten it). */
  pollMs?: number;
  /** Progress lines: a peer made, replaced, or refused. */
  log?: (message: string) => void;
}

/** How often a starting peer's log is read for its answer unless told otherwise. */
const POLL_MS = 100;

/** A control peer's log keeps its few lines of readiness: a small log is plenty. */
const PEER_LOG_BYTES = 64 * 1024;

/**
 * A control peer of dockprobe's own, not yet started: the probe image in serve mode, listening on one TCP port, on one
 * source network (the only one it joins), so that a probe with no running peer there can prove it reaches something.
 * Hardened as a probe is (non-root, read-only root, no capabilities, no new privileges, memory and pid limits, no
 * socket), labelled as everything of the run is. `start()` gives a {@link StartedControlPeer} once it answered.
 */
export class ControlPeer {
  constructor(
    readonly network: { id: string; name: string },
    readonly name: string,
    readonly context: ControlPeerContext,
  ) {}

  /**
   * Creates and starts the container (its removal registered on the run's cleanup before the create is sent), then
   * waits, within `readyTimeoutMs`, until it said that its listener answered at each address the engine gave it on the
   * network. Throws, having removed it, when the engine refuses it, it exits, or it does not answer in time.
   */
  async start(): Promise<StartedControlPeer> {
    const { runtime, cleanup, runId } = this.context;
    const limits = this.context.limits ?? DEFAULT_PROBE_LIMITS;
    if (cleanup.closed)
      throw new DockprobeError(ErrorCodes.ABORTED, `run ${runId} is stopping; control peer ${this.name} not started`);
    const creating = runtime.containers.create({
      name: this.name,
      image: this.context.image,
      cmd: ['serve', '--name', this.name, '--tcp', String(CONTROL_PEER_PORT), '--ready'],
      env: { NODE_OPTIONS: '--max-old-space-size=32' },
      labels: runLabels(runId, 'control-peer', { [LABEL_CONTROL_PEER_NETWORK]: this.network.name }),
      networkMode: this.network.id,
      network: this.network.id,
      user: limits.user,
      memoryBytes: limits.memoryBytes,
      pidsLimit: limits.pidsLimit,
      logBytes: PEER_LOG_BYTES,
      dns: ISOLATED_DNS_UPSTREAM,
    });
    // As a probe's: a signal during the create waits for it and removes what it made; a create whose answer never came
    // is removed by its name, one the engine refused made nothing.
    const remove = cleanup.defer(
      `remove control peer ${this.name}`,
      async () => {
        const created = await creating.catch((error: unknown) => (engineAnswered(error) ? undefined : this.name));
        if (created) await runtime.containers.remove(created);
      },
      { concurrent: true },
    );
    try {
      const id = await creating;
      if (cleanup.closed)
        throw new DockprobeError(ErrorCodes.ABORTED, `run ${runId} is stopping; control peer ${this.name} removed`);
      await runtime.containers.start(id);
      const ready = await this.#answered(id);
      return new StartedControlPeer(this.network, this.name, id, ready, remove, this.context);
    } catch (error) {
      await remove().catch(() => undefined);
      throw error;
    }
  }

  // Reads the peer's state and log until it said it answered at each of its addresses on the network; bounded.
  async #answered(id: string): Promise<Ready> {
    const { runtime, readyTimeoutMs, cleanup } = this.context;
    const deadline = Date.now() + readyTimeoutMs;
    const name = `control peer ${this.name} (${short(id)})`;
    for (;;) {
      if (cleanup.closed) throw new DockprobeError(ErrorCodes.ABORTED, `the run is stopping; ${name} removed`);
      const [info, logs] = await Promise.all([runtime.containers.inspect(id), runtime.containers.logs(id)]);
      if (!info) throw new Error(`${name} was removed while it started`);
      if (!info.running)
        throw new Error(
          `${name} is ${info.state} before it answered${lastLine(logs.stderr) ? `: ${lastLine(logs.stderr)}` : ''}`,
        );
      const endpoint = info.networks.find((n) => n.networkId === this.network.id);
      const addresses = [endpoint?.ipv4, endpoint?.ipv6].filter((a): a is string => a !== undefined);
      if (endpoint && addresses.length === 0) throw new Error(`${name} got no address on network ${this.network.name}`);
      const said = readiness(logs.stdout);
      const state = (a: string | undefined) =>
        a === undefined ? undefined : said.get(readinessKey(a, CONTROL_PEER_PORT));
      if (endpoint && addresses.every((a) => state(a) !== undefined)) {
        const ready = {
          address: state(endpoint.ipv4) === 'ready' ? endpoint.ipv4 : undefined,
          address6: state(endpoint.ipv6) === 'ready' ? endpoint.ipv6 : undefined,
          startedAt: info.startedAt,
        };
        if (ready.address === undefined && ready.address6 === undefined)
          throw new Error(`${name} did not answer at ${addresses.join(' or ')}: ${lastLine(logs.stdout) ?? ''}`);
        return ready;
      }
      if (Date.now() >= deadline)
        throw new Error(
          `${name} did not answer on network ${this.network.name} within ${formatDuration(readyTimeoutMs)} (--probe-grace)`,
        );
      await new Promise((r) =>
        setTimeout(r, Math.min(this.context.pollMs ?? POLL_MS, Math.max(0, deadline - Date.now()))),
      );
    }
  }
}

/** Where a started peer answered, and when it started (a restart or a replacement shows there). */
interface Ready {
  address: string | undefined;
  address6: string | undefined;
  startedAt: string;
}

/** A control peer that answered. `alive()` says whether it still runs as it did; `stop()` removes it. */
export class StartedControlPeer {
  constructor(
    readonly network: { id: string; name: string },
    readonly name: string,
    /** Its container id. */
    readonly id: string,
    readonly ready: Ready,
    private readonly remove: () => Promise<void>,
    private readonly context: Pick<ControlPeerContext, 'runtime'>,
  ) {}

  /** What a probe that asked for it is given. */
  answer(): ControlPeerAnswer {
    return {
      status: 'ready',
      network: this.network.name,
      container: this.name,
      containerId: short(this.id),
      address: this.ready.address,
      address6: this.ready.address6,
      port: CONTROL_PEER_PORT,
    };
  }

  /**
   * Whether it still runs as it answered: the same start, the same addresses on its network. One that stopped, was
   * restarted, or cannot be read (the engine's error) is not: a later round replaces it.
   */
  async alive(): Promise<boolean> {
    let info: ContainerInfo | undefined;
    try {
      info = await this.context.runtime.containers.inspect(this.id);
    } catch {
      return false;
    }
    const endpoint = info?.networks.find((n) => n.networkId === this.network.id);
    return (
      info?.running === true &&
      info.startedAt === this.ready.startedAt &&
      (this.ready.address === undefined || endpoint?.ipv4 === this.ready.address) &&
      (this.ready.address6 === undefined || endpoint?.ipv6 === this.ready.address6)
    );
  }

  /** Removes the container (once; idempotent). */
  stop(): Promise<void> {
    return this.remove();
  }
}
