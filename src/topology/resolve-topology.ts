import type { ContainerInfo, ContainerRuntime, NetworkInfo } from '../docker/container-runtime.js';
import { COMPOSE_NETWORK, COMPOSE_ONEOFF, COMPOSE_PROJECT, COMPOSE_SERVICE, COMPOSE_VERSION, LABEL_ROLE, labelFilter } from '../docker/labels.js';
import { formatPosition, ScenarioError } from '../errors/scenario-error.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import type { Scenario } from '../scenario/scenario.js';
import { findNetwork, findService, type Topology, type TopologyNetwork, type TopologyService } from './topology.js';

/**
 * Reads what is deployed for the projects the scenario names, through Compose's labels (v1 and v2 write the same),
 * and checks that every network and service the scenario names exists; an unknown name lists what does.
 */
export async function resolveTopology(scenarios: readonly Scenario[], runtime: ContainerRuntime): Promise<Topology> {
  const engine = await runtime.info();
  const projects = referencedProjects(scenarios);
  const [allNetworks, projectContainers] = await Promise.all([
    runtime.listNetworks(),
    Promise.all(projects.map((p) => runtime.listContainers({ all: true, labels: [labelFilter(COMPOSE_PROJECT, p)] }))),
  ]);
  const networks: TopologyNetwork[] = allNetworks.map((n) => ({ ...n, project: n.labels[COMPOSE_PROJECT], composeName: n.labels[COMPOSE_NETWORK] }));

  for (const [i, project] of projects.entries()) {
    const hasContainers = (projectContainers[i] ?? []).length > 0;
    const hasNetworks = networks.some((n) => n.project === project);
    if (!hasContainers && !hasNetworks) {
      throw new UnknownNameError('project', project, await existingProjects(runtime, allNetworks), '(no container or network carries its Compose label)');
    }
  }

  const services = projects.flatMap((project, i) => groupServices(project, projectContainers[i] ?? []));
  const composeVersions = [...new Set(projectContainers.flat().map((c) => c.labels[COMPOSE_VERSION]).filter((v): v is string => Boolean(v)))].sort();
  const topology: Topology = { engine, projects, networks, services, composeVersions };
  for (const scenario of scenarios) checkNames(scenario, topology);
  return topology;
}

function referencedProjects(scenarios: readonly Scenario[]): string[] {
  const projects = new Set<string>();
  for (const scenario of scenarios) if (scenario.project) projects.add(scenario.project);
  for (const scenario of scenarios) if (scenario.traefik?.project) projects.add(scenario.traefik.project);
  for (const e of scenarios.flatMap((s) => s.expectations)) {
    if (e.from.kind !== 'host' && e.from.project) projects.add(e.from.project);
    for (const t of e.to) if (t.kind !== 'internet' && t.host.kind === 'service' && t.host.project) projects.add(t.host.project);
  }
  return [...projects];
}

function groupServices(project: string, containers: ContainerInfo[]): TopologyService[] {
  const byName = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const service = c.labels[COMPOSE_SERVICE];
    // One-off containers (`compose run`) and dockprobe's own probes are not the deployment.
    if (!service || c.labels[COMPOSE_ONEOFF] === 'True' || c.labels[LABEL_ROLE] === 'probe') continue;
    byName.set(service, [...(byName.get(service) ?? []), c]);
  }
  return [...byName].map(([name, list]) => ({ project, name, containers: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}

function checkNames(scenario: Scenario, topology: Topology): void {
  const traefik = scenario.traefik;
  if (traefik && !traefik.project) {
    throw new ScenarioError([{ ...traefik.position, message: "'traefik' needs a project: the proxy and the services it routes are found in it", hint: 'set `project:` in the scenario (or in traefik:) or pass --project' }]);
  }
  if (traefik?.project && traefik.proxy !== undefined && !findService(topology, traefik.project, traefik.proxy)) {
    throw new UnknownNameError('service', traefik.proxy, topology.services.filter((s) => s.project === traefik.project).map((s) => s.name).sort(), `in project '${traefik.project}' (${formatPosition(traefik.position)})`);
  }
  for (const e of scenario.expectations) {
    const from = e.from;
    if (from.kind === 'network' && !findNetwork(topology, from.project, from.network)) {
      const inProject = topology.networks.filter((n) => n.project === from.project).map((n) => n.composeName ?? n.name);
      throw new UnknownNameError('network', from.network, (inProject.length ? inProject : topology.networks.map((n) => n.name)).sort(), from.project ? `in project '${from.project}'` : '');
    }
    // The host's own namespace and no network at all are not zones a probe can stand in: say what to write instead.
    const network = from.kind === 'network' ? findNetwork(topology, from.project, from.network) : undefined;
    if (network?.driver === 'host') {
      throw new ScenarioError([{ ...e.position, message: `network '${from.kind === 'network' ? from.network : ''}' is the host's own network namespace, not a zone`, hint: 'write `from: host` to knock on published ports from the host' }]);
    }
    if (network?.driver === 'null') {
      throw new ScenarioError([{ ...e.position, message: `network '${from.kind === 'network' ? from.network : ''}' has no network at all: nothing can be reached from it`, hint: 'name a network containers join, or a service' }]);
    }
    if (from.kind === 'service') {
      if (!from.project) {
        throw new ScenarioError([{ ...e.position, message: `'from: { service: ${from.service} }' needs a project`, hint: 'set `project:` in the scenario or pass --project' }]);
      }
      const service = findService(topology, from.project, from.service);
      if (!service) {
        throw new UnknownNameError('service', from.service, topology.services.filter((s) => s.project === from.project).map((s) => s.name).sort(), `in project '${from.project}' (${formatPosition(e.position)})`);
      }
      // A probe joined to it would stand in the host's own namespace: that perspective is `from: host`.
      if (service.containers.length > 0 && service.containers.every((c) => c.networkMode === 'host')) {
        throw new ScenarioError([{ ...e.position, message: `service '${from.service}' runs in the host's network namespace (network_mode: host), not in a zone`, hint: 'write `from: host` to check what the host reaches' }]);
      }
    }
    for (const t of e.to) {
      if (t.kind === 'internet' || t.host.kind !== 'service') continue;
      const tp = t.host.project;
      if (!tp) {
        throw new ScenarioError([
          {
            ...t.position,
            message: `target '${t.label}' names a service, but no project is set`,
            hint: 'set `project:` in the scenario or pass --project; a host outside the project is written with its IP or a dotted name (tcp://db.example.com:5432)',
          },
        ]);
      }
      if (!findService(topology, tp, t.host.service)) {
        throw new UnknownNameError('service', t.host.service, topology.services.filter((s) => s.project === tp).map((s) => s.name).sort(), `in project '${tp}' (${formatPosition(t.position)})`);
      }
    }
  }
}

async function existingProjects(runtime: ContainerRuntime, networks: NetworkInfo[]): Promise<string[]> {
  const containers = await runtime.listContainers({ all: true, labels: [COMPOSE_PROJECT] });
  const names = new Set<string>();
  for (const c of containers) if (c.labels[COMPOSE_PROJECT]) names.add(c.labels[COMPOSE_PROJECT]);
  for (const n of networks) if (n.labels[COMPOSE_PROJECT]) names.add(n.labels[COMPOSE_PROJECT]);
  return [...names].sort();
}
