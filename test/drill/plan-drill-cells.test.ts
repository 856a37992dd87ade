import t from 'tap';
import { DrillNames } from '../../src/drill/drill-names.js';
import type { DrillSourcePlan } from '../../src/drill/drill-source-plan.js';
import { drillSources } from '../../src/drill/drill-sources.js';
import { planDrillCells } from '../../src/drill/plan-drill-cells.js';
import { readWorld } from '../../src/topology/world.js';
import { sourceRoutes } from '../../src/drill/source-routes.js';
import { ProbeBuilder } from '../../src/plan/probe-builder.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// Each target goes to its kind's planner, which adds its cells and their checks to the source's probe in order.

async function planFrom(from: Parameters<typeof drillSources>[0]): Promise<DrillSourcePlan> {
  const world = await readWorld(drillDeployment().engine, { kind: 'engine', projects: undefined });
  const names = new DrillNames(world.topology);
  const source = drillSources(from, world, names, 'd1').sources[0]!;
  const newProbe = (key: string) =>
    new ProbeBuilder(key, source.label, `dockprobe-d1-${key}`, source.placement, source.networks, world.topology);
  const options = {
    runId: 'd1',
    ports: [22],
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
  const seen = {
    containers: new Set<string>(),
    addresses: new Set<string>(),
    names: new Set<string>(),
    gateways: new Set<string>(),
    published: new Set<string>(),
    noAddress: new Set<string>(),
  };
  const running = world.containers.filter((c) => c.running);
  return {
    source,
    routes: sourceRoutes(source, world.topology, names),
    probe: newProbe(source.key),
    newProbe,
    world,
    running,
    names,
    options,
    step: { timeoutMs: 1000, retries: 0 },
    cells: [],
    seen,
  };
}

t.test(
  'a name, a container, the host and the internet list: one planner each, cells in the order planned',
  async (t) => {
    const plan = await planFrom({ kind: 'service', service: 'proxy' });
    const api = plan.world.topology.services.find((s) => s.name === 'api')!;
    const container = api.containers[0]!;
    planDrillCells(plan, { kind: 'name', service: api });
    planDrillCells(plan, {
      kind: 'port',
      to: { kind: 'container', container, addresses: plan.routes.addresses(container) },
    });
    planDrillCells(plan, { kind: 'port', to: { kind: 'host', at: plan.routes.host[0]! } });
    const internet = [
      {
        kind: 'tcp' as const,
        label: 'tcp://192.0.2.1:443',
        host: { kind: 'external' as const, host: '192.0.2.1' },
        port: 443,
        position: { file: 'x', line: 1, col: 1 },
      },
    ];
    planDrillCells(plan, { kind: 'egress', internet });
    t.same(
      plan.cells.map((c) => [c.kind, c.targetLabel, c.attempts.map((a) => a.checkId)]),
      [
        ['name', 'dns:api', ['c1']],
        ['port', 'api:22 on public', ['c2']],
        ['port', 'api:3001 on public', ['c3']],
        ['port', 'api:22 on internal', ['c4']],
        ['port', 'api:3001 on internal', ['c5']],
        ['port', 'postgres:5432 published on the host, via public', ['c6']],
        ['port', 'host:22 via public', ['c7']],
        ['egress', 'internet', ['c8']],
      ],
    );
    t.same(
      plan.cells[0]!.touches,
      [plan.source.self!.id, container.id],
      'a cell rests on the joined container and its target',
    );
    t.same([...plan.seen.names], ['api']);
    t.same([...plan.seen.gateways], ['172.18.0.1']);
  },
);
