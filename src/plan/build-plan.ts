import { isIP } from 'node:net';
import { cellBase, type ExpectedCell } from '../checks/cell-base.js';
import type { KeySource } from '../checks/check-kind.js';
import { CHECK_KINDS } from '../checks/check-kinds.js';
import type { SwarmNode } from '../docker/swarm-client.js';
import { ScenarioError } from '../errors/scenario-error.js';
import type { Expectation, HostTarget, SourceRef, TargetRef, TraefikCheck } from '../scenario/scenario.js';
import {
  containerStates,
  findNetwork,
  findService,
  remoteTasks,
  runningContainers,
  swarmPlumbing,
  taskName,
  type Topology,
  type TopologyNetwork,
} from '../topology/topology.js';
import { type CellKind, cellKind } from './cell-kind.js';
import {
  type CheckBudget,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECT_CONCURRENCY,
  DEFAULT_LOOKUP_CONCURRENCY,
  lookupShare,
} from '../../probes/agent/protocol.js';
import { lanPlacement } from './lan-placement.js';
import type { Cell, Placement, Plan } from './plan.js';
import { ProbeBuilder } from './probe-builder.js';

export { EMBEDDED_DNS } from './probe-builder.js';

/** Knobs of planning that do not come from the scenario (timeouts and retries do: see applyOverrides). */
export interface PlanOptions {
  runId: string;
  /** With `--repeat`: which round this plan is for (container names stay unique across rounds). */
  round?: number;
  /** Checks each probe has in flight at once besides its connects by address (`--concurrency`); the protocol's default when absent. */
  concurrency?: number;
  /** tcp checks by address each probe has in flight at once (`--connect-concurrency`); the protocol's default when absent. */
  connectConcurrency?: number;
  /**
   * DNS queries in flight across all the plan's probes (`--lookup-concurrency`), shared out evenly: they all ask the
   * engine's DNS. The protocol's default when absent.
   */
  lookupConcurrency?: number;
  /**
   * The swarm nodes to probe from (`--nodes`): each zone on an overlay gets a probe on each of them, named
   * `network X @ node`, and a service's tasks are probed only on them. Absent: this engine's node, and every node a
   * source service has a task on.
   */
  nodes?: readonly SwarmNode[];
}

/**
 * Turns expectations into probes and cells. One probe per source (per container for a service), all its checks
 * inside it at once; identical checks are shared. Each (source, target) pair becomes a cell of one kind of check
 * (checks/check-kinds.ts), planned by that kind; cellKind says which. A kind a scenario key of its own makes plans
 * its cells from that key (`traefik:` makes a traefik-route cell per routed container, probed from inside the proxy).
 */
export function buildPlan(
  expectations: readonly Expectation[],
  topology: Topology,
  options: PlanOptions,
  traefik: readonly TraefikCheck[] = [],
): Plan {
  const probes = new Map<string, ProbeBuilder>();
  const cells: Cell[] = [];
  const suffix = options.round && options.round > 1 ? `-r${options.round}` : '';
  const probeFor = ({ key, label, placement, networks }: Source): ProbeBuilder => {
    let probe = probes.get(key);
    if (!probe) {
      const name =
        placement.kind === 'host' || placement.kind === 'lan'
          ? placement.kind
          : `dockprobe-${options.runId}-${probes.size + 1}${suffix}`;
      probe = new ProbeBuilder(key, label, name, placement, networks, topology);
      probes.set(key, probe);
    }
    return probe;
  };
  for (const expectation of expectations) {
    const sources = placements(expectation.from, topology, options.nodes, options.runId);
    const targets = expandPorts(expectation, topology);
    for (const source of sources) {
      if (source.precondition) {
        for (const target of targets) cells.push(unplannable(expectation, target, source, source.precondition));
        continue;
      }
      for (const target of targets) {
        // Zone names never leave the host: a network probe keeps an upstream that never answers, and whatever needs
        // the engine's real upstream (an outside name) runs in a probe of its own beside it, on the same network.
        // A service probe lives in the service's namespace and resolves as the service does.
        const outside =
          (source.placement.kind === 'network' ||
            (source.placement.kind === 'job' && source.placement.network !== undefined)) &&
          needsOutsideName(target);
        const probe = probeFor(
          outside ? { ...source, key: `${source.key}#outside`, label: `${source.label} (outside names)` } : source,
        );
        cells.push(planCell(expectation, target, probe, topology));
      }
    }
  }
  // The kinds a scenario key of their own makes (`traefik:` makes traefik-route cells), from the probes of the
  // sources they name, shared with the expectations'.
  const keyExpectations: Expectation[] = [];
  for (const kind of KEY_KINDS) {
    const made = kind.fromKey.plan(traefik, topology, (from) =>
      placements(from, topology, options.nodes, options.runId).map(
        (source): KeySource =>
          source.precondition
            ? { key: source.key, label: source.label, precondition: source.precondition }
            : probeFor(source),
      ),
    );
    cells.push(...made.cells);
    keyExpectations.push(...made.expectations);
  }
  const defaultTimeout = [...expectations, ...keyExpectations].reduce(
    (longest, e) => Math.max(longest, e.timeoutMs),
    0,
  );
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const budget: CheckBudget = {
    concurrency,
    connectConcurrency: options.connectConcurrency ?? DEFAULT_CONNECT_CONCURRENCY,
    lookupConcurrency: lookupShare(options.lookupConcurrency ?? DEFAULT_LOOKUP_CONCURRENCY, probes.size, concurrency),
  };
  return {
    runId: options.runId,
    probes: [...probes.values()].map((p) => p.build(defaultTimeout, budget)),
    cells,
  };
}

const KEY_KINDS = Object.values(CHECK_KINDS).filter((kind) => 'fromKey' in kind);

// A (source, target) pair's cell: cellKind says which kind it is (or refuses the pair), and the kind plans it.
function planCell(expectation: Expectation, target: TargetRef, probe: ProbeBuilder, topology: Topology): Cell {
  const pair = cellKind(probe.placement.kind, target);
  return plannerOf(pair).plan(expectation, pair.target, probe, topology);
}

/**
 * A source with nothing to probe from (a network or a service, nowhere to run): every target's cell is inconclusive,
 * of the kind the source would have made had it run, so reports and baselines file it where its verdicts go.
 */
function unplannable(
  expectation: Expectation,
  target: TargetRef,
  probe: { key: string; label: string },
  precondition: Cell['precondition'],
): Cell {
  const pair = cellKind('container', target);
  return plannerOf(pair).unplannable({ ...cellBase(expectation, target.label, probe), precondition }, pair.target);
}

// The planner of a pair's kind. Its target is the one that kind took (cellKind), so the planner takes it.
function plannerOf(pair: CellKind) {
  return CHECK_KINDS[pair.kind].fromTarget as {
    plan(expectation: Expectation, target: CellKind['target'], probe: ProbeBuilder, topology: Topology): Cell;
    unplannable(base: ExpectedCell, target: CellKind['target']): Cell;
  };
}

/** Whether trying `target` resolves a name outside the deployment (an internet entry or an outside host by name). */
function needsOutsideName(target: TargetRef): boolean {
  const byName = (host: { kind: string; host?: string }) =>
    host.kind === 'external' && host.host !== undefined && !isIP(host.host);
  if (target.kind === 'internet') return target.targets.some((t) => byName(t.host));
  return byName(target.host);
}

type Source = {
  key: string;
  label: string;
  placement: Placement;
  networks: TopologyNetwork[];
  precondition?: Cell['precondition'];
};

function sourceKey(from: SourceRef): string {
  return from.kind === 'host' || from.kind === 'lan'
    ? from.kind
    : `${from.kind}:${from.project ?? ''}/${from.kind === 'network' ? from.network : from.service}`;
}

// A source with nothing to probe from: its cells are inconclusive for this reason, whatever the target.
function nowhere(key: string, label: string, precondition: NonNullable<Cell['precondition']>): Source {
  return { key, label, placement: { kind: 'host' }, networks: [], precondition };
}

// Where the probes of one source run: a network (on each chosen node, for an overlay), each running container or task
// of a service, or the host. Names were checked against the topology before planning (resolveTopology), so a miss here
// is a programming error.
function placements(
  from: SourceRef,
  topology: Topology,
  nodes: readonly SwarmNode[] | undefined,
  runId: string,
): Source[] {
  if (from.kind === 'host') return [{ key: 'host', label: 'host', placement: { kind: 'host' }, networks: [] }];
  if (from.kind === 'lan')
    return [{ key: 'lan', label: 'lan', placement: lanPlacement(runId, topology), networks: [] }];
  const swarm = topology.swarm?.manager ? topology.swarm : undefined;
  if (from.kind === 'network') {
    const network = findNetwork(topology, from.project, from.network);
    if (!network) throw new Error(`planning: network '${from.network}' is not in the resolved topology`);
    const key = sourceKey(from);
    const label = `network ${network.composeName ?? network.name}`;
    // A local network (a bridge) exists on this node only; so does everything when the engine is no swarm manager.
    if (network.scope !== 'swarm' || !swarm)
      return [{ key, label, placement: { kind: 'network', network }, networks: [network] }];
    const local = swarm.nodes.find((n) => n.id === swarm.nodeId);
    const chosen = nodes ?? (local ? [local] : []);
    return chosen.map((node) => {
      const at = nodes ? { key: `${key}@${node.hostname}`, label: `${label} @ ${node.hostname}` } : { key, label };
      const down = unavailable(node);
      if (down)
        return nowhere(at.key, at.label, {
          code: 'node-unavailable',
          text: `node ${node.hostname} ${down}: no probe can run on it`,
        });
      // A plain container where one can be: on this node, on an attachable overlay. A job everywhere else.
      const placement: Placement =
        node.id === swarm.nodeId && network.attachable ? { kind: 'network', network } : { kind: 'job', node, network };
      return { ...at, placement, networks: [network] };
    });
  }
  const service = findService(topology, from.project!, from.service);
  if (!service) throw new Error(`planning: service '${from.service}' is not in the resolved topology`);
  const onChosen = (nodeId: string | undefined) => !nodes || nodes.some((n) => n.id === nodeId);
  const running = swarm && !onChosen(swarm.nodeId) ? [] : runningContainers(service);
  // On a manager, a task on another node is probed by a job on that node, on the task's networks.
  const remote = swarm ? remoteTasks(service).filter((t) => t.node !== undefined && onChosen(t.nodeId)) : [];
  const count = running.length + remote.length;
  if (count === 0) {
    const elsewhere = [...new Set(remoteTasks(service).map((t) => t.node?.hostname ?? t.nodeId ?? ''))];
    const text = elsewhere.length
      ? `source service '${from.service}' has no running container on the nodes probed from: it runs on ${elsewhere.length > 1 ? 'nodes' : 'node'} ${elsewhere.join(', ')}${swarm ? '' : ', and only a swarm manager can place a probe on another node'}`
      : `source service '${from.service}' has no running container to probe from (${containerStates(service)})`;
    return [nowhere(sourceKey(from), `service ${from.service}`, { code: 'source-not-running', text })];
  }
  const many = count > 1 || service.containers.length > 1;
  const sources: Source[] = running.map((container) => ({
    key: `${sourceKey(from)}/${container.name}`,
    label: many ? `service ${from.service} (${container.name})` : `service ${from.service}`,
    placement: { kind: 'container', container, service: from.service },
    networks: topology.networks.filter((n) => container.networks.some((m) => m.networkId === n.id)),
  }));
  for (const task of remote) {
    const name = taskName(service, task);
    const node = task.node!;
    const down = unavailable(node);
    const at = {
      key: `${sourceKey(from)}/${name}`,
      label: `service ${from.service} (task ${name} on ${node.hostname}, by a job on its networks)`,
    };
    if (down) {
      sources.push(
        nowhere(at.key, at.label, {
          code: 'node-unavailable',
          text: `node ${node.hostname} ${down}: no probe can run beside task ${name}`,
        }),
      );
      continue;
    }
    const networks = topology.networks.filter(
      (n) => n.scope === 'swarm' && task.networks.some((m) => m.networkId === n.id) && !swarmPlumbing(n),
    );
    sources.push({
      ...at,
      placement: { kind: 'job', node, task: { id: task.id, name, service: from.service } },
      networks,
    });
  }
  return sources;
}

// Why no task can be placed on a node, or undefined when one can.
function unavailable(node: SwarmNode): string | undefined {
  if (node.state !== 'ready') return `is ${node.state}`;
  if (node.availability !== 'active') return `is set to ${node.availability}`;
  return undefined;
}

// A service named without a port stands for each port its containers expose.
function expandPorts(expectation: Expectation, topology: Topology): TargetRef[] {
  return expectation.to.flatMap((target): TargetRef[] => {
    if (target.kind !== 'tcp' || target.port !== undefined || target.host.kind !== 'service') return [target];
    const service = findService(topology, target.host.project!, target.host.service);
    // A stack's service also has the ports its spec publishes: its only source when all its tasks run elsewhere.
    const published = (service?.swarm?.service?.ports ?? [])
      .filter((p) => p.protocol === 'tcp')
      .map((p) => p.targetPort);
    const ports = [
      ...new Set([
        ...(service?.containers ?? []).flatMap((c) => c.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port)),
        ...published,
      ]),
    ].sort((a, b) => a - b);
    if (ports.length === 0) {
      throw new ScenarioError([
        {
          ...target.position,
          message: `service '${target.host.service}' exposes no TCP port, so '${target.label}' says nothing to try`,
          hint: `name the port: '${target.host.service}:PORT'`,
        },
      ]);
    }
    return ports.map(
      (port): HostTarget => ({
        ...target,
        label: `${target.host.kind === 'service' ? target.host.service : ''}:${port}`,
        port,
      }),
    );
  });
}
