import t from 'tap';
import { planFor } from '../fixtures/pipeline.js';
import type { PublishedCell } from '../../src/checks/published/published-cell.js';
import type { ReachCell } from '../../src/checks/reach/reach-cell.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { resolveTopology } from '../../src/topology/resolve-topology.js';
import { readWindow, taskChanges } from '../../src/topology/world-changes.js';
import { worldOf } from '../../src/topology/world.js';
import { swarmDeployment } from '../fixtures/swarm-deployment.js';

// Planning against stacks read from the fake manager: a target whose tasks all run on another node is tried by
// name and by each task's address; a port published through the routing mesh is a binding on every node; a source
// that runs only elsewhere is said to, not probed.

async function plan(body: string) {
  const { engine, tasks } = swarmDeployment();
  const scenario = parseScenario(`project: [glasck, glasck-app]\ntimeout: 1s\nexpect:\n${body}`, 's.yml');
  const topology = await resolveTopology([scenario], engine);
  const resolved = resolveNames(scenario, topology);
  return { plan: planFor(resolved, topology), topology, tasks, engine };
}

t.test(
  "a target running only on another node: by name, and at its task's address for a blocked expectation",
  async (t) => {
    const { plan: p, tasks } = await plan('  - from: { network: default }\n    to: [db:5432]\n    reachable: false\n');
    const cell = p.cells[0] as ReachCell;
    t.equal(cell.precondition, undefined, 'not "target not running": it runs, elsewhere');
    t.same(
      cell.attempts.map((a) => [a.via, a.description]),
      [
        ['name', 'db:5432 by name'],
        ['address', `10.0.3.5:5432 (glasck-app_db.1.${tasks.db1.id} on node vps-2, internal)`],
      ],
    );
    t.same(cell.touches, [tasks.db1.id], 'its verdict rests on the remote task');
    const name = p.probes[0]!.plan.checks.find((c) => c.kind === 'tcp' && c.host === 'db');
    t.match(name, { subnets: ['10.0.3.0/24'] }, "an answer in the task's network is resolved on the network");
  },
);

t.test(
  "a service with tasks here and elsewhere: every address, this node's container and the remote task",
  async (t) => {
    const { plan: p, tasks } = await plan(
      '  - from: { network: internal }\n    to: [api:3001]\n    reachable: false\n',
    );
    const cell = p.cells[0] as ReachCell;
    t.same(
      cell.attempts.filter((a) => a.via === 'address').map((a) => a.description.split(' (')[0]),
      ['10.0.0.11:3001', '10.0.1.3:3001', '10.0.2.3:3001', '10.0.0.12:3001', '10.0.1.4:3001', '10.0.2.4:3001'],
    );
    t.equal(cell.touches.length, 2);
    t.ok(cell.touches.includes(tasks.api2.id));
  },
);

t.test('from host: a port published through the routing mesh is bound on every node, tried on loopback', async (t) => {
  const { plan: p } = await plan('  - from: host\n    to: [api:3001, db:5432]\n    reachable: false\n');
  const [api, db] = p.cells as PublishedCell[];
  t.match(api, {
    kind: 'published',
    allInterfaces: true,
    binding: 'all interfaces of every swarm node (routing mesh, *:3001)',
    fact: undefined,
  });
  t.same(
    api!.attempts.map((a) => a.description),
    ['glasck-app_api port 3001 published on all interfaces of every swarm node (routing mesh, *:3001)'],
  );
  t.match(p.probes.find((x) => x.placement.kind === 'host')?.plan.checks, [
    { kind: 'tcp', host: '127.0.0.1', port: 3001 },
  ]);
  t.match(
    db,
    { fact: { kind: 'not published', detail: "port 5432 of 'db' is not published on the host" } },
    'a port the engine has not published is not',
  );
});

t.test("a service named without a port: its spec's ports count when no container here shows any", async (t) => {
  const { plan: p } = await plan('  - from: { network: internal }\n    to: [db]\n    reachable: true\n');
  t.same(
    p.cells.map((c) => c.targetLabel),
    ['db:5432'],
  );
});

t.test("a source running only on another node: a job pinned to that node, on its task's networks", async (t) => {
  const { plan: p, tasks } = await plan('  - from: { service: db }\n    to: [api:3001]\n    reachable: false\n');
  t.equal(p.probes.length, 1);
  const [probe] = p.probes;
  t.match(probe!.placement, { kind: 'job', node: { hostname: 'vps-2' }, task: { id: tasks.db1.id, service: 'db' } });
  t.same(
    probe!.networks.map((n) => n.name),
    ['glasck-app_internal'],
    "the task's networks, not the swarm's plumbing",
  );
  t.match(probe!.label, /task glasck-app_db\.1\.\S+ on vps-2, by a job on its networks/);
  t.equal(p.cells[0]!.precondition, undefined);
  t.ok(p.cells[0]!.touches.includes(tasks.db1.id), 'its verdicts rest on the task it stands for');
  t.equal(probe!.controls.dnsCheckId !== undefined, true, 'a job resolves its own name (dnsrr) as its DNS control');
});

t.test('a source running only on another node, from a worker: inconclusive, saying where it runs', async (t) => {
  const { engine } = swarmDeployment({ manager: false });
  const scenario = parseScenario(
    'project: [glasck, glasck-app]\ntimeout: 1s\nexpect:\n  - from: { network: default }\n    to: [api:3001]\n    reachable: false\n',
    's.yml',
  );
  const topology = await resolveTopology([scenario], engine);
  const p = planFor(scenario, topology);
  t.equal(p.probes[0]!.placement.kind, 'network', 'a worker places no job: a zone probe stays a container here');
});

t.test('a remote task that ended, moved or vanished during the run is a change of the world, by task id', async (t) => {
  const { topology, tasks } = await plan('  - from: { network: default }\n    to: [db:5432]\n    reachable: false\n');
  t.same(taskChanges(topology, [tasks.db1, tasks.api2]).size, 0, 'nothing changed');
  const ended = taskChanges(topology, [{ ...tasks.db1, state: 'failed' }]);
  t.same(ended.get(tasks.db1.id), [
    { containerId: tasks.db1.id, what: 'task glasck-app_db.1 on node vps-2 is failed (it was running)' },
  ]);
  t.same(ended.get(tasks.api2.id), [
    { containerId: tasks.api2.id, what: 'task glasck-app_api.2 on node vps-2 was removed' },
  ]);
  const moved = { ...tasks.db1, networks: [{ ...tasks.db1.networks[0]!, addresses: ['10.0.3.9'] }] };
  t.match(taskChanges(topology, [moved, tasks.api2]).get(tasks.db1.id), [
    { what: 'task glasck-app_db.1 on node vps-2 changed addresses' },
  ]);
});

t.test(
  'the window after the probes: stacks re-read by their label, remote tasks re-listed from the manager',
  async (t) => {
    const { topology, tasks, engine } = await plan(
      '  - from: { network: default }\n    to: [db:5432]\n    reachable: false\n',
    );
    const held = await readWindow(engine, worldOf(topology), 'r');
    t.same(held.changes.size, 0, 'nothing changed');
    engine.swarm.tasks.find((x) => x.id === tasks.db1.id)!.state = 'shutdown';
    const api = [...engine.containers.byId.values()].find((c) => c.name.startsWith('glasck-app_api.1.'))!;
    api.running = false;
    api.state = 'exited';
    const changed = await readWindow(engine, worldOf(topology), 'r');
    t.same(
      changed.changes.get(tasks.db1.id)?.map((c) => c.what),
      ['task glasck-app_db.1 on node vps-2 is shutdown (it was running)'],
    );
    t.same(
      changed.changes.get(api.id)?.map((c) => c.what),
      [`${api.name} is exited (it was running)`],
      "this node's task container, read by its stack label",
    );
  },
);
