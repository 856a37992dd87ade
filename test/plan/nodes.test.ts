import t from 'tap';
import { planFor } from '../fixtures/pipeline.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { chooseNodes } from '../../src/topology/choose-nodes.js';
import { resolveTopology } from '../../src/topology/resolve-topology.js';
import { swarmDeployment } from '../fixtures/swarm-deployment.js';

// `--nodes`: a zone on an overlay is probed from each chosen node, a plain container where one can be (this node,
// an attachable overlay) and a swarm job pinned to the node everywhere else; a node that cannot run a task gives
// rows that say so, never a probe that is not there.

async function plan(
  body: string,
  nodes: string[] | undefined,
  tweak: (d: ReturnType<typeof swarmDeployment>) => void = () => undefined,
) {
  const deployment = swarmDeployment();
  tweak(deployment);
  const scenario = parseScenario(`project: [glasck, glasck-app]\ntimeout: 1s\nexpect:\n${body}`, 's.yml');
  const topology = await resolveTopology([scenario], deployment.engine);
  const chosen = nodes ? chooseNodes(nodes, topology) : undefined;
  return planFor(scenario, topology, chosen ? { nodes: chosen } : {});
}

const ZONE = '  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: true\n';

t.test('without --nodes: one probe on this node; a job there when the overlay is not attachable', async (t) => {
  const p = await plan(ZONE, undefined);
  t.same(
    p.probes.map((x) => [x.label, x.placement.kind]),
    [['network public-facing', 'job']],
    'glasck_public-facing is not attachable: a job on this node',
  );
  t.match(p.probes[0]!.placement, {
    kind: 'job',
    node: { hostname: 'vps-1' },
    network: { name: 'glasck_public-facing' },
  });
  const attachable = await plan(ZONE, undefined, (d) => {
    d.networks.publicFacing.attachable = true;
  });
  t.same(
    attachable.probes.map((x) => [x.label, x.placement.kind]),
    [['network public-facing', 'network']],
    'attachable: a plain container, as before',
  );
});

t.test('--nodes all: one probe per node, each row names its node', async (t) => {
  const p = await plan(ZONE, ['all'], (d) => {
    d.networks.publicFacing.attachable = true;
  });
  t.same(
    p.probes.map((x) => [
      x.key,
      x.label,
      x.placement.kind,
      x.placement.kind === 'job' ? x.placement.node.hostname : 'here',
    ]),
    [
      ['network:glasck/public-facing@vps-1', 'network public-facing @ vps-1', 'network', 'here'],
      ['network:glasck/public-facing@vps-2', 'network public-facing @ vps-2', 'job', 'vps-2'],
    ],
  );
  t.same(
    p.cells.map((c) => c.source),
    ['network public-facing @ vps-1', 'network public-facing @ vps-2'],
  );
  t.same(
    new Set(p.probes.map((x) => x.containerName)).size,
    2,
    "each probe its own name (a job's name is its DNS control)",
  );
});

t.test('a node that cannot run a task: its cells are node-unavailable, and no probe is planned there', async (t) => {
  const p = await plan(ZONE, ['vps-1', 'vps-2'], (d) => {
    d.networks.publicFacing.attachable = true;
    d.engine.swarm.nodes.find((n) => n.hostname === 'vps-2')!.state = 'down';
  });
  t.same(
    p.probes.map((x) => x.label),
    ['network public-facing @ vps-1'],
  );
  t.match(p.cells[1], {
    source: 'network public-facing @ vps-2',
    precondition: { code: 'node-unavailable', text: 'node vps-2 is down: no probe can run on it' },
  });
  const drained = await plan(ZONE, ['vps-2'], (d) => {
    d.engine.swarm.nodes.find((n) => n.hostname === 'vps-2')!.availability = 'drain';
  });
  t.match(drained.cells[0]!.precondition, {
    code: 'node-unavailable',
    text: 'node vps-2 is set to drain: no probe can run on it',
  });
});

t.test("--nodes narrows a service's tasks to the chosen nodes", async (t) => {
  const all = await plan('  - from: { service: api }\n    to: [db:5432]\n    reachable: false\n', undefined);
  t.same(
    all.probes.map((x) => x.placement.kind),
    ['container', 'job'],
    'api1 here (its namespace), api2 on vps-2 (a job)',
  );
  const here = await plan('  - from: { service: api }\n    to: [db:5432]\n    reachable: false\n', ['vps-1']);
  t.same(
    here.probes.map((x) => x.placement.kind),
    ['container'],
  );
  const there = await plan('  - from: { service: api }\n    to: [db:5432]\n    reachable: false\n', ['vps-2']);
  t.same(
    there.probes.map((x) => x.placement.kind),
    ['job'],
  );
  t.same(
    there.probes[0]!.networks.map((n) => n.name).sort(),
    ['glasck-app_default', 'glasck_public-facing'],
    'not ingress',
  );
});

t.test('a zone on a local bridge is probed here whatever --nodes says', async (t) => {
  const deployment = swarmDeployment();
  const scenario = parseScenario(
    'project: shop\nexpect:\n  - from: { network: default }\n    to: [web:8080]\n    reachable: true\n',
    's.yml',
  );
  const topology = await resolveTopology([scenario], deployment.engine);
  const p = planFor(scenario, topology, {
    runId: 'r',
    nodes: chooseNodes(['all'], topology),
  });
  t.same(
    p.probes.map((x) => [x.label, x.placement.kind]),
    [['network default', 'network']],
  );
});

t.test('--nodes is checked against the swarm: unknown names, a worker, no swarm', async (t) => {
  const { engine } = swarmDeployment();
  const scenario = parseScenario(
    'project: glasck\nexpect:\n  - from: { network: public-facing }\n    to: [traefik:80]\n    reachable: true\n',
    's.yml',
  );
  const topology = await resolveTopology([scenario], engine);
  t.same(
    chooseNodes(['vps-2', 'node-a', 'vps-2'], topology).map((n) => n.hostname),
    ['vps-2', 'vps-1'],
    'by hostname or id, each once',
  );
  t.throws(() => chooseNodes(['vps-9'], topology), {
    code: 'DP_USAGE',
    message: "--nodes: no node 'vps-9' in the swarm (nodes: vps-1, vps-2)",
  });
  t.throws(() => chooseNodes(['all', 'vps-1'], topology), { code: 'DP_USAGE', message: /'all' stands alone/ });
  const worker = swarmDeployment({ manager: false });
  const wt = await resolveTopology([scenario], worker.engine);
  t.throws(() => chooseNodes(['all'], wt), {
    code: 'DP_USAGE',
    message: /is a swarm worker; only a manager can place probes on nodes/,
  });
  t.throws(() => chooseNodes(['all'], { ...wt, swarm: undefined }), { code: 'DP_USAGE', message: /is in no swarm/ });
});

t.test("a job's DNS control is a service with a task on another node, and the agent waits for it first", async (t) => {
  const p = await plan('  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: true\n', ['vps-2']);
  const job = p.probes[0]!;
  const control = job.plan.checks.find((c) => c.id === job.controls.dnsCheckId);
  t.match(
    control,
    { kind: 'dns', name: 'glasck_traefik', subnets: ['10.0.1.0/24'] },
    'traefik runs on vps-1 only: vps-2 knows its record from the gossip',
  );
  t.same(job.plan.settle, { checkIds: [job.controls.dnsCheckId], timeoutMs: 15_000 });
  const here = await plan(
    '  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: true\n',
    ['vps-1'],
    (d) => {
      d.networks.publicFacing.attachable = true;
    },
  );
  t.equal(here.probes[0]!.plan.settle, undefined, 'a plain container on this node waits for nothing');
});
