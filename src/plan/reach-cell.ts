import { isIP } from 'node:net';
import type { Check } from '../../probes/agent/protocol.js';
import type { Expectation, HostTarget } from '../scenario/scenario.js';
import { containerStates, findService, runningContainers, subnetsOf, type Topology } from '../topology/topology.js';
import { nameCheck, networkLabel, withHost, type Step } from './checks.js';
import type { ProbeBuilder } from './probe-builder.js';
import { cellBase } from './cell-base.js';
import type { ReachCell } from './plan.js';

/**
 * A source trying one host. By name always; for a target expected blocked, also every address of the target on
 * every network it is on: name isolation is not network isolation.
 */
export function planReachCell(expectation: Expectation, target: HostTarget, probe: ProbeBuilder, topology: Topology, step: Step): ReachCell {
  const cell: ReachCell = { kind: 'reach', ...cellBase(expectation, target.label, probe), target };
  const host = target.host;
  const service = host.kind === 'service' ? findService(topology, host.project!, host.service) : undefined;
  const running = service ? runningContainers(service) : [];
  if (service && running.length === 0) {
    cell.precondition = { code: 'target-not-running', text: `target service '${service.name}' has no running container (${containerStates(service)}): nothing to prove against` };
    return cell;
  }
  cell.touches.push(...running.map((c) => c.id));
  if (host.kind === 'external' && !isIP(host.host)) probe.needsUpstreamDns = true;
  // Answers outside these subnets were forwarded upstream: not "resolved on this network".
  const subnets = service ? subnetsOf(topology, running) : [];
  const hostName = host.kind === 'service' ? host.service : host.host;
  const from = probe.placement.kind === 'host' ? 'from the host' : 'by name';
  cell.attempts.push({ checkId: probe.add(nameCheck(target, hostName, subnets, step)), via: 'name', description: `${target.label} ${from}` });

  if (!expectation.reachable && target.kind !== 'dns') {
    for (const container of running) {
      for (const n of container.networks) {
        if (!n.ipv4) continue;
        const check: Check =
          target.kind === 'tcp'
            ? { id: '', kind: 'tcp', host: n.ipv4, port: target.port!, subnets: [], timeoutMs: step.timeoutMs }
            : { id: '', kind: 'http', url: withHost(target.url, n.ipv4), subnets: [], timeoutMs: step.timeoutMs };
        const where = `${container.name} on ${networkLabel(topology, n.networkId, n.networkName)}`;
        cell.attempts.push({ checkId: probe.add(check), via: 'address', description: `${target.kind === 'tcp' ? `${n.ipv4}:${target.port}` : withHost(target.url, n.ipv4)} (${where})` });
      }
    }
  }
  return cell;
}
