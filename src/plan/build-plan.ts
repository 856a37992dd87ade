import { isIP } from 'node:net';
import { PLAN_VERSION, type Check } from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-runtime.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Expectation, HostTarget, SourceRef, TargetRef } from '../scenario/scenario.js';
import { findNetwork, findService, runningContainers, subnetsOf, type Topology, type TopologyNetwork, type TopologyService } from '../topology/topology.js';
import type { Attempt, Cell, Placement, Plan, ProbeSpec } from './plan.js';

/** Docker's embedded DNS server, inside every container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';

/** Knobs of planning that do not come from the scenario. */
export interface PlanOptions {
  runId: string;
  /** Replaces every timeout of the scenario when set (`--timeout`). */
  timeoutMs?: number;
  dnsServer?: string;
  /** Slack added to the probe's own deadline beyond its slowest check (default 1 s). */
  deadlineSlackMs?: number;
  /** Further tries for checks expected reachable (`--retries`); checks expected blocked never get any. */
  retries?: number;
  /** With `--repeat`: which round this plan is for (container names stay unique across rounds). */
  round?: number;
}

/**
 * Turns expectations into probes and cells. One probe per source (per container for a service), all its checks
 * inside it at once; identical checks are shared. For a target expected blocked, the name and every address of the
 * target on every network it is on are tried: name isolation is not network isolation.
 */
export function buildPlan(expectations: readonly Expectation[], topology: Topology, options: PlanOptions): Plan {
  const probes = new Map<string, ProbeBuilder>();
  const cells: Cell[] = [];
  const suffix = options.round && options.round > 1 ? `-r${options.round}` : '';
  for (const expectation of expectations) {
    const timeoutMs = options.timeoutMs ?? expectation.timeoutMs;
    const sources = placements(expectation.from, topology);
    if ('precondition' in sources) {
      for (const target of expandPorts(expectation, topology)) {
        const key = sourceKey(expectation.from);
        cells.push({ ...emptyCell(expectation, target, key, sources.label), precondition: sources.precondition });
      }
      continue;
    }
    for (const { key, label, placement, networks } of sources) {
      let probe = probes.get(key);
      if (!probe) {
        const name = placement.kind === 'host' ? 'host' : `dockprobe-${options.runId}-${probes.size + 1}${suffix}`;
        probe = new ProbeBuilder(key, label, name, placement, networks, topology);
        probes.set(key, probe);
      }
      for (const target of expandPorts(expectation, topology)) {
        const retries = expectation.reachable ? (options.retries ?? 0) : 0;
        cells.push(placement.kind === 'host' ? planHostCell(expectation, target, probe, topology, timeoutMs) : planCell(expectation, target, probe, topology, { timeoutMs, retries }));
      }
    }
  }
  const slack = options.deadlineSlackMs ?? 1000;
  const defaultTimeout = options.timeoutMs ?? Math.max(...expectations.map((e) => e.timeoutMs));
  return {
    runId: options.runId,
    probes: [...probes.values()].map((p) => p.build(options.dnsServer ?? EMBEDDED_DNS, defaultTimeout, slack)),
    cells,
  };
}

type Source = { key: string; label: string; placement: Placement; networks: TopologyNetwork[] };

function sourceKey(from: SourceRef): string {
  return from.kind === 'host' ? 'host' : `${from.kind}:${from.project ?? ''}/${from.kind === 'network' ? from.network : from.service}`;
}

// Where the probes of one source run: a network, each running container of a service, or the host.
function placements(from: SourceRef, topology: Topology): Source[] | { precondition: string; label: string } {
  if (from.kind === 'host') return [{ key: 'host', label: 'host', placement: { kind: 'host' }, networks: [] }];
  if (from.kind === 'network') {
    const network = findNetwork(topology, from.project, from.network);
    if (!network) throw new DockprobeError(ErrorCodes.UNKNOWN_NAME, `unknown network '${from.network}'`);
    return [{ key: sourceKey(from), label: `network ${network.composeName ?? network.name}`, placement: { kind: 'network', network }, networks: [network] }];
  }
  const service = findService(topology, from.project!, from.service);
  if (!service) throw new DockprobeError(ErrorCodes.UNKNOWN_NAME, `unknown service '${from.service}'`);
  const running = runningContainers(service);
  if (running.length === 0) {
    return { label: `service ${from.service}`, precondition: `source service '${from.service}' has no running container to probe from (${containerStates(service)})` };
  }
  return running.map((container) => ({
    key: `${sourceKey(from)}/${container.name}`,
    label: running.length > 1 || service.containers.length > 1 ? `service ${from.service} (${container.name})` : `service ${from.service}`,
    placement: { kind: 'container', container, service: from.service },
    networks: topology.networks.filter((n) => container.networks.some((m) => m.networkId === n.id)),
  }));
}

// A service named without a port stands for each port its containers expose.
function expandPorts(expectation: Expectation, topology: Topology): TargetRef[] {
  return expectation.to.flatMap((target): TargetRef[] => {
    if (target.kind !== 'tcp' || target.port !== undefined || target.host.kind !== 'service') return [target];
    const service = findService(topology, target.host.project!, target.host.service);
    const ports = [...new Set((service?.containers ?? []).flatMap((c) => c.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port)))].sort((a, b) => a - b);
    if (ports.length === 0) {
      throw new DockprobeError(ErrorCodes.SCENARIO_INVALID, `${target.position.file}:${target.position.line}:${target.position.col}: service '${target.host.service}' exposes no TCP port, so '${target.label}' says nothing to try`, {
        hint: `name the port: '${target.host.service}:PORT'`,
      });
    }
    return ports.map((port) => ({ ...target, label: `${target.host.kind === 'service' ? target.host.service : ''}:${port}`, port }));
  });
}

/** `ref_redis_1 exited, ref_redis_2 restarting`, or `no container`: why a service has nothing running. */
function containerStates(service: TopologyService): string {
  return service.containers.map((c) => `${c.name} ${c.state}`).join(', ') || 'no container';
}

function emptyCell(expectation: Expectation, target: TargetRef, probeKey: string, source: string): Cell {
  return { id: `${expectation.index}/${probeKey}/${target.label}`, expectation, target, targetLabel: target.label, probeKey, source, attempts: [], precondition: undefined, fact: undefined, binding: undefined };
}

function planCell(expectation: Expectation, target: TargetRef, probe: ProbeBuilder, topology: Topology, step: { timeoutMs: number; retries: number }): Cell {
  const cell = emptyCell(expectation, target, probe.key, probe.label);
  const base = { timeoutMs: step.timeoutMs, ...(step.retries > 0 ? { retries: step.retries } : {}) };
  if (target.kind === 'internet') {
    // Egress: each outside target by name; any reached means egress works. No subnet rule: answers lie outside.
    for (const outside of target.targets) {
      cell.attempts.push({ checkId: probe.add(nameCheck(outside, outside.host.kind === 'external' ? outside.host.host : '', [], base)), via: 'name', description: `${outside.label}` });
    }
    if (target.targets.some((t) => t.host.kind === 'external' && !isIP(t.host.host))) probe.needsUpstreamDns = true;
    return cell;
  }
  const host = target.host;
  const service = host.kind === 'service' ? findService(topology, host.project!, host.service) : undefined;
  const running = service ? runningContainers(service) : [];
  if (service && running.length === 0) {
    cell.precondition = `target service '${service.name}' has no running container (${containerStates(service)}): nothing to prove against`;
    return cell;
  }
  if (host.kind === 'external' && !isIP(host.host)) probe.needsUpstreamDns = true;
  // Answers outside these subnets were forwarded upstream: not "resolved on this network".
  const subnets = service ? subnetsOf(topology, running) : [];
  const hostName = host.kind === 'service' ? host.service : host.host;
  cell.attempts.push({ checkId: probe.add(nameCheck(target, hostName, subnets, base)), via: 'name', description: `${target.label} by name` });

  if (!expectation.reachable && target.kind !== 'dns') {
    for (const container of running) {
      for (const n of container.networks) {
        if (!n.ipv4) continue;
        const check: Check =
          target.kind === 'tcp'
            ? { id: '', kind: 'tcp', host: n.ipv4, port: target.port!, subnets: [], ...base }
            : { id: '', kind: 'http', url: withHost(target.url, n.ipv4), subnets: [], ...base };
        const where = `${container.name} on ${networkLabel(topology, n.networkId, n.networkName)}`;
        cell.attempts.push({ checkId: probe.add(check), via: 'address', description: `${target.kind === 'tcp' ? `${n.ipv4}:${target.port}` : withHost(target.url, n.ipv4)} (${where})` });
      }
    }
  }
  return cell;
}

function nameCheck(target: HostTarget, hostName: string, subnets: string[], base: { timeoutMs: number; retries?: number }): Check {
  return target.kind === 'dns'
    ? { id: '', kind: 'dns', name: hostName, subnets, ...base }
    : target.kind === 'tcp'
      ? { id: '', kind: 'tcp', host: hostName, port: target.port!, subnets, ...base }
      : { id: '', kind: 'http', url: target.url, subnets, ...base };
}

/**
 * From the host, a service port is reachable only where the engine published it. Each binding is tried on loopback
 * (all-interfaces bindings) or on the address it is bound to; a port that is not published, or one Docker dropped
 * because the service is only on internal networks, is a fact of the configuration and says so.
 */
function planHostCell(expectation: Expectation, target: TargetRef, probe: ProbeBuilder, topology: Topology, timeoutMs: number): Cell {
  const cell = emptyCell(expectation, target, probe.key, probe.label);
  if (target.kind === 'internet' || target.kind === 'dns') {
    throw new DockprobeError(ErrorCodes.SCENARIO_INVALID, `${target.position.file}:${target.position.line}:${target.position.col}: '${target.label}' cannot be checked from host`, {
      hint: 'from: host checks the ports the deployment publishes (service:port or http://service:port/…); check DNS and egress from a network or a service',
    });
  }
  if (target.host.kind === 'external') {
    cell.attempts.push({ checkId: probe.add(nameCheck(target, target.host.host, [], { timeoutMs })), via: 'name', description: `${target.label} from the host` });
    return cell;
  }
  const service = findService(topology, target.host.project!, target.host.service)!;
  const running = runningContainers(service);
  if (running.length === 0) {
    cell.precondition = `target service '${service.name}' has no running container (${containerStates(service)})`;
    return cell;
  }
  const port = target.kind === 'tcp' ? target.port! : Number(new URL(target.url).port || (target.url.startsWith('https') ? 443 : 80));
  const scopes: string[] = [];
  const dropped: string[] = [];
  for (const container of running) {
    const bound = container.ports.find((p) => p.port === port && p.protocol === 'tcp');
    if (bound && bound.published.length === 0 && bound.requested.length > 0) dropped.push(container.name);
    for (const binding of bound?.published ?? []) {
      const everywhere = binding.hostIp === '' || binding.hostIp === '0.0.0.0' || binding.hostIp === '::';
      // All-interfaces bindings are tried on loopback: the traffic never leaves the host.
      const address = everywhere ? (binding.hostIp === '::' ? '::1' : '127.0.0.1') : binding.hostIp;
      const scope = everywhere ? `all interfaces (${binding.hostIp === '::' ? '[::]' : '0.0.0.0'}:${binding.hostPort})` : `${binding.hostIp}:${binding.hostPort} only`;
      if (!scopes.includes(scope)) scopes.push(scope);
      const check: Check =
        target.kind === 'tcp'
          ? { id: '', kind: 'tcp', host: address, port: binding.hostPort, subnets: [], timeoutMs }
          : { id: '', kind: 'http', url: withHostPort(target.url, address, binding.hostPort), subnets: [], timeoutMs };
      cell.attempts.push({ checkId: probe.add(check), via: 'published', description: `${container.name} port ${port} published on ${scope}` });
    }
  }
  cell.binding = scopes.length ? scopes.join(', ') : undefined;
  if (cell.attempts.length === 0) {
    const internal = running.flatMap((c) => c.networks.map((n) => topology.networks.find((x) => x.id === n.networkId))).filter((n) => n?.internal).map((n) => n!.composeName ?? n!.name);
    cell.fact = dropped.length
      ? { kind: 'dropped by Docker', detail: `port ${port} is configured to be published, but Docker dropped it: ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} only on internal networks (${[...new Set(internal)].join(', ')})` }
      : { kind: 'not published', detail: `port ${port} of '${service.name}' is not published on the host` };
  }
  return cell;
}

function withHost(url: string, address: string): string {
  const u = new URL(url);
  u.hostname = isIP(address) === 6 ? `[${address}]` : address;
  return u.toString();
}

function withHostPort(url: string, address: string, port: number): string {
  const u = new URL(withHost(url, address));
  u.port = String(port);
  return u.toString();
}

function networkLabel(topology: Topology, id: string, fallback: string): string {
  const n = topology.networks.find((x) => x.id === id);
  return n?.composeName ?? n?.name ?? fallback;
}

/** Collects one probe's checks, sharing identical ones, and adds its controls. */
class ProbeBuilder {
  readonly #checks = new Map<string, Check>();
  /** Set when a check resolves an outside name: the probe then keeps the engine's upstream DNS. */
  needsUpstreamDns = false;

  constructor(
    readonly key: string,
    readonly label: string,
    readonly containerName: string,
    readonly placement: Placement,
    readonly networks: TopologyNetwork[],
    readonly topology: Topology,
  ) {}

  /** Adds a check (its id is assigned here) and returns the id of the check that will run. */
  add(check: Check): string {
    const { id: _ignored, ...rest } = check;
    const signature = JSON.stringify(rest);
    const existing = this.#checks.get(signature);
    if (existing) return existing.id;
    const id = `c${this.#checks.size + 1}`;
    this.#checks.set(signature, { ...check, id });
    return id;
  }

  build(dnsServer: string, timeoutMs: number, slackMs: number): ProbeSpec {
    let dnsCheckId: string | undefined;
    let reachCheckIds: string[] = [];
    if (this.placement.kind !== 'host') {
      // The joined container's own name for a service probe; the probe's own name for a network probe.
      const ownName = this.placement.kind === 'container' ? this.placement.container.name : this.containerName;
      dnsCheckId = this.add({ id: '', kind: 'dns', name: ownName, subnets: this.networks.flatMap((n) => n.subnets), timeoutMs });
      reachCheckIds = this.#peers().map((peer) => this.add({ id: '', kind: 'tcp', host: peer.address, port: peer.port, subnets: [], timeoutMs }));
    }
    const checks = [...this.#checks.values()];
    const slowest = Math.max(0, ...checks.map((c) => (c.timeoutMs ?? timeoutMs) * (c.kind === 'http' ? 3 : 2) * (1 + (c.retries ?? 0))));
    return {
      key: this.key,
      label: this.label,
      containerName: this.containerName,
      placement: this.placement,
      networks: this.networks,
      dnsUpstream: this.needsUpstreamDns ? 'inherit' : 'isolated',
      plan: { version: PLAN_VERSION, dnsServer, timeoutMs, deadlineMs: slowest + slackMs, checks },
      controls: { dnsCheckId, reachCheckIds },
    };
  }

  // Up to two running containers on the source networks (never the joined container itself): reaching either
  // (open, or refused: the host answered) proves the probe can reach something, so a "blocked" from it counts.
  #peers(): { address: string; port: number }[] {
    const ids = new Set(this.networks.map((n) => n.id));
    const self: ContainerInfo | undefined = this.placement.kind === 'container' ? this.placement.container : undefined;
    const peers: { address: string; port: number }[] = [];
    for (const service of this.topology.services) {
      for (const container of runningContainers(service)) {
        if (container.id === self?.id || peers.length >= 2) continue;
        const membership = container.networks.find((n) => ids.has(n.networkId) && n.ipv4);
        if (!membership?.ipv4) continue;
        peers.push({ address: membership.ipv4, port: container.ports.find((p) => p.protocol === 'tcp')?.port ?? 1 });
      }
    }
    return peers;
  }
}
