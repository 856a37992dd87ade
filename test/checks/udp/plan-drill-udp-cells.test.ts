import t from 'tap';
import type { DrillUdpCell } from '../../../src/checks/udp/udp-cell.js';
import { planDrill } from '../../../src/drill/plan-drill.js';
import { readWorld } from '../../../src/topology/world.js';
import { drillDeployment } from '../../fixtures/drill-deployment.js';

// drill --udp-ports: one udp row per container address and port, each with its address's two reference ports and
// the probe's UDP control; none without the option, none from a LAN neighbour (no peer to prove the control with).

const options = {
  runId: 'd1',
  ports: [],
  hostPorts: false,
  internet: [],
  timeoutMs: 1000,
  retries: 0,
  concurrency: 32,
  connectConcurrency: 128,
  lookupConcurrency: 320,
  probesAtOnce: 16,
  maxChecks: 10_000,
};

t.test('--udp-ports: a row per address and port, with reference ports and the UDP control', async (t) => {
  const { engine } = drillDeployment();
  const world = await readWorld(engine, { kind: 'engine', projects: undefined });
  t.same(
    planDrill({ kind: 'service', service: 'api' }, world, options).cells.filter((c) => c.kind === 'udp'),
    [],
    'no UDP without --udp-ports',
  );
  const plan = planDrill({ kind: 'service', service: 'api' }, world, { ...options, udpPorts: [53, 514] });
  const udp = plan.cells.filter((c): c is DrillUdpCell => c.kind === 'udp');
  t.ok(udp.length > 0);
  const spec = plan.probes.find((p) => p.key === udp[0]!.probeKey)!;
  const checks = new Map(spec.plan.checks.map((c) => [c.id, c]));
  for (const cell of udp) {
    t.match(cell.targetLabel, /^[\w-]+:(53|514)\/udp on [\w-]+$/);
    t.equal(cell.attempts.length, 3, `${cell.targetLabel}: the port and two reference ports`);
    t.same(
      cell.attempts.map((a) => {
        const c = checks.get(a.checkId)!;
        return c.kind === 'udp' ? c.host : undefined;
      }),
      [cell.address, cell.address, cell.address],
    );
    t.ok(cell.controls[4].every((id) => spec.plan.controls.includes(id)));
  }
  const addresses = new Set(udp.map((c) => c.address));
  t.equal(udp.length, addresses.size * 2, 'each address on each port');
  const lan = planDrill({ kind: 'lan' }, world, { ...options, udpPorts: [514] });
  t.same(
    lan.cells.filter((c) => c.kind === 'udp'),
    [],
    'none from a LAN neighbour',
  );
});
