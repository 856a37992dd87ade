import type { DockerodeConnection } from './dockerode-connection.js';
import type { EngineEvent, EventClient } from './event-client.js';

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
    return text
      .split('\n')
      .filter((line) => line.trim())
      .flatMap((line): EngineEvent[] => {
        try {
          const e = JSON.parse(line) as {
            Type?: string;
            Action?: string;
            Actor?: { ID?: string; Attributes?: Record<string, string> };
            timeNano?: number;
            time?: number;
          };
          return [
            {
              type: e.Type ?? '',
              action: (e.Action ?? '').split(':')[0]!,
              id: e.Actor?.ID ?? '',
              attributes: e.Actor?.Attributes ?? {},
              timeMs: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
            },
          ];
        } catch {
          return [];
        }
      });
  }
}
