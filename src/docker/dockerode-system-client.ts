import { DockerUnavailableError } from '../errors/docker-unavailable-error.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import type { EngineInfo, SystemClient } from './system-client.js';

/** {@link SystemClient} on a real engine. */
export class DockerodeSystemClient implements SystemClient {
  readonly #engine: DockerodeConnection;

  constructor(engine: DockerodeConnection) {
    this.#engine = engine;
  }

  async info(): Promise<EngineInfo> {
    const engine = this.#engine;
    try {
      await engine.ping();
    } catch (error) {
      throw new DockerUnavailableError(engine.endpoint, error);
    }
    const [version, info] = await Promise.all([
      engine.call('read engine version', '', () => engine.docker.version()),
      engine.call(
        'read engine info',
        '',
        () =>
          engine.docker.info() as Promise<{
            Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
          }>,
      ),
    ]);
    const swarm = info.Swarm?.LocalNodeState === 'active';
    return {
      endpoint: engine.endpoint,
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      arch: version.Arch,
      swarm,
      ...(swarm
        ? { swarmNodeId: info.Swarm?.NodeID || undefined, swarmManager: info.Swarm?.ControlAvailable === true }
        : {}),
    };
  }
}
