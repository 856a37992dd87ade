import { PLAN_VERSION, type Check } from '../../probes/agent/protocol.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Expectation, TargetRef } from '../scenario/scenario.js';
import { findNetwork, findService, runningContainers, subnetsOf, type Topology, type TopologyNetwork } from '../topology/topology.js';
import type { Attempt, Cell, Plan, ProbeSpec } from './plan.js';

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
}

/**
 * Turns a scenario into probes and cells. One probe per source, all its checks inside it at once; identical checks
 * are shared. For a target expected blocked, the name and every address of the target on every network it is on are
 * tried: name isolation is not network isolation.
 */
export function buildPlan(expectations: readonly Expectation[], topology: Topology, options: PlanOptions): Plan {
  const probes = new Map<string, ProbeBuilder>();
  const cells: Cell[] = [];
  for (const expectation of expectations) {
    const network = findNetwork(topology, expectation.from.project, expectation.from.network);
    if (!network) throw new DockprobeError(ErrorCodes.UNKNOWN_NAME, `unknown network '${expectation.from.network}'`);
    const key = `network:${network.project ?? ''}/${network.composeName ?? network.name}`;
    let probe = probes.get(key);
    if (!probe) {
      probe = new ProbeBuilder(key, `network ${network.composeName ?? network.name}`, `dockprobe-${options.runId}-${probes.size + 1}`, network, topology);
      probes.set(key, probe);
    }
    const timeoutMs = options.timeoutMs ?? expectation.timeoutMs;
    for (const target of expandPorts(expectation, topology)) {
      cells.push(planCell(expectation, target, probe, topology, timeoutMs));
    }
  }
  const slack = options.deadlineSlackMs ?? 1000;
  return {
    runId: options.runId,
    probes: [...probes.values()].map((p) => p.build(options.dnsServer ?? EMBEDDED_DNS, options.timeoutMs ?? maxTimeout(expectations), slack)),
    cells,
  };
}

function maxTimeout(expectations: readonly Expectation[]): number {
  return Math.max(...expectations.map((e) => e.timeoutMs));
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

function planCell(expectation: Expectation, target: TargetRef, probe: ProbeBuilder, topology: Topology, timeoutMs: number): Cell {
  const cell: Cell = {
    id: `${expectation.index}/${target.label}`,
    expectation,
    target,
    targetLabel: target.label,
    probeKey: probe.key,
    attempts: [],
    precondition: undefined,
  };
  const host = target.host;
  const service = host.kind === 'service' ? findService(topology, host.project!, host.service) : undefined;
  const running = service ? runningContainers(service) : [];
  if (service && running.length === 0) {
    const states = service.containers.map((c) => `${c.name} ${c.state}`).join(', ') || 'no container';
    cell.precondition = `target service '${service.name}' has no running container (${states}): nothing to prove against`;
    return cell;
  }
  // Answers outside these subnets were forwarded upstream: not "resolved on this network".
  const subnets = service ? subnetsOf(topology, running) : [];
  const hostName = host.kind === 'service' ? host.service : host.host;
  const base = { timeoutMs };
  const nameCheck: Check =
    target.kind === 'dns'
      ? { id: '', kind: 'dns', name: hostName, subnets, ...base }
      : target.kind === 'tcp'
        ? { id: '', kind: 'tcp', host: hostName, port: target.port!, subnets, ...base }
        : { id: '', kind: 'http', url: target.url, subnets, ...base };
  cell.attempts.push({ checkId: probe.add(nameCheck), via: 'name', description: `${target.label} by name` });

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

function withHost(url: string, address: string): string {
  const u = new URL(url);
  u.hostname = address;
  return u.toString();
}

function networkLabel(topology: Topology, id: string, fallback: string): string {
  const n = topology.networks.find((x) => x.id === id);
  return n?.composeName ?? n?.name ?? fallback;
}

/** Collects one probe's checks, sharing identical ones, and adds its controls. */
class ProbeBuilder {
  readonly #checks = new Map<string, Check>();

  constructor(
    readonly key: string,
    readonly label: string,
    readonly containerName: string,
    readonly network: TopologyNetwork,
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
    const dnsCheckId = this.add({ id: '', kind: 'dns', name: this.containerName, subnets: this.network.subnets, timeoutMs });
    const reachCheckIds = this.#peers().map((peer) => this.add({ id: '', kind: 'tcp', host: peer.address, port: peer.port, subnets: [], timeoutMs }));
    const checks = [...this.#checks.values()];
    const slowest = Math.max(...checks.map((c) => (c.timeoutMs ?? timeoutMs) * (c.kind === 'http' ? 3 : 2)));
    return {
      key: this.key,
      label: this.label,
      containerName: this.containerName,
      network: this.network,
      plan: { version: PLAN_VERSION, dnsServer, timeoutMs, deadlineMs: slowest + slackMs, checks },
      controls: { dnsCheckId, reachCheckIds },
    };
  }

  // Up to two running containers already on the source network: reaching either (open, or refused: the host
  // answered) proves the probe can reach something, so a "blocked" from it means something.
  #peers(): { address: string; port: number }[] {
    const peers: { address: string; port: number }[] = [];
    for (const service of this.topology.services) {
      for (const container of runningContainers(service)) {
        const membership = container.networks.find((n) => n.networkId === this.network.id && n.ipv4);
        if (!membership?.ipv4 || peers.length >= 2) continue;
        const port = container.ports.find((p) => p.protocol === 'tcp')?.port ?? 1;
        peers.push({ address: membership.ipv4, port });
      }
    }
    return peers;
  }
}
