import t from 'tap';
import { firewallFault } from '../../src/chaos/firewall-fault.js';
import type { Topology } from '../../src/topology/topology.js';

// reload-firewall replaces the rule set of the host dockprobe runs on: refused when the engine is remote by the one
// rule every part of dockprobe uses (docker/engine-locality.ts), a Docker context's endpoint included, before any
// rule is read.

const on = (endpoint: string, remote: boolean) =>
  ({ engine: { endpoint, remote, version: '26.1.5', apiVersion: '1.45' }, networks: [] }) as unknown as Topology;

t.test('a remote engine: exit 2, its endpoint named, nothing read or replaced', async (t) => {
  await t.rejects(
    firewallFault({ kind: 'reload-firewall' }, on('tcp://203.0.113.7:2376', true), {
      endpoint: 'tcp://203.0.113.7:2376',
      runId: 'r1',
      restoreAfterS: 60,
    }),
    {
      code: 'DP_USAGE',
      message: '--fault reload-firewall: the engine at tcp://203.0.113.7:2376 is remote: its host is not this one',
    },
  );
});

t.test("a rootless engine: exit 2 whoever runs it, saying its rules are not the host's; nothing read", async (t) => {
  const topology = {
    engine: { endpoint: 'unix:///run/user/1000/docker.sock', remote: false, rootless: true, version: '26.1.5' },
    networks: [],
  } as unknown as Topology;
  await t.rejects(
    firewallFault({ kind: 'reload-firewall' }, topology, {
      endpoint: 'unix:///run/user/1000/docker.sock',
      runId: 'r1',
      restoreAfterS: 60,
    }),
    {
      code: 'DP_USAGE',
      message:
        "--fault reload-firewall: the engine at unix:///run/user/1000/docker.sock is rootless: its rules live in RootlessKit's network namespace, which a reload of the host's firewall does not touch: replacing this host's rules would test nothing of the engine",
      hint: /^drill a firewall reload on a rootful engine/,
    },
  );
});
