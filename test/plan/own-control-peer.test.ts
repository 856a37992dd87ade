import t from 'tap';
import type { TcpCheck } from '../../probes/agent/protocol.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import {
  bindOwnControlPeer,
  CONTROL_PEER_PORT,
  ownControlPeer,
  ownPeerPlaceholder,
} from '../../src/plan/own-control-peer.js';
import type { ProbeSpec } from '../../src/plan/plan.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Topology, TopologyNetwork } from '../../src/topology/topology.js';
import { container, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';

// A source with no running peer to reach gets a control peer of dockprobe's own on its own network, planned as a reach
// control whose address is filled in once the peer answers; a source that cannot take one says why, and what to do.

const MAIL: TopologyNetwork = {
  ...PUBLIC,
  id: 'net-mail-out',
  name: 'ref_mail-out',
  composeName: 'mail-out',
  subnets: ['172.30.0.0/16'],
};

/** The reference topology with `mailer` added, alone on mail-out (or as `mailer` says). */
function withMailer(mailer = container('mailer', 2525, [[MAIL, '172.30.0.2']]), networks = [MAIL]): Topology {
  const base = referenceTopology({ mailer: [mailer] });
  return { ...base, networks: [...base.networks, ...networks] };
}

function planOf(topology: Topology, from: string): ProbeSpec {
  const s = parseScenario(
    `project: ref\ntimeout: 1s\nexpect:\n  - from: ${from}\n    to: [redis:6379, postgres:5432]\n    reachable: false\n`,
    's.yml',
  );
  return buildPlan(s.expectations, topology, { runId: 'r' }).probes[0]!;
}

t.test(
  'a service alone on its network: a control peer of dockprobe own, on that network, as its reach control',
  async (t) => {
    const spec = planOf(withMailer(), '{ service: mailer }');
    const own = spec.controls.ownPeer;
    t.same(own, {
      kind: 'wanted',
      network: { id: 'net-mail-out', name: 'mail-out' },
      checkId: spec.controls.reachCheckIds[0],
      checkId6: undefined,
    });
    t.equal(spec.controls.reachCheckIds.length, 1, 'the one reach control');
    const check = spec.plan.checks.find((c) => c.id === spec.controls.reachCheckIds[0]) as TcpCheck;
    t.match(check, { kind: 'tcp', host: ownPeerPlaceholder('net-mail-out', 4), port: CONTROL_PEER_PORT });
    t.ok(spec.plan.controls.includes(check.id), 'run first, among the checks and after them, as every control');
    t.same(spec.controls.peers, undefined, 'no peer of the deployment');
  },
);

t.test('a source with running peers: they are its reach controls, named, and dockprobe adds none', async (t) => {
  const zone = planOf(withMailer(), '{ network: public-facing }');
  t.same(zone.controls.ownPeer, undefined);
  t.same(Object.values(zone.controls.peers ?? {}), [
    { service: 'proxy', container: 'ref_proxy_1' },
    { service: 'frontend', container: 'ref_frontend_1' },
  ]);
  // The network of a lone service has that service as its peer.
  const mailOut = planOf(withMailer(), '{ network: mail-out }');
  t.same(mailOut.controls.ownPeer, undefined);
  t.same(Object.values(mailOut.controls.peers ?? {}), [{ service: 'mailer', container: 'ref_mailer_1' }]);
});

t.test('a service alone on a network whose only other member is down: dockprobe own peer', async (t) => {
  const topology = withMailer();
  topology.services.push({
    project: 'ref',
    name: 'relay',
    containers: [container('relay', 25, [[MAIL, '172.30.0.3']], 'exited')],
  });
  t.match(planOf(topology, '{ service: mailer }').controls.ownPeer, { kind: 'wanted', network: { id: MAIL.id } });
});

t.test(
  'a service on several networks with no peer: the first a container may join, never a target network',
  async (t) => {
    const overlay: TopologyNetwork = {
      ...MAIL,
      id: 'net-ov',
      name: 'ref_ov',
      composeName: 'ov',
      scope: 'swarm',
      driver: 'overlay',
    };
    const spec = planOf(
      withMailer(
        container('mailer', 2525, [
          [overlay, '10.0.1.2'],
          [MAIL, '172.30.0.2'],
        ]),
        [overlay, MAIL],
      ),
      '{ service: mailer }',
    );
    t.match(spec.controls.ownPeer, { kind: 'wanted', network: { id: MAIL.id } }, 'the overlay refuses containers');
  },
);

t.test('sources that cannot take a peer: inconclusive later, with what the user can do', async (t) => {
  const api = referenceTopology().services.find((s) => s.name === 'api')!.containers[0]!;
  const shared = {
    ...container('sidecar', 9000, [[MAIL, '172.30.0.9']]),
    networks: [],
    networkMode: `container:${api.id}`,
  };
  t.match(planOf(withMailer(shared), '{ service: mailer }').controls.ownPeer, {
    kind: 'impossible',
    reason:
      /shares the network namespace of service api \(ref_api_1\) \(network_mode: container:\).*from: \{ service: api \}/,
  });

  const host: TopologyNetwork = {
    ...PUBLIC,
    id: 'net-host',
    name: 'host',
    driver: 'host',
    composeName: undefined,
    subnets: [],
  };
  const inHost = { ...container('mailer', 2525, [[host, '']]), networkMode: 'host' };
  t.match(planOf(withMailer(inHost, [host]), '{ service: mailer }').controls.ownPeer, {
    kind: 'impossible',
    reason: /network_mode: host.*from: host/,
  });

  const none = { ...container('mailer', 2525, [[MAIL, '']]), networks: [], networkMode: 'none' };
  t.match(planOf(withMailer(none, []), '{ service: mailer }').controls.ownPeer, {
    kind: 'impossible',
    reason: /is on no network \(network_mode: none\)/,
  });

  const overlay: TopologyNetwork = { ...MAIL, scope: 'swarm', driver: 'overlay', attachable: false };
  t.match(
    planOf(withMailer(container('mailer', 2525, [[overlay, '10.0.1.2']]), [overlay]), '{ service: mailer }').controls
      .ownPeer,
    {
      kind: 'impossible',
      reason: /swarm overlay that is not attachable.*attachable: true/,
    },
  );

  const node = {
    id: 'n2',
    hostname: 'node-2',
    role: 'worker',
    state: 'ready',
    availability: 'active',
    addr: '10.0.0.2',
  };
  t.match(ownControlPeer({ kind: 'job', node: node as never, network: overlay }, [overlay], withMailer()), {
    impossible: /swarm job on node node-2 \(network mail-out is not attachable\).*make the network attachable/,
  });
});

t.test(
  'bound once the peer answered: its address in the check; without one, the check is out of the plan',
  async (t) => {
    const spec = planOf(withMailer(), '{ service: mailer }');
    const id = spec.controls.reachCheckIds[0]!;
    const ready = bindOwnControlPeer(spec, {
      status: 'ready',
      network: 'mail-out',
      container: 'dockprobe-r-peer-1',
      containerId: '0123456789ab',
      address: '172.30.0.100',
      address6: undefined,
      port: CONTROL_PEER_PORT,
    });
    t.match(
      ready.plan.checks.find((c) => c.id === id),
      { kind: 'tcp', host: '172.30.0.100', port: CONTROL_PEER_PORT },
    );
    t.same(ready.plan.controls, spec.plan.controls);
    t.equal(ready.plan.deadlineMs, spec.plan.deadlineMs, 'planned with the control in it');

    const none = bindOwnControlPeer(spec, { status: 'unavailable', network: 'mail-out', reason: 'refused' });
    t.notOk(
      none.plan.checks.some((c) => c.id === id),
      'no check with a placeholder ever reaches an agent',
    );
    t.notOk(none.plan.controls.includes(id));
    t.same(none.controls.reachCheckIds, []);
    t.same(bindOwnControlPeer(spec, undefined).controls.reachCheckIds, [], 'nothing given: the same');

    const zone = planOf(withMailer(), '{ network: public-facing }');
    t.equal(bindOwnControlPeer(zone, undefined), zone, 'a probe that asked for none is itself');
  },
);
