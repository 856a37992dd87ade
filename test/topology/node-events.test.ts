import t from 'tap';
import type { EngineEvent } from '../../src/docker/event-client.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { connectNodeEngines } from '../../src/topology/connect-node-engines.js';
import { resolveTopology } from '../../src/topology/resolve-topology.js';
import { nodeEventChanges, readWindow } from '../../src/topology/world-changes.js';
import { worldOf } from '../../src/topology/world.js';
import { FakeEngine } from '../fixtures/fake-engine.js';
import { swarmDeployment } from '../fixtures/swarm-deployment.js';

// Other nodes' engines (--node-engine) speak for their nodes' events: a task's container that died there, a network
// created there. Each engine is first checked to be the node it is given for.

const scenario = parseScenario(
  'project: [glasck, glasck-app]\nexpect:\n  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: false\n',
  's.yml',
);

async function setup() {
  const deployment = swarmDeployment();
  const topology = await resolveTopology([scenario], deployment.engine);
  const node = topology.swarm!.nodes.find((n) => n.hostname === 'vps-2')!;
  const nodeB = new FakeEngine();
  nodeB.system.answer = { ...nodeB.system.answer, endpoint: 'unix:///b.sock', swarm: true, swarmNodeId: 'node-b' };
  return { ...deployment, topology, node, nodeB };
}

const event = (e: Partial<EngineEvent>): EngineEvent => ({
  type: 'container',
  action: 'die',
  id: '',
  attributes: {},
  timeMs: Date.parse('2026-11-27T10:00:01Z'),
  ...e,
});

t.test(
  "a task's container that died on its node: that task changed, by task id; a network created there is a network event of the node",
  async (t) => {
    const { topology, node, tasks } = await setup();
    const changes = new Map();
    const events = [
      event({ attributes: { 'com.docker.swarm.task.id': tasks.api2.id } }),
      event({ type: 'network', action: 'create', id: 'n1', attributes: { name: 'other_net' } }),
      event({ type: 'container', action: 'die', id: 'probe', attributes: { 'dockprobe.run': 'r1' } }),
    ];
    const networkEvents = nodeEventChanges(topology, node, events, 'r1', changes);
    t.match(changes.get(tasks.api2.id), [
      { what: /^task glasck-app_api\.2\.\S+ on node vps-2: its container got 'die' at 10:00:01\.000$/ },
    ]);
    t.equal(changes.size, 1, 'our own probe is not a change');
    t.same(networkEvents, ['network other_net created on node vps-2 at 10:00:01.000']);
  },
);

t.test('a node whose events cannot be read: each task there counts as changed (fail closed)', async (t) => {
  const { engine, topology, node, nodeB, tasks } = await setup();
  nodeB.faults.set('events.list', new Error('events: no answer within 30000 ms'));
  const window = await readWindow(engine, worldOf(topology, Date.now() - 1000), 'r1', [
    { node, endpoint: 'unix:///b.sock', runtime: nodeB },
  ]);
  t.match(window.changes.get(tasks.api2.id), [
    { what: /the events of node vps-2 could not be read after the probes \(events: no answer/ },
  ]);
  t.match(window.changes.get(tasks.db1.id), [{ what: /the events of node vps-2 could not be read/ }]);
});

t.test('an engine given for a node is checked to be that node; names are checked as --nodes checks them', async (t) => {
  const { topology, nodeB } = await setup();
  const wrong = new FakeEngine();
  wrong.system.answer = { ...wrong.system.answer, swarm: true, swarmNodeId: 'node-c' };
  const loose = new FakeEngine();
  const by = new Map([
    ['unix:///b.sock', nodeB],
    ['unix:///c.sock', wrong],
    ['unix:///x.sock', loose],
  ]);
  const { engines, refused } = await connectNodeEngines(
    { 'vps-2': 'unix:///b.sock', 'vps-1': 'unix:///c.sock' },
    topology,
    (e) => by.get(e)!,
  );
  t.same(
    engines.map((e) => [e.node.hostname, e.endpoint]),
    [['vps-2', 'unix:///b.sock']],
  );
  t.same(refused, [
    {
      node: 'vps-1',
      endpoint: 'unix:///c.sock',
      reason: 'the engine at unix:///c.sock is swarm node node-c, not vps-1 (node-a)',
    },
  ]);
  const none = await connectNodeEngines({ 'vps-2': 'unix:///x.sock' }, topology, (e) => by.get(e)!);
  t.match(none.refused, [{ reason: /is in no swarm, not vps-2/ }]);
  await t.rejects(
    connectNodeEngines({ nope: 'unix:///b.sock' }, topology, (e) => by.get(e)!),
    { code: 'DP_USAGE', message: /--node-engine: no node 'nope'/ },
  );
});
