import type Docker from 'dockerode';
import type { NetworkInfo } from './network-client.js';
import { objectAt } from './engine-json.js';

/** A network as the engine's list or inspect answer describes it, reduced to what dockprobe uses. */
export function toNetworkInfo(n: Docker.NetworkInspectInfo): NetworkInfo {
  const info: NetworkInfo = {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    internal: Boolean(n.Internal),
    attachable: Boolean(n.Attachable),
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)),
    labels: n.Labels ?? {},
  };
  // Only the routing mesh carries `Ingress: true`; other networks keep the shape they always had.
  if (objectAt(n)['Ingress'] === true) info.ingress = true;
  // IPv4 only: drill knocks on the host over IPv4. Networks without one keep the shape they always had.
  const gateway = (n.IPAM?.Config ?? [])
    .map((c) => c.Gateway)
    .find((g): g is string => typeof g === 'string' && g.includes('.'));
  if (gateway) info.gateway = gateway;
  const mtu = Number(n.Options?.['com.docker.network.driver.mtu']);
  if (Number.isInteger(mtu) && mtu > 0) info.mtu = mtu;
  return info;
}
