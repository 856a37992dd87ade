import t from 'tap';
import { planDrill, planDrillParts } from '../../src/drill/plan-drill.js';
import { readWorld } from '../../src/topology/world.js';
import { lanPlacement } from '../../src/plan/lan-placement.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// `drill --from lan`: a neighbour beside the host (from: lan's, run/lan-neighbour.ts) tries every container at its
// addresses on the local bridges and the host at its end of the link; no names (no DNS on a LAN), no egress (no
// default route), and its only control is dockprobe's listener on the host's end.

const options = {
  runId: 'd1',
  ports: [5432],
  hostPorts: true,
  internet: [],
  timeoutMs: 1000,
  retries: 0,
  concurrency: 32,
  connectConcurrency: 128,
  lookupConcurrency: 320,
  probesAtOnce: 16,
  maxChecks: 10_000,
};

t.test('from lan: container addresses on local bridges, the host at the link, no names, no egress', async (t) => {
  const { engine } = drillDeployment();
  const world = await readWorld(engine, { kind: 'engine', projects: undefined });
  const plan = planDrill({ kind: 'lan' }, world, {
    ...options,
    internet: [
      {
        kind: 'tcp',
        label: 'tcp://192.0.2.1:443',
        host: { kind: 'external', host: '192.0.2.1' },
        port: 443,
        position: { file: 'x', line: 1, col: 1 },
      },
    ],
  });
  const placement = lanPlacement('d1', world.topology);
  t.equal(plan.probes.length, 1);
  t.same(plan.probes[0]!.placement, placement);
  t.same(
    plan.cells.filter((c) => c.kind !== 'port').map((c) => c.kind),
    [],
    'no name and no egress cell',
  );
  const host = plan.cells.filter((c) => c.kind === 'port' && c.endpoint === 'host');
  t.ok(
    host.length > 0 && host.every((c) => c.kind === 'port' && c.address === placement.host),
    "the host is tried at its end of the link, not at the bridges' gateways",
  );
  const addresses = plan.cells.flatMap((c) => (c.kind === 'port' && c.endpoint !== 'host' ? [c.address] : []));
  const bridges = world.topology.networks.filter((n) => n.driver === 'bridge' && n.scope !== 'swarm').map((n) => n.id);
  const routable = new Set(
    world.containers.flatMap((c) => c.networks.filter((n) => bridges.includes(n.networkId)).map((n) => n.ipv4)),
  );
  t.ok(addresses.length > 0 && addresses.every((a) => routable.has(a)), 'only addresses on local bridges');
  const spec = plan.probes[0]!;
  t.same(
    spec.controls.reachCheckIds.map((id) => spec.plan.checks.find((c) => c.id === id)),
    [
      {
        id: spec.controls.reachCheckIds[0],
        kind: 'tcp',
        host: placement.host,
        port: placement.controlPort,
        subnets: [],
        timeoutMs: 1000,
      },
    ],
  );
});

t.test("from a service: each other service's name just before its addresses, then the host, then egress", async (t) => {
  const { engine } = drillDeployment();
  const world = await readWorld(engine, { kind: 'engine', projects: undefined });
  const internet = [
    {
      kind: 'tcp' as const,
      label: 'tcp://192.0.2.1:443',
      host: { kind: 'external' as const, host: '192.0.2.1' },
      port: 443,
      position: { file: 'x', line: 1, col: 1 },
    },
  ];
  const plan = planDrill({ kind: 'service', service: 'proxy' }, world, {
    ...options,
    ports: [],
    hostPorts: false,
    internet,
  });
  t.same(
    plan.cells.map((c) => c.targetLabel),
    [
      'dns:api',
      'api:3001 on public',
      'api:3001 on internal',
      'dns:postgres',
      'postgres:5432 on internal',
      'legacy-db:3306 on legacy',
      'postgres:5432 published on the host, via public',
      'internet',
    ],
    'names spread among the address checks: few DNS queries in flight at once',
  );
  const checks = plan.probes[0]!.plan.checks.map((c) => c.id);
  t.same(
    plan.cells.map((c) => c.attempts[0]!.checkId),
    checks.slice(0, plan.cells.length),
    'the checks run in that order',
  );
});

t.test("--all: each probe has the drill's budget, its lookups shared among the probes running at once", async (t) => {
  const { engine } = drillDeployment();
  const world = await readWorld(engine, { kind: 'engine', projects: undefined });
  const plan = planDrill({ kind: 'all' }, world, { ...options, lookupConcurrency: 64, probesAtOnce: 2 });
  t.ok(plan.probes.length > 2, 'more probes than run at once');
  for (const probe of plan.probes)
    t.match(probe.plan, { concurrency: 32, connectConcurrency: 128, lookupConcurrency: 32 }, probe.label);
});

t.test('--all part by part: each part planned anew is the same, and the parts make the whole plan', async (t) => {
  const { engine } = drillDeployment();
  const world = await readWorld(engine, { kind: 'engine', projects: undefined });
  const whole = planDrill({ kind: 'all' }, world, options);
  const parted = planDrillParts({ kind: 'all' }, world, options);
  t.equal(parted.probes, whole.probes.length);
  t.same(parted.tried, whole.tried);
  const first = parted.parts.map((part) => part());
  t.same(
    parted.parts.map((part) => part()),
    first,
    'planned again, the same',
  );
  t.same(
    first.flatMap((p) => p.probes.map((s) => s.containerName)),
    whole.probes.map((s) => s.containerName),
  );
  t.same(
    first.flatMap((p) => p.cells.map((c) => c.id)),
    whole.cells.map((c) => c.id),
  );
  t.same(parted.hostProbes, [], 'no probe on the host');
});
