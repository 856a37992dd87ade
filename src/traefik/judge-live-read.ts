import type { Observation } from '../../probes/agent/protocol.js';
import { parseApiServices } from './api-services.js';
import type { TraefikRoute } from './find-routes.js';
import type { ApiServer, BackendNetwork, TraefikLive } from './traefik.js';

/** The codes a comparison with Traefik's API gives a route. */
export type LiveCode = 'traefik-server-unreachable' | 'traefik-choice-unexplained';

/** What comparing a route with Traefik's API says: a verdict that replaces the model's, or only a note beside it. */
export interface LiveOutcome {
  /**
   * `traefik-server-unreachable` (fail): a server Traefik uses now does not answer from inside the proxy, so the 502
   * is live now. `traefik-choice-unexplained` (inconclusive): Traefik uses a server the model did not predict (another
   * network or port, or none at all where it predicted one), which answers: the model did not explain Traefik.
   */
  override?: { status: 'fail' | 'inconclusive'; code: LiveCode; observed: string; reason: string };
  /** What the API showed, or why it was not read, said after the model's reason; empty when there is nothing. */
  note: string;
}

/** What the judge knows of the route and of what its probe saw. */
export interface LiveInput {
  route: TraefikRoute;
  proxyNetworks: readonly { id: string; name: string }[];
  live: TraefikLive | undefined;
  observation: (checkId: string) => Observation | undefined;
  /** Whether the probe ran at all. */
  probeRan: boolean;
  /** Whether the probe's reach control proved a silence means something; undefined: not known here. */
  reach: boolean | undefined;
  /** The model's verdict on the route. */
  modelled: { status: 'pass' | 'fail' | 'inconclusive'; reason: string };
  /** The routed service (or container), for messages. */
  name: string;
}

type State = 'off-network' | 'answers' | 'refused' | 'silent' | 'unproven' | 'untried';
interface Seen {
  server: ApiServer;
  network: BackendNetwork;
  state: State;
  observation: Observation | undefined;
  predicted: boolean;
}

/**
 * A route compared with what Traefik actually chose, as its API lists it: the servers at the route's own addresses,
 * each placed on its network and judged by what answered there from inside the proxy. A server on a network the
 * proxy is not on, or one that refuses or stays silent (once the probe proved it can hear), breaks the route now:
 * FAIL, whatever the model said. A choice the model did not predict, where it predicted one, is inconclusive even
 * when it answers. A model that finds the choice left to chance stays a FAIL with today's choice beside it (the next
 * rebuild may pick another). Where the API was not read, the model stands alone and the note says why.
 */
export function judgeLiveRead(input: LiveInput): LiveOutcome {
  const { live, route, name } = input;
  if (!live) return { note: '' };
  if (live.kind === 'not-read') return { note: `Traefik's API not read: ${live.why}` };
  if (!input.probeRan) return { note: `Traefik's API at ${live.where} not read: the probe did not run` };
  const http = answer('http', input.observation(live.httpCheckId));
  const tcp = answer('tcp', input.observation(live.tcpCheckId));
  const failed = [http, tcp].find((a): a is { error: string } => 'error' in a);
  if (failed) return { note: `Traefik's API at ${live.where} not read: ${failed.error}` };
  const servers = [...(http as ApiServer[]), ...(tcp as ApiServer[])];
  const seen = servers.flatMap((server): Seen[] => {
    const network = route.backend.networks.find((n) => n.address !== undefined && n.address === server.host);
    return network ? [see(input, server, network)] : [];
  });
  const list = (items: Seen[]) => items.map(describe).join('; ');
  const api = `Traefik's API at ${live.where}`;
  if (seen.length === 0) {
    const addresses = route.backend.networks.flatMap((n) => (n.address ? [`${n.address} on ${n.name}`] : []));
    const none = `${api} lists no server at any address of ${name} (${addresses.join(', ')})`;
    if (input.modelled.status !== 'pass') return { note: none };
    return {
      override: {
        status: 'inconclusive',
        code: 'traefik-choice-unexplained',
        observed: 'unexplained',
        reason: `${input.modelled.reason}; but ${none}: dockprobe's model does not explain what Traefik does, and a check that cannot explain it does not pass`,
      },
      note: none,
    };
  }
  const broken = seen.filter((s) => s.state === 'off-network' || s.state === 'refused' || s.state === 'silent');
  if (broken.length > 0)
    return {
      override: {
        status: 'fail',
        code: 'traefik-server-unreachable',
        observed: 'unreachable',
        reason: `Traefik uses ${list(broken)} for ${name} now (${api}): a server the proxy does not reach, so requests through this route fail with 502 Bad Gateway now; the model: ${input.modelled.reason}`,
      },
      note: '',
    };
  const unpredicted = route.choice.network ? seen.filter((s) => !s.predicted) : [];
  if (unpredicted.length > 0)
    return {
      override: {
        status: 'inconclusive',
        code: 'traefik-choice-unexplained',
        observed: 'unexplained',
        reason: `${input.modelled.reason}; but Traefik uses ${list(unpredicted)} for ${name} now (${api}), not what dockprobe's model predicts (${route.choice.network!.name}, port ${route.ports.ports.join(', ')}): the model does not explain Traefik's choice, and a check that cannot explain it does not pass`,
      },
      note: '',
    };
  const agrees = route.choice.network
    ? `${api} agrees: Traefik uses ${list(seen)}`
    : `today Traefik uses ${list(seen)} (${api})${route.choice.kind === 'arbitrary' ? ', and the next configuration rebuild may pick another network' : ''}`;
  return { note: agrees };
}

// One API answer as servers, or why it cannot be read.
function answer(kind: 'http' | 'tcp', observation: Observation | undefined): ApiServer[] | { error: string } {
  if (!observation) return { error: `its /api/${kind}/services answer did not come before the probe ended` };
  if (observation.outcome !== 'http')
    return {
      error: `its /api/${kind}/services did not answer (${observation.outcome}${observation.errorCode ? ` ${observation.errorCode}` : ''})`,
    };
  if (observation.status !== 200)
    return {
      error: `its /api/${kind}/services answered HTTP ${observation.status} (the API refuses, or is elsewhere)`,
    };
  if (observation.body === undefined) return { error: `its /api/${kind}/services answer came without a body` };
  if (observation.bodyTruncated)
    return { error: `its /api/${kind}/services answer was cut at ${observation.body.length} bytes` };
  return parseApiServices(kind, observation.body);
}

function see(input: LiveInput, server: ApiServer, network: BackendNetwork): Seen {
  const { route } = input;
  const predicted = route.choice.network
    ? route.choice.network.id === network.id && route.ports.ports.includes(server.port)
    : route.choice.candidates.some((c) => c.id === network.id) && route.ports.ports.includes(server.port);
  const base = { server, network, predicted };
  if (!input.proxyNetworks.some((n) => n.id === network.id))
    return { ...base, state: 'off-network', observation: undefined };
  const tried =
    input.live?.kind === 'read'
      ? input.live.tries.find((t) => t.network.id === network.id && t.port === server.port)
      : undefined;
  const observation = tried ? input.observation(tried.checkId) : undefined;
  if (!observation) return { ...base, state: 'untried', observation };
  switch (observation.outcome) {
    case 'open':
    case 'http':
      return { ...base, state: 'answers', observation };
    case 'refused':
    case 'reset':
      return { ...base, state: 'refused', observation };
    case 'timeout':
    case 'unreachable':
      return { ...base, state: input.reach === true ? 'silent' : 'unproven', observation };
    default:
      return { ...base, state: 'unproven', observation };
  }
}

function describe(s: Seen): string {
  const at = s.observation
    ? ` (${s.observation.outcome} ${s.observation.address ?? s.server.host}:${s.server.port})`
    : '';
  const state: Record<State, string> = {
    'off-network': 'a network the proxy is not on',
    answers: `which answers from inside the proxy${at}`,
    refused: `where nothing listens${at}`,
    silent: `which does not answer from inside the proxy${at}`,
    unproven: `no answer, which the probe's controls do not prove${at}`,
    untried: 'not tried from inside the proxy',
  };
  return `${s.server.server} on ${s.network.name}${s.server.status ? ` (${s.server.status} in Traefik's API)` : ''}, ${state[s.state]}`;
}
