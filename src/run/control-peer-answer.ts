/**
 * What a run's control peers gave a probe that asked for one of dockprobe's own: the peer, ready (it answered at each
 * address it has on the network, before the probe started), or why there is none (the engine refused it, it never
 * answered, the run was stopping).
 */
export type ControlPeerAnswer =
  | {
      status: 'ready';
      /** The network it joined, as reports name it. */
      network: string;
      container: string;
      /** Its short container id. */
      containerId: string;
      /** Its IPv4 and IPv6 addresses on that network, where it has and answered at them. */
      address: string | undefined;
      address6: string | undefined;
      port: number;
    }
  | { status: 'unavailable'; network: string; reason: string };
