import { DockerUnavailableError } from '../errors/docker-unavailable-error.js';
import { SshHostKeyError } from '../errors/ssh-host-key-error.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import { engineLocality } from './engine-locality.js';
import { isRootless } from './is-rootless.js';
import type { EngineInfo, SystemClient } from './system-client.js';

/** {@link SystemClient} on a real engine. */
export class DockerodeSystemClient implements SystemClient {
  readonly #connection: DockerodeConnection;

  constructor(connection: DockerodeConnection) {
    this.#connection = connection;
  }

  async info(): Promise<EngineInfo> {
    const connection = this.#connection;
    try {
      await connection.ping();
    } catch (error) {
      throw error instanceof SshHostKeyError ? error : new DockerUnavailableError(connection.endpoint, error);
    }
    const [version, info] = await Promise.all([
      connection.call('read engine version', '', () => connection.docker.version()),
      connection.call(
        'read engine info',
        '',
        () =>
          connection.docker.info() as Promise<{
            Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
            FirewallBackend?: { Driver?: string };
            LiveRestoreEnabled?: boolean;
            SecurityOptions?: string[] | null;
          }>,
      ),
    ]);
    const swarm = info.Swarm?.LocalNodeState === 'active';
    const locality = await engineLocality(connection.endpoint, undefined, connection.apiTimeoutMs);
    return {
      endpoint: connection.endpoint,
      ...(connection.context ? { context: connection.context } : {}),
      remote: locality.remote,
      ...(isRootless(info.SecurityOptions) ? { rootless: true } : {}),
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      arch: version.Arch,
      swarm,
      product: version.Components?.some((c) => /podman/i.test(c.Name)) ? 'podman' : 'docker',
      ...(info.FirewallBackend?.Driver ? { firewallBackend: info.FirewallBackend.Driver } : {}),
      ...(typeof info.LiveRestoreEnabled === 'boolean' ? { liveRestore: info.LiveRestoreEnabled } : {}),
      ...(swarm
        ? { swarmNodeId: info.Swarm?.NodeID || undefined, swarmManager: info.Swarm?.ControlAvailable === true }
        : {}),
    };
  }
}
