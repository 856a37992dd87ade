import type { Check } from '../../probes/agent/protocol.js';
import type { Step } from '../plan/checks.js';
import type { Placement } from '../plan/plan.js';
import { API_BODY_BYTES, apiUrls } from './api-services.js';
import type { TraefikRoute } from './find-routes.js';
import type { TraefikLive, TraefikProxy } from './traefik.js';

/**
 * What a route's probe adds to compare the model with what Traefik actually chose: from inside the proxy's own
 * namespace, its API's lists of services (where the static configuration serves it: api.insecure, on the traefik
 * entrypoint), and a connection to the route's address on every network it is on, at each port Traefik sends to,
 * so that whichever of them the API lists is judged by what answered. The same checks as the model's tries where
 * they coincide (the probe shares identical checks). Where the API is off or protected, or the probe stands on
 * another node beside the proxy's task rather than in it, nothing is added and the reason is kept.
 */
export function planLiveRead(
  proxy: TraefikProxy,
  route: TraefikRoute,
  probe: { placement: Placement; add(check: Check): string },
  proxyNetworks: readonly { id: string }[],
  step: Step,
): TraefikLive {
  const api = proxy.config.api;
  if (typeof api === 'string') return { kind: 'not-read', why: api };
  if (probe.placement.kind !== 'container')
    return {
      kind: 'not-read',
      why: `the proxy's task runs on ${probe.placement.kind === 'job' ? `node ${probe.placement.node.hostname}` : 'another node'}, and its API is read only from inside its own network namespace`,
    };
  const urls = apiUrls(api);
  const get = (url: string) =>
    probe.add({ id: '', kind: 'http', url, subnets: [], timeoutMs: step.timeoutMs, keepBody: API_BODY_BYTES });
  const tries = route.backend.networks
    .filter((n) => n.address !== undefined)
    .flatMap((network) =>
      route.ports.ports.map((port) => ({
        network,
        port,
        shared: proxyNetworks.some((n) => n.id === network.id),
        // The model's own tries are these same checks, so the probe runs each address and port once.
        checkId: probe.add(routeTry(network.address!, port, step)),
      })),
    );
  return {
    kind: 'read',
    where: urls.http.replace(/\/api\/.*$/, ''),
    httpCheckId: get(urls.http),
    tcpCheckId: get(urls.tcp),
    tries,
  };
}

/** One try of a route from inside the proxy: a TCP connection to an address at a port, retried as the step says. */
export function routeTry(address: string, port: number, step: Step): Check {
  return {
    id: '',
    kind: 'tcp',
    host: address,
    port,
    subnets: [],
    timeoutMs: step.timeoutMs,
    ...(step.retries > 0 ? { retries: step.retries } : {}),
  };
}
