import type { EngineEvent } from './event-client.js';

/**
 * One line of the engine's event stream, read (nothing for a line that is not an event), in Docker's terms whichever
 * engine wrote it. Podman's compatible API tells a network event its own way: a connect or disconnect names the
 * container as its actor, the container's name as `name` and the network's name as `network`; a network created or
 * removed has an empty `name` and the network's under `network`; a container or network removed is `remove`. Read as
 * Docker writes them: the network as the actor of a (dis)connect, under `name`, with the container's id under
 * `container`; `destroy` for what was removed.
 */
export function toEngineEvent(line: string): EngineEvent[] {
  if (!line.trim()) return [];
  let e: {
    Type?: string;
    Action?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
    timeNano?: number;
    time?: number;
  };
  try {
    e = JSON.parse(line);
  } catch {
    return [];
  }
  const type = e.Type ?? '';
  let action = (e.Action ?? '').split(':')[0]!;
  let id = e.Actor?.ID ?? '';
  let attributes = e.Actor?.Attributes ?? {};
  if ((type === 'container' || type === 'network') && action === 'remove') action = 'destroy';
  const network = attributes['network'];
  if (type === 'network' && network && attributes['container'] === undefined) {
    if (action === 'connect' || action === 'disconnect') {
      attributes = { container: id, name: network };
      id = network;
    } else {
      attributes = { ...attributes, name: network };
    }
  }
  return [{ type, action, id, attributes, timeMs: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000 }];
}
