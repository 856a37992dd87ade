import Docker from 'dockerode';
import { withTimeout } from '../../probes/agent/with-timeout.js';
import { DockerUnavailableError } from '../errors/docker-unavailable-error.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { SshHostKeyError } from '../errors/ssh-host-key-error.js';
import { DEFAULT_ENGINE_TIMEOUT_MS } from '../engine-timeout.js';
import { endpointOptions, type ResolvedEndpoint, resolveEndpoint, tlsFromEnv } from './docker-endpoint.js';
import { engineError } from './engine-error.js';
import { short } from './short-id.js';
import { SshHostKeys } from './ssh-host-keys.js';

/** Limits for talking to the engine; every wait has one. */
export interface DockerodeConnectionOptions {
  /** Limit for the first ping (default 5 s). */
  connectTimeoutMs?: number;
  /** Limit for each ordinary API call (default 30 s). */
  apiTimeoutMs?: number;
  /** How often a long wait checks that the engine still answers (default 1 s). */
  heartbeatMs?: number;
  /** The engine to talk to, as DOCKER_HOST takes it (another swarm node's); default: DOCKER_HOST, else the socket. */
  endpoint?: string;
}

/** How often a long wait pings the engine unless told otherwise. */
export const DEFAULT_HEARTBEAT_MS = 1_000;

/** A liveness check of the engine, shared by the waits pending on it. */
interface Heartbeat {
  waiters: number;
  timer: NodeJS.Timeout | undefined;
  /** Rejects with the error of the first ping that failed. */
  lost: Promise<never>;
}

/**
 * The one dockerode handle of an engine and the deadline rule every call on it follows, shared by the clients of each
 * concern (docker/dockerode-*-client.ts): each call is bounded by `apiTimeoutMs` (`--engine-timeout`), a failure is
 * classified once ({@link engineError}), and a long wait is given up as soon as the engine stops answering pings.
 */
export class DockerodeConnection {
  readonly endpoint: string;
  /** The Docker context the endpoint comes from; absent for DOCKER_HOST, the default socket and a given endpoint. */
  readonly context: string | undefined;
  readonly docker: Docker;
  readonly connectTimeoutMs: number;
  readonly apiTimeoutMs: number;
  readonly #heartbeatMs: number;
  /** The liveness check shared by every pending wait; undefined while none is pending. */
  #heartbeat: Heartbeat | undefined;
  /** The host key check of an `ssh://` endpoint. */
  readonly #hostKeys: SshHostKeys | undefined;

  constructor(options: DockerodeConnectionOptions = {}) {
    // DOCKER_HOST or the current Docker context, as the docker CLI reads them (a context that does not exist: exit 2).
    const resolved: ResolvedEndpoint = options.endpoint
      ? { url: options.endpoint, tls: tlsFromEnv() }
      : resolveEndpoint();
    this.endpoint = resolved.url;
    this.context = resolved.context;
    try {
      // A socket from DOCKER_HOST or the default is left to docker-modem, which also finds Docker Desktop's.
      if (options.endpoint || resolved.context || /^(tcp|https?|ssh):/.test(resolved.url)) {
        const connect = endpointOptions(resolved.url, resolved.tls);
        if ('protocol' in connect && connect.protocol === 'ssh') {
          // The engine's API is root on its host: its ssh server must prove it is the one known_hosts lists.
          this.#hostKeys = new SshHostKeys(this.endpoint, connect.host, connect.port);
          connect.sshOptions = { ...connect.sshOptions, ...this.#hostKeys.options() };
        }
        this.docker = new Docker(connect);
      } else this.docker = new Docker();
    } catch (error) {
      throw new DockerUnavailableError(this.endpoint, error);
    }
    this.apiTimeoutMs = options.apiTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.min(5000, this.apiTimeoutMs);
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** Races `promise` against a timer of `ms` (default: the API limit); on expiry rejects with DP_TIMEOUT naming `what`. */
  timed<T>(promise: Promise<T>, what: string, ms: number = this.apiTimeoutMs): Promise<T> {
    return withTimeout(promise, ms, () => new DockprobeError(ErrorCodes.TIMEOUT, `${what}: no answer within ${ms} ms`));
  }

  /** Pings the engine within the connect limit; an ssh host key refused is thrown as its own error. */
  async ping(): Promise<unknown> {
    try {
      return await this.timed(this.docker.ping(), `ping ${this.endpoint}`, this.connectTimeoutMs);
    } catch (error) {
      throw this.#hostKeys?.refusal ?? error;
    }
  }

  /** One engine call, `what` on `resource`, bounded by the API limit; a failure is thrown as {@link wrap} says. */
  async call<T>(what: string, resource: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.timed(fn(), `${what} ${short(resource)}`.trim());
    } catch (error) {
      throw this.wrap(what, resource, error);
    }
  }

  /**
   * `promise`, unless the engine stops answering first. A wait whose connection the engine dropped mid-answer (its
   * socket died after the headers) never settles by itself: without this it lasted until the probe's whole deadline,
   * 20 s and more, with no report. The engine is pinged every heartbeat while any wait is pending (one ping for all of
   * them, not one per probe); a ping that fails or outlasts the connect limit rejects every pending wait at once, so a
   * dying engine ends the run within a heartbeat plus that limit.
   */
  async whileAlive<T>(promise: Promise<T>, what: string): Promise<T> {
    this.#heartbeat ??= this.#startHeartbeat();
    const beat = this.#heartbeat;
    beat.waiters++;
    const lost = beat.lost.catch((error: unknown) => {
      throw error instanceof SshHostKeyError
        ? error
        : new DockerUnavailableError(this.endpoint, error, `${what}: the engine stopped answering`);
    });
    lost.catch(() => undefined);
    try {
      return await Promise.race([promise, lost]);
    } finally {
      if (--beat.waiters === 0) {
        clearTimeout(beat.timer);
        if (this.#heartbeat === beat) this.#heartbeat = undefined;
      }
    }
  }

  // One heartbeat: pings every #heartbeatMs while it has waiters; `lost` rejects with the ping's error.
  #startHeartbeat(): Heartbeat {
    let reject: (error: unknown) => void = () => undefined;
    const beat: Heartbeat = { waiters: 0, timer: undefined, lost: new Promise<never>((_, r) => (reject = r)) };
    beat.lost.catch(() => undefined);
    const next = () => {
      beat.timer = setTimeout(() => {
        this.ping().then(
          () => {
            if (beat.waiters > 0) next();
          },
          (error: unknown) => {
            if (this.#heartbeat === beat) this.#heartbeat = undefined;
            reject(error);
          },
        );
      }, this.#heartbeatMs);
    };
    next();
    return beat;
  }

  /** What to throw for a failed call: see {@link engineError} (a programming error goes on unchanged). */
  wrap(what: string, resource: string, error: unknown): unknown {
    return this.#hostKeys?.refusal ?? engineError(this.endpoint, what, resource, error);
  }
}
