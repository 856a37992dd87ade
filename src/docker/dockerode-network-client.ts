import type Docker from 'dockerode';
import { NetworkInUseError } from '../errors/network-in-use-error.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import { messageOf, statusOf } from './engine-error.js';
import type { NetworkClient, NetworkDetail, NetworkInfo } from './network-client.js';
import { short } from './short-id.js';
import { toNetworkDetail } from './to-network-detail.js';
import { toNetworkInfo } from './to-network-info.js';

/** {@link NetworkClient} on a real engine. */
export class DockerodeNetworkClient implements NetworkClient {
  readonly #connection: DockerodeConnection;

  constructor(connection: DockerodeConnection) {
    this.#connection = connection;
  }

  async list(filter: { labels?: string[] } = {}): Promise<NetworkInfo[]> {
    const connection = this.#connection;
    const filters: Record<string, string[]> = filter.labels?.length ? { label: filter.labels } : {};
    const list = await connection.call('list networks', '', () => connection.docker.listNetworks({ filters }));
    return list.map(toNetworkInfo);
  }

  async inspect(id: string): Promise<(NetworkInfo & { containers: { id: string; name: string }[] }) | undefined> {
    const connection = this.#connection;
    try {
      const n = (await connection.timed(
        connection.docker.getNetwork(id).inspect(),
        `inspect network ${short(id)}`,
      )) as Docker.NetworkInspectInfo;
      return {
        ...toNetworkInfo(n),
        containers: Object.entries(n.Containers ?? {}).map(([cid, c]) => ({ id: cid, name: c.Name ?? cid })),
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw connection.wrap('inspect network', id, error);
    }
  }

  async inspectVerbose(id: string): Promise<NetworkDetail | undefined> {
    const connection = this.#connection;
    try {
      // dockerode passes the options on as the query (`?verbose=true`); its types only know the callback form.
      const network = connection.docker.getNetwork(id) as unknown as {
        inspect(options: { verbose: boolean }): Promise<unknown>;
      };
      const n = await connection.timed(network.inspect({ verbose: true }), `inspect network ${short(id)}`);
      return toNetworkDetail(n);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw connection.wrap('inspect network', id, error);
    }
  }

  async remove(id: string): Promise<void> {
    const connection = this.#connection;
    try {
      await connection.timed(connection.docker.getNetwork(id).remove(), `remove network ${short(id)}`);
    } catch (error) {
      if (statusOf(error) === 404) return;
      const reason = messageOf(error);
      // 20.10 answers 403, newer engines 409; the text is the same. A swarm-scoped network a manager refuses to remove
      // names the task or service still using it ("network … is in use by task …").
      if (/active endpoints|is in use by (task|service)/i.test(reason)) throw new NetworkInUseError(id, reason, error);
      throw connection.wrap('remove network', id, error);
    }
  }

  async disconnect(networkId: string, container: string): Promise<void> {
    const connection = this.#connection;
    try {
      await connection.timed(
        connection.docker.getNetwork(networkId).disconnect({ Container: container, Force: true }),
        `disconnect ${short(container)} from network ${short(networkId)}`,
      );
    } catch (error) {
      // 404: no such network or container; "not connected" / "endpoint not found": nothing to disconnect.
      if (statusOf(error) === 404 || /not connected|endpoint .*not found|not found/i.test(messageOf(error))) return;
      throw connection.wrap(`disconnect ${short(container)} from network`, networkId, error);
    }
  }
}
