import { formatPosition, ScenarioError, type SourcePosition } from '../errors/scenario-error.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import { describeProjects } from '../scenario/project-list.js';
import type { Expectation, HostRef, Scenario, SourceRef, TargetRef, TraefikCheck } from '../scenario/scenario.js';
import { detectProxy } from '../traefik/detect-proxy.js';
import { findNetwork, swarmPlumbing, type Topology, type TopologyNetwork, type TopologyService } from './topology.js';

/**
 * Checks every network and service a scenario names against what is deployed, and returns the scenario with each
 * name pinned to the project (or stack) that holds it. A name is looked up in its entry's own project, else in every
 * project the scenario lists: found in one, it is pinned there; in two, it is an error listing both; in none, an
 * unknown name with what exists. Planning then sees one project per name, as it always did. A scenario that names a
 * single project comes out as it went in.
 */
export function resolveNames(scenario: Scenario, topology: Topology): Scenario {
  const traefik = resolveTraefik(scenario, topology);
  const expectations = scenario.expectations.map((e): Expectation => {
    const from = resolveSource(e, scenario, topology);
    const to = e.to.map((t): TargetRef => {
      if (t.kind === 'internet' || t.host.kind !== 'service') return t;
      const host: HostRef = { ...t.host, project: resolveTargetService(t, t.host, scenario, topology) };
      return { ...t, host };
    });
    return { ...e, from, to };
  });
  return { ...scenario, expectations, traefik };
}

// Where a name is looked up: its entry's own project, else the scenario's list.
function scopeOf(project: string | undefined, scenario: Scenario): string[] {
  return project !== undefined ? [project] : scenario.projects;
}

function resolveTraefik(scenario: Scenario, topology: Topology): TraefikCheck | undefined {
  const traefik = scenario.traefik;
  if (!traefik) return undefined;
  const scope = scopeOf(traefik.project, scenario);
  if (scope.length === 0) {
    throw new ScenarioError([
      {
        ...traefik.position,
        message: "'traefik' needs a project: the proxy and the services it routes are found in it",
        hint: 'set `project:` in the scenario (or in traefik:) or pass --project',
      },
    ]);
  }
  if (traefik.proxy !== undefined) {
    const found = servicesNamed(topology, scope, traefik.proxy);
    if (found.length === 0) {
      throw new UnknownNameError(
        'service',
        traefik.proxy,
        serviceNames(topology, scope),
        `in ${describeProjects(scope)} (${formatPosition(traefik.position)})`,
      );
    }
    if (found.length > 1)
      throw inSeveral(
        'service',
        traefik.proxy,
        found.map(where),
        traefik.position,
        `traefik: { proxy: ${traefik.proxy}, project: ${found[0]!.project} }`,
      );
    return { ...traefik, project: found[0]!.project };
  }
  if (scope.length === 1) return { ...traefik, project: scope[0] };
  // With several projects and no proxy named, the proxy's project is the one project where Traefik runs.
  const running = scope.filter(
    (project) => detectProxy(topology.services, { project, proxy: undefined }).kind !== 'not-found',
  );
  if (running.length === 1) return { ...traefik, project: running[0] };
  if (running.length === 0) {
    throw new ScenarioError([
      {
        ...traefik.position,
        message: `no Traefik proxy in ${describeProjects(scope)}: no service runs a traefik image or a traefik command (services: ${serviceNames(topology, scope).join(', ') || 'none'})`,
        hint: 'name the proxy: traefik: { proxy: SERVICE }',
      },
    ]);
  }
  throw new ScenarioError([
    {
      ...traefik.position,
      message: `Traefik runs in several of the listed projects: ${running.join(', ')}`,
      hint: `name the one to check: traefik: { proxy: SERVICE, project: ${running[0]} }`,
    },
  ]);
}

function resolveSource(e: Expectation, scenario: Scenario, topology: Topology): SourceRef {
  const from = e.from;
  if (from.kind === 'host' || from.kind === 'lan') return from;
  const scope = scopeOf(from.project, scenario);
  if (from.kind === 'network') {
    const { network, via } = resolveNetwork(topology, scope, from.network, e.position);
    if (!network) {
      // Without a project, the networks no project made (as it always was); with some, theirs and those they join.
      const inScope = topology.networks
        .filter((n) =>
          scope.length
            ? (n.project !== undefined && scope.includes(n.project)) || n.joinedBy?.some((p) => scope.includes(p))
            : n.project === undefined,
        )
        .map((n) => n.composeName ?? n.name);
      throw new UnknownNameError(
        'network',
        from.network,
        [...new Set(inScope.length ? inScope : topology.networks.map((n) => n.name))].sort(),
        scope.length ? `in ${describeProjects(scope)}` : '',
      );
    }
    // The host's own namespace, no network at all and the swarm's own networks are not zones a probe can stand in:
    // say what to write instead.
    if (network.driver === 'host') {
      throw new ScenarioError([
        {
          ...e.position,
          message: `network '${from.network}' is the host's own network namespace, not a zone`,
          hint: 'write `from: host` to knock on published ports from the host',
        },
      ]);
    }
    if (network.driver === 'null') {
      throw new ScenarioError([
        {
          ...e.position,
          message: `network '${from.network}' has no network at all: nothing can be reached from it`,
          hint: 'name a network containers join, or a service',
        },
      ]);
    }
    const plumbing = swarmPlumbing(network);
    if (plumbing === 'ingress') {
      throw new ScenarioError([
        {
          ...e.position,
          message: `network '${from.network}' is the swarm's routing mesh (ingress): it carries published ports to tasks, it is not a zone containers share`,
          hint: "name the stack's own overlay network, or write `from: host` to knock on the ports the routing mesh publishes",
        },
      ]);
    }
    if (plumbing === 'gateway bridge') {
      throw new ScenarioError([
        {
          ...e.position,
          message: `network '${from.network}' is the bridge that gives swarm containers their way out (docker_gwbridge), not a zone`,
          hint: "name the stack's own overlay network; to check egress, write `to: [internet]` from a service or a network",
        },
      ]);
    }
    // A short name found through one of several projects is pinned to it; a name already in a project stays there.
    return from.project === undefined && via !== undefined ? { ...from, project: via } : from;
  }
  if (scope.length === 0) {
    throw new ScenarioError([
      {
        ...e.position,
        message: `'from: { service: ${from.service} }' needs a project`,
        hint: needsProjectHint(topology, 'set `project:` in the scenario or pass --project'),
      },
    ]);
  }
  const found = servicesNamed(topology, scope, from.service);
  if (found.length === 0) {
    throw new UnknownNameError(
      'service',
      from.service,
      serviceNames(topology, scope),
      `in ${describeProjects(scope)} (${formatPosition(e.position)})`,
    );
  }
  if (found.length > 1)
    throw inSeveral(
      'service',
      from.service,
      found.map(where),
      e.position,
      `from: { service: ${from.service}, project: ${found[0]!.project} }`,
    );
  // A probe joined to it would stand in the host's own namespace: that perspective is `from: host`.
  const containers = found[0]!.containers;
  if (containers.length > 0 && containers.every((c) => c.networkMode === 'host')) {
    throw new ScenarioError([
      {
        ...e.position,
        message: `service '${from.service}' runs in the host's network namespace (network_mode: host), not in a zone`,
        hint: 'write `from: host` to check what the host reaches',
      },
    ]);
  }
  // A namespace with loopback only: a probe joined to it reaches nothing, its controls included, so every cell would
  // be inconclusive; nothing there is a zone to check.
  if (containers.length > 0 && containers.every((c) => c.networkMode === 'none')) {
    throw new ScenarioError([
      {
        ...e.position,
        message: `service '${from.service}' has no network (network_mode: none): nothing is reachable from there to check`,
        hint: 'drop this entry, or check what reaches the service from the zones it would join',
      },
    ]);
  }
  return { ...from, project: found[0]!.project };
}

function resolveTargetService(
  t: Exclude<TargetRef, { kind: 'internet' }>,
  host: Extract<HostRef, { kind: 'service' }>,
  scenario: Scenario,
  topology: Topology,
): string {
  const scope = scopeOf(host.project, scenario);
  if (scope.length === 0) {
    throw new ScenarioError([
      {
        ...t.position,
        message: `target '${t.label}' names a service, but no project is set`,
        hint: needsProjectHint(
          topology,
          'set `project:` in the scenario or pass --project; a host outside the project is written with its IP or a dotted name (tcp://db.example.com:5432)',
        ),
      },
    ]);
  }
  const found = servicesNamed(topology, scope, host.service);
  if (found.length === 0) {
    throw new UnknownNameError(
      'service',
      host.service,
      serviceNames(topology, scope),
      `in ${describeProjects(scope)} (${formatPosition(t.position)})`,
    );
  }
  if (found.length > 1)
    throw inSeveral(
      'service',
      host.service,
      found.map(where),
      t.position,
      `{ service: ${host.service}, port: …, project: ${found[0]!.project} }`,
    );
  return found[0]!.project;
}

/**
 * A network by its short name in the projects of `scope` (made by one, or joined as external by a stack), else by its
 * Docker name or id; `via` is the project its short name was found through. One network (one id) found through two
 * projects is one network; two networks are an error.
 */
function resolveNetwork(
  topology: Topology,
  scope: readonly string[],
  name: string,
  position: SourcePosition,
): { network: TopologyNetwork | undefined; via: string | undefined } {
  const byShortName = topology.networks.filter(
    (n) => n.composeName === name && scope.some((p) => n.project === p || n.joinedBy?.includes(p)),
  );
  if (byShortName.length > 1) {
    throw inSeveral(
      'network',
      name,
      byShortName.map((n) => `${n.project ?? 'no project'} (${n.name})`),
      position,
      `name it by its Docker name: { network: ${byShortName[0]!.name} }`,
    );
  }
  const found = byShortName[0];
  if (found)
    return {
      network: found,
      via: scope.find((p) => found.project === p) ?? scope.find((p) => found.joinedBy?.includes(p)),
    };
  return {
    network:
      scope.length === 1
        ? findNetwork(topology, scope[0], name)
        : topology.networks.find((n) => n.name === name || n.id === name),
    via: undefined,
  };
}

function servicesNamed(topology: Topology, scope: readonly string[], name: string): TopologyService[] {
  return topology.services.filter((s) => scope.includes(s.project) && (s.name === name || s.swarm?.fullName === name));
}

function serviceNames(topology: Topology, scope: readonly string[]): string[] {
  return [...new Set(topology.services.filter((s) => scope.includes(s.project)).map((s) => s.name))].sort();
}

// `glasck (stack)`, `shop (Compose project)`: where a service was found.
function where(s: TopologyService): string {
  return `${s.project} (${s.swarm ? 'stack' : 'Compose project'})`;
}

function inSeveral(
  kind: 'service' | 'network',
  name: string,
  places: string[],
  position: SourcePosition,
  say: string,
): ScenarioError {
  return new ScenarioError([
    {
      ...position,
      message: `${kind} '${name}' is in ${places.length} of the listed projects: ${places.join(', ')}`,
      hint: `say which: ${say}`,
    },
  ]);
}

// On a swarm, a stack is a project too: the hint says so there, and stays as it always was elsewhere.
function needsProjectHint(topology: Topology, hint: string): string {
  return topology.engine.swarm
    ? `${hint}; on a swarm, a stack is a project: project: STACK, and its services go by their names in the stack file (api, not STACK_api)`
    : hint;
}
