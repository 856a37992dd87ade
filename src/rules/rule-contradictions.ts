import type { InferModel, InferService } from '../infer/infer-model.js';
import { modelFromTopology } from '../infer/model-from-topology.js';
import type { Expectation, Rule, Scenario, SourceRef, TargetRef } from '../scenario/scenario.js';
import { findNetwork, type Topology } from '../topology/topology.js';

/**
 * What in a Compose file makes the deployment contradict a rule, for rules/compose-lines.ts to find: a service's
 * entry for a network under its `networks:`, a service's `networks:` as a whole, a network's declaration (it is not
 * `internal: true`), a service's `ports:`. Names are the Compose file's.
 */
export type ComposeCause =
  | { kind: 'service-on-network'; project: string; service: string; network: string }
  | { kind: 'service-networks'; project: string; service: string }
  | { kind: 'network-not-internal'; project: string; network: string }
  | { kind: 'service-publishes'; project: string; service: string; port: number | undefined };

/** A rule the deployment's configuration rules out, with why in a phrase and what in the Compose file causes it. */
export interface Contradiction {
  rule: Rule;
  /** What the deployment says instead: `postgres is on public-facing`. */
  reason: string;
  causes: ComposeCause[];
}

/**
 * The static answer: each rule's entries compared with the model of what is deployed (infer/model-from-topology.ts:
 * each service's networks and published ports, which networks are internal), before anything runs. A service on the
 * network a rule keeps it from, two services sharing a network, a network with egress that a rule says has none, a
 * port published that a rule says the host never reaches, a listed source that shares no network with its target.
 * It says what Docker's configuration allows, not what a firewall or the service itself does: the live check
 * decides, and this only explains a FAIL before it happens. Run on a scenario with its names pinned and its `only`
 * rules expanded; one contradiction is reported once per rule.
 */
export function ruleContradictions(scenario: Scenario, topology: Topology): Contradiction[] {
  const models = new Map<string, InferModel>();
  const model = (project: string) => {
    let m = models.get(project);
    if (!m) {
      m = modelFromTopology(topology, project);
      models.set(project, m);
    }
    return m;
  };
  const found: Contradiction[] = [];
  for (const rule of scenario.rules) {
    const seen = new Set<string>();
    for (const entry of scenario.expectations.filter((e) => e.rule?.number === rule.number)) {
      for (const target of entry.to) {
        for (const c of contradictions(entry, target, topology, model)) {
          if (seen.has(c.reason)) continue;
          seen.add(c.reason);
          found.push({ rule, ...c });
        }
      }
    }
  }
  return found;
}

type Found = Omit<Contradiction, 'rule'>;

function contradictions(
  entry: Expectation,
  target: TargetRef,
  topology: Topology,
  model: (project: string) => InferModel,
): Found[] {
  const from = entry.from;
  if (target.kind === 'internet') return entry.reachable ? [] : egress(from, topology, model);
  if (target.host.kind !== 'service' || target.host.project === undefined) return [];
  const project = target.host.project;
  const to = serviceIn(model(project), target.host.service);
  // In the host's namespace or another container's: the model knows no networks of its own to compare.
  if (!to || to.networkMode !== undefined) return [];
  if (from.kind === 'host') {
    if (entry.reachable || target.kind === 'dns') return [];
    const port = target.kind === 'tcp' ? target.port : undefined;
    // Docker drops the published ports of a service only on internal networks (infer-expectations.ts says so too).
    const internal = new Set(
      model(project)
        .networks.filter((n) => n.internal)
        .map((n) => n.name),
    );
    if (to.networks.length > 0 && to.networks.every((n) => internal.has(n))) return [];
    const published = to.published.filter((p) => port === undefined || p.port === port);
    return published.length > 0
      ? [
          {
            reason: `${to.name} publishes ${[...new Set(published.map((p) => p.port))].join(', ')} on the host (${published.map((p) => p.hostIp || 'all interfaces').join(', ')})`,
            causes: [{ kind: 'service-publishes', project, service: to.name, port }],
          },
        ]
      : [];
  }
  if (from.kind === 'network') {
    const network = networkName(topology, from);
    const on = to.networks.includes(network);
    if (!entry.reachable && on)
      return [
        {
          reason: `${to.name} is on ${network}`,
          causes: [{ kind: 'service-on-network', project, service: to.name, network }],
        },
      ];
    if (entry.reachable && !on)
      return [
        {
          reason: `${to.name} is not on ${network} (it is on ${to.networks.join(', ') || 'no network'})`,
          causes: [{ kind: 'service-networks', project, service: to.name }],
        },
      ];
    return [];
  }
  // What the LAN reaches is the engine's rules, not the Compose model's: only the live check answers it.
  if (from.kind === 'lan') return [];
  const fromProject = from.project ?? project;
  const source = serviceIn(model(fromProject), from.service);
  if (!source || source.networkMode !== undefined || (source.name === to.name && fromProject === project)) return [];
  const shared = source.networks.filter((n) => to.networks.includes(n));
  if (!entry.reachable) {
    return shared.map((network) => ({
      reason: `${source.name} shares ${network} with ${to.name}`,
      causes: [
        { kind: 'service-on-network', project: fromProject, service: source.name, network },
        { kind: 'service-on-network', project, service: to.name, network },
      ],
    }));
  }
  if (shared.length > 0) return [];
  return [
    {
      reason: `${source.name} shares no network with ${to.name} (${source.name} is on ${source.networks.join(', ') || 'no network'}; ${to.name} on ${to.networks.join(', ') || 'no network'})`,
      causes: [
        { kind: 'service-networks', project: fromProject, service: source.name },
        { kind: 'service-networks', project, service: to.name },
      ],
    },
  ];
}

// A source with a way out, where a rule says it has none: a network that is not internal, or a service on one.
function egress(from: SourceRef, topology: Topology, model: (project: string) => InferModel): Found[] {
  if (from.kind === 'host' || from.kind === 'lan' || from.project === undefined) return [];
  const project = from.project;
  if (from.kind === 'network') {
    const network = findNetwork(topology, project, from.network);
    if (!network || network.internal) return [];
    const name = network.composeName ?? network.name;
    return [
      {
        reason: `${name} is not internal: containers on it have a way out`,
        causes: [{ kind: 'network-not-internal', project: network.project ?? project, network: name }],
      },
    ];
  }
  const service = serviceIn(model(project), from.service);
  if (!service) return [];
  if (service.networkMode === 'host')
    return [{ reason: `${service.name} runs in the host's network namespace (network_mode: host)`, causes: [] }];
  if (service.networkMode !== undefined) return [];
  const internal = new Set(
    model(project)
      .networks.filter((n) => n.internal)
      .map((n) => n.name),
  );
  return service.networks
    .filter((n) => !internal.has(n))
    .map((network) => ({
      reason: `${service.name} is on ${network}, which is not internal`,
      causes: [
        { kind: 'service-on-network', project, service: service.name, network },
        { kind: 'network-not-internal', project, network },
      ],
    }));
}

function serviceIn(model: InferModel, name: string): InferService | undefined {
  return model.services.find((s) => s.name === name);
}

// A network as the model names it: its Compose name, else its Docker name.
function networkName(topology: Topology, from: Extract<SourceRef, { kind: 'network' }>): string {
  const network = findNetwork(topology, from.project, from.network);
  return network?.composeName ?? network?.name ?? from.network;
}
