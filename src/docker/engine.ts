import type { ContainerClient } from './container-client.js';
import type { EventClient } from './event-client.js';
import type { ImageClient } from './image-client.js';
import type { NetworkClient } from './network-client.js';
import type { SwarmClient } from './swarm-client.js';
import type { SystemClient } from './system-client.js';

// The port through which dockprobe talks to a container engine, one small client per concern. Only docker/ implements
// it, so the rest of the pipeline is testable without Docker and API-version differences stay in one place. Code that
// talks to the engine takes only the clients it uses (`Pick<Engine, 'networks' | 'containers'>`), so a unit test's
// fake implements what the test exercises and no more.

/** A container engine, as dockprobe uses it; every error names the resource it concerns. */
export interface Engine {
  /** Where it is reached, e.g. unix:///var/run/docker.sock. */
  readonly endpoint: string;
  readonly system: SystemClient;
  readonly containers: ContainerClient;
  readonly networks: NetworkClient;
  readonly swarm: SwarmClient;
  readonly images: ImageClient;
  readonly events: EventClient;
}
