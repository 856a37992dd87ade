import type { DockerodeConnection } from './dockerode-connection.js';
import type { EngineEvent, EventClient, EventSubscription } from './event-client.js';
import { toEngineEvent } from './to-engine-event.js';

/** {@link EventClient} on a real engine. */
export class DockerodeEventClient implements EventClient {
  readonly #connection: DockerodeConnection;

  constructor(connection: DockerodeConnection) {
    this.#connection = connection;
  }

  async list(sinceMs: number, untilMs: number): Promise<EngineEvent[]> {
    const connection = this.#connection;
    // A past window: the engine sends what happened in it and closes the stream at `until`. Both are sent as
    // seconds with milliseconds (`1764240000.123`), which every engine since 1.x parses to the nanosecond: whole
    // seconds would drop the window's last fraction of a second (`until` rounded down, since a moment still to come
    // holds the answer open until it passes), where a pause and unpause, or a disconnect and reconnect at the same
    // address, shows neither in the events nor in the re-read. The read is bounded like every other call.
    const read = async () => {
      const stream = await connection.docker.getEvents({
        since: Math.floor(sinceMs) / 1000,
        until: Math.ceil(untilMs) / 1000,
        filters: { type: ['container', 'network'] },
      });
      let text = '';
      for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
      return text;
    };
    const text = await connection.call('read engine events', '', read);
    return text.split('\n').flatMap(toEngineEvent);
  }

  async follow(onEvent: (event: EngineEvent) => void): Promise<EventSubscription> {
    const connection = this.#connection;
    // Opening the stream is bounded like any call; the stream itself lasts until stopped or the engine ends it.
    const stream = (await connection.call('follow engine events', '', () =>
      connection.docker.getEvents({ filters: { type: ['container', 'network', 'service'] } }),
    )) as NodeJS.ReadableStream & { destroy(): void };
    let buffer = '';
    let stopped = false;
    stream.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        for (const event of toEngineEvent(buffer.slice(0, i))) onEvent(event);
        buffer = buffer.slice(i + 1);
      }
    });
    const ended = new Promise<string>((resolve) => {
      stream.on('end', () =>
        resolve(stopped ? 'stopped' : `the engine at ${connection.endpoint} ended its event stream`),
      );
      stream.on('close', () => resolve(stopped ? 'stopped' : `the event stream of ${connection.endpoint} closed`));
      stream.on('error', (error: Error) =>
        resolve(`the event stream of ${connection.endpoint} failed: ${error.message}`),
      );
    });
    return {
      stop: () => {
        stopped = true;
        stream.destroy();
      },
      ended,
    };
  }
}
