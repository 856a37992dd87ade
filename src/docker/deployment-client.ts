/**
 * The deployment changes a chaos drill makes (the deploy steps a fault stands for), on containers of the user's
 * deployment, never dockprobe's own; every error names the container it concerns. Each call is bounded by the engine
 * timeout, plus the container's stop timeout where it stops one.
 */
export interface DeploymentClient {
  /** `docker restart`: stops the container (SIGTERM, then SIGKILL after `stopTimeoutS`) and starts it again. */
  restart(id: string, stopTimeoutS: number): Promise<void>;
  /** Disconnects the container from the network and connects it again with the same aliases and static addresses. */
  reconnect(id: string, networkId: string): Promise<void>;
  /** Connects the container to the network with these aliases, unless it is connected already (a restore). */
  ensureConnected(id: string, networkId: string, aliases: readonly string[]): Promise<void>;
  /**
   * A new container in place of this one, with the same configuration, as `docker compose up --force-recreate` makes:
   * the old one stopped and renamed `<short id>_<name>`, the new one created under the old name with the old one's
   * configuration, labels, host configuration, networks, aliases and static addresses, started, and the old one
   * removed (its anonymous volumes kept, as Compose keeps them for the new one; they are not carried across). When a
   * step fails after the stop, the old container gets its name back and is started again.
   */
  recreate(id: string, stopTimeoutS: number): Promise<{ oldId: string; newId: string; name: string }>;
}
