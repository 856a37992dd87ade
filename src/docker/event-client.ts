// The engine's event stream, read for a past window: what changed while probes ran.

/** One event of the engine's event stream. */
export interface EngineEvent {
  /** `container`, `network` … */
  type: string;
  /** `die`, `kill`, `stop`, `pause`, `restart`, `connect`, `disconnect`, `create`, `destroy` … */
  action: string;
  /** The container or network id the event is about. */
  id: string;
  /** Its attributes: `name`, labels, and for network connect/disconnect the `container` id. */
  attributes: Record<string, string>;
  /** When it happened, in milliseconds since the epoch. */
  timeMs: number;
}

/** A live stream of the engine's events (EventClient.follow). */
export interface EventSubscription {
  /** Ends the stream. */
  stop(): void;
  /** Settles when the stream ends, by stop() or because the engine ended it (it went away): with why. */
  ended: Promise<string>;
}

/** Reads the engine's events. */
export interface EventClient {
  /** The container and network events of a past window (`sinceMs` to `untilMs`, milliseconds since the epoch). */
  list(sinceMs: number, untilMs: number): Promise<EngineEvent[]>;
  /**
   * The container, network and swarm service events from now on, each to `onEvent` as it comes, until stopped or the
   * engine ends the stream. Resolves once the engine has opened the stream (within the API limit).
   */
  follow(onEvent: (event: EngineEvent) => void): Promise<EventSubscription>;
}
