import type Docker from 'dockerode';
import type { DeploymentClient } from './deployment-client.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import { messageOf, statusOf } from './engine-error.js';
import { short } from './short-id.js';

/** {@link DeploymentClient} on a real engine. */
export class DockerodeDeploymentClient implements DeploymentClient {
  readonly #connection: DockerodeConnection;

  constructor(connection: DockerodeConnection) {
    this.#connection = connection;
  }

  /** Bounded by the engine timeout and the stop timeout on top. */
  #stopping(stopTimeoutS: number): number {
    return this.#connection.apiTimeoutMs + stopTimeoutS * 1000;
  }

  async restart(id: string, stopTimeoutS: number): Promise<void> {
    const connection = this.#connection;
    try {
      await connection.timed(
        connection.docker.getContainer(id).restart({ t: stopTimeoutS }),
        `restart container ${short(id)}`,
        this.#stopping(stopTimeoutS),
      );
    } catch (error) {
      throw connection.wrap('restart container', id, error);
    }
  }

  async reconnect(id: string, networkId: string): Promise<void> {
    const connection = this.#connection;
    const info = await this.#inspect(id);
    const endpoint = Object.entries(info.NetworkSettings.Networks ?? {}).find(
      ([name, e]) => e.NetworkID === networkId || name === networkId,
    );
    if (!endpoint) throw new Error(`container ${short(id)} is not on network ${short(networkId)}`);
    const network = connection.docker.getNetwork(networkId);
    try {
      await connection.timed(
        network.disconnect({ Container: id, Force: false }),
        `disconnect ${short(id)} from network ${short(networkId)}`,
      );
      await connection.timed(
        network.connect({ Container: id, EndpointConfig: endpointConfig(endpoint[1], info.Id) }),
        `connect ${short(id)} to network ${short(networkId)}`,
      );
    } catch (error) {
      throw connection.wrap(`reconnect ${short(id)} to network`, networkId, error);
    }
  }

  async ensureConnected(id: string, networkId: string, aliases: readonly string[]): Promise<void> {
    const connection = this.#connection;
    const info = await this.#inspect(id);
    const on = Object.entries(info.NetworkSettings.Networks ?? {}).some(
      ([name, e]) => e.NetworkID === networkId || name === networkId,
    );
    if (on) return;
    try {
      await connection.timed(
        connection.docker.getNetwork(networkId).connect({ Container: id, EndpointConfig: { Aliases: [...aliases] } }),
        `connect ${short(id)} to network ${short(networkId)}`,
      );
    } catch (error) {
      throw connection.wrap(`connect ${short(id)} to network`, networkId, error);
    }
  }

  async recreate(id: string, stopTimeoutS: number): Promise<{ oldId: string; newId: string; name: string }> {
    const connection = this.#connection;
    const info = await this.#inspect(id);
    const name = info.Name.replace(/^\//, '');
    const old = connection.docker.getContainer(info.Id);
    const networks = Object.entries(info.NetworkSettings.Networks ?? {});
    // The network of NetworkMode first: API versions before 1.44 take one network at create, the rest are connected.
    networks.sort(([a], [b]) => Number(b === info.HostConfig.NetworkMode) - Number(a === info.HostConfig.NetworkMode));
    const [first, ...rest] = networks;
    const config = { ...info.Config } as Docker.ContainerCreateOptions & { Hostname?: string };
    // The engine's default host name is the container's short id: the new container gets its own, as Compose's does.
    if (config.Hostname === info.Id.slice(0, 12)) delete config.Hostname;
    try {
      await connection.timed(
        old.stop({ t: stopTimeoutS }),
        `stop container ${short(id)}`,
        this.#stopping(stopTimeoutS),
      );
    } catch (error) {
      if (statusOf(error) !== 304) throw connection.wrap('stop container', id, error);
    }
    const setAside = `${info.Id.slice(0, 12)}_${name}`;
    let created: Docker.Container | undefined;
    try {
      await connection.timed(old.rename({ name: setAside }), `rename container ${short(id)} to ${setAside}`);
      created = await connection.timed(
        connection.docker.createContainer({
          ...config,
          name,
          HostConfig: info.HostConfig,
          ...(first
            ? { NetworkingConfig: { EndpointsConfig: { [first[0]]: endpointConfig(first[1], info.Id) } } }
            : {}),
        }),
        `create container ${name}`,
      );
      for (const [network, endpoint] of rest)
        await connection.timed(
          connection.docker
            .getNetwork(endpoint.NetworkID || network)
            .connect({ Container: created.id, EndpointConfig: endpointConfig(endpoint, info.Id) }),
          `connect ${name} to network ${network}`,
        );
      await connection.timed(created.start(), `start container ${name}`);
    } catch (error) {
      // The old container back as it was: its name, running; the half-made new one gone.
      if (created) await connection.timed(created.remove({ force: true }), `remove ${name}`).catch(() => undefined);
      await connection.timed(old.rename({ name }), `rename ${setAside} back`).catch(() => undefined);
      await connection.timed(old.start(), `start ${name} again`).catch(() => undefined);
      throw connection.wrap(`recreate container ${name}`, id, error);
    }
    try {
      await connection.timed(old.remove({ force: true }), `remove container ${setAside}`);
    } catch (error) {
      if (statusOf(error) !== 404)
        throw new Error(`container ${name} was re-created but the old one, ${setAside}, stays: ${messageOf(error)}`);
    }
    return { oldId: info.Id, newId: created.id, name };
  }

  async #inspect(id: string): Promise<Docker.ContainerInspectInfo> {
    const connection = this.#connection;
    return connection.call('inspect container', id, () => connection.docker.getContainer(id).inspect());
  }
}

/**
 * An endpoint's configuration as connect takes it again: its aliases (without the old container's short id, which the
 * engine adds by itself), static addresses and links; not its MAC address nor what the engine assigned.
 */
function endpointConfig(endpoint: Docker.NetworkInfo, oldId: string): Docker.EndpointSettings {
  const aliases = ((endpoint.Aliases ?? []) as string[]).filter((a) => a !== oldId.slice(0, 12));
  const ipam = (endpoint as { IPAMConfig?: Docker.EndpointSettings['IPAMConfig'] | null }).IPAMConfig;
  return {
    ...(aliases.length > 0 ? { Aliases: aliases } : {}),
    ...(ipam ? { IPAMConfig: ipam } : {}),
    ...(endpoint.Links?.length ? { Links: endpoint.Links } : {}),
  };
}
