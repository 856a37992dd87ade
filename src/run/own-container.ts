import { readFile } from 'node:fs/promises';
import type { ContainerInfo } from '../docker/container-client.js';
import { containerIdFromProc } from '../docker/container-id-from-proc.js';
import type { Engine } from '../docker/engine.js';
import { setOwnerContainer } from '../docker/labels.js';

/**
 * Where this dockprobe process runs, as the engine it talks to sees it: on a host (no container), or in a container,
 * with that container as the engine inspects it (`container` undefined: the engine does not run it, e.g. a CI job's
 * container talking to another engine).
 */
export type OwnPlace = { kind: 'host' } | { kind: 'container'; id: string; container: ContainerInfo | undefined };

/** What this process reads of itself (tests give fixtures). */
export interface ProcFiles {
  mountinfo(): Promise<string>;
  cgroup(): Promise<string>;
}

const procSelf: ProcFiles = {
  mountinfo: () => readFile('/proc/self/mountinfo', 'utf8').catch(() => ''),
  cgroup: () => readFile('/proc/self/cgroup', 'utf8').catch(() => ''),
};

const known = new WeakMap<object, Promise<OwnPlace>>();

/**
 * Where this process runs (see {@link OwnPlace}), found once per engine. When the engine runs the container, every
 * resource the run creates from then on records it (`dockprobe.owner-container`), so `cleanup` on the engine's host
 * can tell when that run is gone: the container's pid and host name mean nothing there.
 */
export function ownPlace(runtime: Pick<Engine, 'containers'>, proc: ProcFiles = procSelf): Promise<OwnPlace> {
  let place = known.get(runtime);
  if (!place) {
    place = find(runtime, proc);
    known.set(runtime, place);
  }
  return place;
}

async function find(runtime: Pick<Engine, 'containers'>, proc: ProcFiles): Promise<OwnPlace> {
  const id = containerIdFromProc(await proc.mountinfo(), await proc.cgroup());
  if (id === undefined) return { kind: 'host' };
  const container = await runtime.containers.inspect(id);
  setOwnerContainer(container?.running ? container.id : undefined);
  return { kind: 'container', id, container };
}
