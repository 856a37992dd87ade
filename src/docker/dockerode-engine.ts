import { DockerodeConnection, type DockerodeConnectionOptions } from './dockerode-connection.js';
import { DockerodeContainerClient } from './dockerode-container-client.js';
import { DockerodeDeploymentClient } from './dockerode-deployment-client.js';
import { DockerodeEventClient } from './dockerode-event-client.js';
import { DockerodeImageClient } from './dockerode-image-client.js';
import { DockerodeNetworkClient } from './dockerode-network-client.js';
import { DockerodeSwarmClient } from './dockerode-swarm-client.js';
import { DockerodeSystemClient } from './dockerode-system-client.js';
import type { Engine } from './engine.js';

/**
 * The one {@link Engine} on a real engine, through dockerode: one client per concern over one connection (one
 * dockerode handle, one deadline rule). Nothing outside docker/ imports dockerode.
 */
export class DockerodeEngine implements Engine {
  readonly endpoint: string;
  readonly system: DockerodeSystemClient;
  readonly containers: DockerodeContainerClient;
  readonly networks: DockerodeNetworkClient;
  readonly swarm: DockerodeSwarmClient;
  readonly images: DockerodeImageClient;
  readonly events: DockerodeEventClient;
  /** The deployment changes of chaos drills: not part of {@link Engine}, which only reads and probes. */
  readonly deployment: DockerodeDeploymentClient;

  /** Throws DockerUnavailableError when the endpoint cannot be used at all (a malformed DOCKER_HOST …). */
  constructor(options: DockerodeConnectionOptions = {}) {
    const connection = new DockerodeConnection(options);
    this.endpoint = connection.endpoint;
    this.system = new DockerodeSystemClient(connection);
    this.containers = new DockerodeContainerClient(connection);
    this.networks = new DockerodeNetworkClient(connection);
    this.swarm = new DockerodeSwarmClient(connection, this.system, this.containers);
    this.images = new DockerodeImageClient(connection);
    this.events = new DockerodeEventClient(connection);
    this.deployment = new DockerodeDeploymentClient(connection);
  }
}
