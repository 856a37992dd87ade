import { isIP } from 'node:net';
import type { ContainerInfo } from '../docker/container-runtime.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import { hostPort, nameCheck, type Step } from '../plan/checks.js';
import type { Placement } from '../plan/plan.js';
import { ProbeBuilder } from '../plan/probe-builder.js';
import type { HostTarget } from '../scenario/scenario.js';
import { containerStates, isLocalBridge, runningContainers, subnetsOf, type TopologyNetwork, type TopologyService } from '../topology/topology.js';
import { lanPlacement } from '../plan/lan-placement.js';
import { timeoutFor } from '../plan/reach-cell.js';
import { portInfo } from './common-ports.js';
import type { DrillCell, DrillPlan, DrillPortCell, DrillTried, UnprobedSource } from './drill-cell.js';
import type { DrillFrom } from './drill-from.js';
import { DrillNames } from './drill-names.js';
import { projectOf, serviceOf, type DrillWorld } from './read-drill-world.js';

/** The knobs of a drill's plan; each is printed with the result. */
export interface DrillPlanOptions {
  runId: string;
  /** Tried at every address besides the container's exposed ports, and at the host's gateways (with `hostPorts`). */
  ports: readonly number[];
  /** Whether the host is tried at each source network's gateway on `ports` (its published ports are tried always). */
  hostPorts: boolean;
  /** What egress is tried against; empty: not tried. */
  internet: readonly HostTarget[];
  timeoutMs: number;
  /** Further tries of a check that got no answer; 0: each check is tried once. */
  retries: number;
  concurrency: number;
  /** The most checks one probe may have: a larger drill is refused before anything runs. */
  maxChecks: number;
}

/** Where one probe of the drill runs. */
interface Source {
  key: string;
  label: string;
  placement: Placement;
  networks: TopologyNetwork[];
  /** The container a service probe joins: not a target of its own drill. */
  self: ContainerInfo | undefined;
  service: TopologyService | undefined;
}

/**
 * Everything reachable from the sources, as probes and cells: every running container in scope at each of its
 * addresses (on networks the source shares and on those it does not) on its exposed ports and `ports`; each service's
 * name through the source's DNS; the host at each gateway of the source's bridge networks, on the ports containers
 * publish there and on `ports`; the internet list. The probes are the pipeline's own (ProbeBuilder), with their DNS
 * and reach controls, so a "blocked" here is proven as a scenario's is.
 */
export function planDrill(from: DrillFrom, world: DrillWorld, options: DrillPlanOptions): DrillPlan {
  const names = new DrillNames(world.topology);
  const { sources, unprobed } = drillSources(from, world, names, options.runId);
  const step: Step = { timeoutMs: options.timeoutMs, retries: options.retries };
  const probes: ProbeBuilder[] = [];
  const cells: DrillCell[] = [];
  const running = world.containers.filter((c) => c.running);
  const seen = { containers: new Set<string>(), addresses: new Set<string>(), names: new Set<string>(), gateways: new Set<string>(), published: new Set<string>(), noAddress: new Set<string>() };
  const newProbe = (key: string, label: string, source: Source) => {
    const probe = new ProbeBuilder(key, label, `dockprobe-${options.runId}-${probes.length + 1}`, source.placement, source.networks, world.topology);
    probes.push(probe);
    return probe;
  };

  for (const source of sources) {
    const probe = newProbe(source.key, source.label, source);
    const base = (target: string, endpoint: string, touches: string[]) => ({ id: `${probe.key}/${target}`, probeKey: probe.key, source: probe.label, target, endpoint, attempts: [], touches: [...(source.self ? [source.self.id] : []), ...touches] });
    const port = (cell: Omit<DrillPortCell, 'kind' | 'attempts' | 'id' | 'probeKey' | 'source' | 'touches'> & { touches: string[] }, description: string, family: 4 | 6 = 4) => {
      const checkId = probe.add({ id: '', kind: 'tcp', host: cell.address, port: cell.port, subnets: [], timeoutMs: timeoutFor(family, step), ...(step.retries > 0 ? { retries: step.retries } : {}) });
      const { touches, ...rest } = cell;
      cells.push({ kind: 'port', ...base(cell.target, cell.endpoint, touches), ...rest, attempts: [{ checkId, via: cell.via === 'container' ? 'address' : 'published', description, family }] });
    };
    const named = new Set<string>();
    for (const container of running) {
      if (container.id === source.self?.id) continue;
      // A LAN neighbour routes to the local bridges' subnets only (lan-placement.ts): an overlay address is no target.
      const addresses = container.networks.filter((n) => n.ipv4 !== undefined && (source.placement.kind !== 'lan' || world.topology.networks.some((x) => x.id === n.networkId && isLocalBridge(x))));
      if (addresses.length === 0) {
        seen.noAddress.add(`${container.name} (network_mode ${container.networkMode})`);
        continue;
      }
      const endpoint = names.endpoint(container);
      // The service's name first, then its addresses: names spread among the address checks keep the DNS queries in
      // flight at once few (a few hundred at once once lost answers in the embedded DNS).
      const service = serviceTo(container, world);
      if (service && service !== source.service && probe.embeddedDns && !named.has(`${service.project}/${service.name}`)) {
        named.add(`${service.project}/${service.name}`);
        const label = names.service(service.project, service.name);
        const checkId = probe.add(nameCheck({ kind: 'dns', label: `dns:${service.name}`, host: { kind: 'service', service: service.name, project: service.project }, position: { file: 'drill', line: 0, col: 0 } }, service.name, subnetsOf(world.topology, runningContainers(service)), step));
        cells.push({ kind: 'name', ...base(`dns:${label}`, label, runningContainers(service).map((c) => c.id)), name: service.name, attempts: [{ checkId, via: 'name', description: `${service.name} by name`, family: 4 }] });
        seen.names.add(label);
      }
      seen.containers.add(container.id);
      const ports = [...new Set([...container.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port), ...options.ports])].sort((a, b) => a - b);
      for (const n of addresses) {
        const network = names.network(world.topology.networks.find((x) => x.id === n.networkId), n.networkName);
        seen.addresses.add(n.ipv4!);
        for (const p of ports) {
          port({ via: 'container', target: `${endpoint}:${p} on ${network}`, endpoint, address: n.ipv4!, port: p, network, risk: portInfo(p), touches: [container.id] }, `${hostPort(n.ipv4, p)} (${container.name} on ${network})`);
        }
        // And at its IPv6 address, where both ends have one: before engine 27 Docker wrote no ip6tables rules, so a
        // container isolated over IPv4 could answer over IPv6. Its own rows, under the probe's IPv6 control (a LAN
        // neighbour routes IPv4 only).
        if (n.ipv6 !== undefined && probe.hasIpv6 && source.placement.kind !== 'lan') {
          probe.needsIpv6Control = true;
          seen.addresses.add(n.ipv6);
          for (const p of ports) {
            port({ via: 'container', target: `${endpoint}:${p} on ${network} over IPv6`, endpoint, address: n.ipv6, port: p, network, risk: portInfo(p), touches: [container.id] }, `${hostPort(n.ipv6, p)} (${container.name} on ${network})`, 6);
          }
        }
      }
    }
    // The host, at its address on each bridge the source is on: what it publishes there, and what else listens on
    // all interfaces (a service of the host bound to 0.0.0.0 answers containers at their gateway).
    // A LAN neighbour knows the host at the host's end of its link.
    const hostAddresses =
      source.placement.kind === 'lan'
        ? [{ gateway: source.placement.host, network: 'the LAN link' }]
        : source.networks.filter((n) => n.driver === 'bridge' && n.gateway !== undefined).map((n) => ({ gateway: n.gateway!, network: names.network(n, n.name) }));
    for (const { gateway, network } of hostAddresses) {
      seen.gateways.add(gateway);
      const covered = new Set<number>();
      // The source's own published ports are left out: reaching yourself through the host says nothing.
      for (const container of running.filter((c) => c.id !== source.self?.id)) {
        for (const p of container.ports.filter((x) => x.protocol === 'tcp')) {
          for (const hostPortNumber of [...new Set(p.published.map((b) => b.hostPort))]) {
            const bindings = p.published.filter((b) => b.hostPort === hostPortNumber);
            const allInterfaces = bindings.some((b) => b.hostIp === '' || b.hostIp === '0.0.0.0' || b.hostIp === '::');
            const binding = allInterfaces ? `all interfaces (*:${hostPortNumber})` : `${bindings.map((b) => hostPort(b.hostIp, hostPortNumber)).join(', ')} only`;
            const endpoint = names.endpoint(container);
            covered.add(hostPortNumber);
            seen.published.add(`${container.id}/${hostPortNumber}`);
            port(
              { via: 'published', target: `${endpoint}:${p.port} published on the host, via ${network}`, endpoint: 'host', address: gateway, port: hostPortNumber, network, risk: portInfo(p.port), published: { container: container.name, port: p.port, binding, allInterfaces }, touches: [container.id] },
              `${hostPort(gateway, hostPortNumber)} (the host on ${network}: ${container.name} port ${p.port} published on ${binding})`,
            );
          }
        }
      }
      if (!options.hostPorts) continue;
      for (const p of options.ports.filter((x) => !covered.has(x))) {
        port({ via: 'host', target: `host:${p} via ${network}`, endpoint: 'host', address: gateway, port: p, network, risk: portInfo(p), touches: [] }, `${hostPort(gateway, p)} (the host, at the gateway of ${network})`);
      }
    }
    // A LAN neighbour has no default route (lan-placement.ts): nothing it sends leaves the host, so no egress.
    if (options.internet.length > 0 && source.placement.kind !== 'lan') {
      // Zone names never leave the host: a network probe keeps an upstream that never answers, and an outside name is
      // looked up by a probe of its own beside it, as for a scenario (build-plan.ts). A service probe resolves as the
      // service does.
      const outside = source.placement.kind === 'network' && options.internet.some((t) => t.host.kind === 'external' && !isIP(t.host.host));
      const egressProbe = outside ? newProbe(`${source.key}#outside`, source.label, source) : probe;
      const cell: DrillCell = { kind: 'egress', id: `${egressProbe.key}/internet`, probeKey: egressProbe.key, source: source.label, target: 'internet', endpoint: 'internet', attempts: [], touches: source.self ? [source.self.id] : [] };
      for (const target of options.internet) {
        const host = target.host.kind === 'external' ? target.host.host : '';
        cell.attempts.push({ checkId: egressProbe.add(nameCheck(target, host, [], step)), via: 'name', description: target.label, family: 4 });
        if (host && !isIP(host)) egressProbe.needsUpstreamDns = true;
      }
      cells.push(cell);
    }
  }

  const built = probes.map((p) => p.build(options.timeoutMs, options.concurrency));
  const busiest = built.reduce((max, p) => (p.plan.checks.length > (max?.plan.checks.length ?? -1) ? p : max), built[0]);
  if (busiest && busiest.plan.checks.length > options.maxChecks) {
    throw new DockprobeError(ErrorCodes.USAGE, `a drill from ${busiest.label} would make ${busiest.plan.checks.length} checks, over --max-checks ${options.maxChecks}`, {
      hint: 'narrow it with --project (fewer containers) or --ports (fewer ports per address), or raise --max-checks',
    });
  }
  const tried: DrillTried = {
    containers: seen.containers.size,
    addresses: seen.addresses.size,
    ports: [...options.ports],
    names: seen.names.size,
    gateways: seen.gateways.size,
    published: seen.published.size,
    internet: options.internet.length,
    noAddress: [...seen.noAddress].sort(),
    checksPerProbe: busiest?.plan.checks.length ?? 0,
    checks: built.reduce((sum, p) => sum + p.plan.checks.length, 0),
  };
  return { runId: options.runId, probes: built, cells, unprobed, tried };
}

/** The service in scope a container runs for, if any. */
function serviceTo(container: ContainerInfo, world: DrillWorld): TopologyService | undefined {
  const project = projectOf(container);
  const name = serviceOf(container);
  return world.topology.services.find((s) => s.project === project && s.name === name);
}

// Where the probes go: each running container of the service, a container on the network, or every service's.
// A name that matches nothing lists what exists; one that matches in two projects asks for --project.
function drillSources(from: DrillFrom, world: DrillWorld, names: DrillNames, runId: string): { sources: Source[]; unprobed: UnprobedSource[] } {
  const { topology } = world;
  if (from.kind === 'lan') return { sources: [{ key: 'lan', label: 'lan', placement: lanPlacement(runId, topology), networks: [], self: undefined, service: undefined }], unprobed: [] };
  if (from.kind === 'network') {
    const matches = topology.networks.filter((n) => (n.composeName === from.network && n.project !== undefined && topology.projects.includes(n.project)) || n.name === from.network || n.id === from.network);
    const exact = matches.filter((n) => n.name === from.network || n.id === from.network);
    const chosen = exact.length === 1 ? exact : matches;
    if (chosen.length === 0) throw new UnknownNameError('network', from.network, [...new Set(topology.networks.map((n) => names.network(n, n.name)))].sort());
    if (chosen.length > 1) {
      throw new DockprobeError(ErrorCodes.USAGE, `--from network:${from.network} names ${chosen.length} networks (${chosen.map((n) => n.name).join(', ')})`, { hint: 'name its project with --project, or give the Docker name of the network' });
    }
    const network = chosen[0]!;
    if (network.driver === 'host' || network.driver === 'null') {
      throw new DockprobeError(ErrorCodes.USAGE, `--from network:${from.network} is the ${network.driver === 'host' ? "host's own network namespace" : 'network of containers without networking'}: no zone to drill from`, { hint: 'name a bridge or overlay network, or a service' });
    }
    if (network.scope === 'swarm' && !network.attachable) {
      throw new DockprobeError(ErrorCodes.USAGE, `--from network:${from.network} is a swarm overlay that is not attachable: no probe container can join it`, { hint: 'drill from a service on it (--from SERVICE), or make the network attachable' });
    }
    return { sources: [{ key: `network:${network.id}`, label: `network ${names.network(network, network.name)}`, placement: { kind: 'network', network }, networks: [network], self: undefined, service: undefined }], unprobed: [] };
  }
  let services: TopologyService[];
  if (from.kind === 'service') {
    services = topology.services.filter((s) => s.name === from.service);
    if (services.length === 0) throw new UnknownNameError('service', from.service, [...new Set(topology.services.map((s) => names.service(s.project, s.name)))].sort());
    if (services.length > 1) {
      throw new DockprobeError(ErrorCodes.USAGE, `--from ${from.service} names a service in ${services.length} projects (${services.map((s) => s.project).join(', ')})`, { hint: `name one with --project, e.g. --project ${services[0]!.project}` });
    }
  } else {
    services = topology.services;
  }
  const sources: Source[] = [];
  const unprobed: UnprobedSource[] = [];
  for (const service of services) {
    const label = `service ${names.service(service.project, service.name)}`;
    const running = runningContainers(service);
    if (running.length === 0) {
      unprobed.push({ source: label, code: 'source-not-running', reason: `service ${service.name} has no running container to probe from (${containerStates(service)})` });
      continue;
    }
    const many = service.containers.length > 1;
    for (const container of running) {
      sources.push({
        key: `service:${service.project}/${service.name}/${container.name}`,
        label: many ? `${label} (${container.name})` : label,
        placement: { kind: 'container', container, service: service.name },
        networks: topology.networks.filter((n) => container.networks.some((m) => m.networkId === n.id)),
        self: container,
        service,
      });
    }
  }
  return { sources, unprobed };
}
