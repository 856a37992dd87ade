import t from 'tap';
import { baselineOfDrill } from '../../src/baseline/baseline-of-drill.js';
import { drift } from '../../src/baseline/drift.js';
import { drill } from '../../src/drill/drill.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// A drill as a baseline (`drill --write-baseline`), and a later drill compared with it (`drill --baseline`): keyed by
// the drill's names, never addresses, so the same deployment gives the same digest; a path that opens is drift.

const run = (engine: ReturnType<typeof drillDeployment>['engine'], runId: string) =>
  drill({
    from: { kind: 'service', service: 'proxy' },
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId,
    internet: ['tcp://192.0.2.1:443'],
    ports: [5432],
  });

t.test('the same deployment drilled twice: the same paths and digest, no drift', async (t) => {
  const { engine } = drillDeployment();
  const first = baselineOfDrill(await run(engine, 'd1'));
  const second = baselineOfDrill(await run(engine, 'd2'));
  t.equal(first.digest, second.digest);
  t.same(drift(first, second), []);
  t.same(first.scenarios, ['drill from service proxy']);
  t.ok(
    first.paths.every((p) => !/\d+\.\d+\.\d+\.\d+/.test(`${p.source} ${p.target}`)),
    'keys name no address',
  );
  t.match(
    first.paths.find((p) => p.target === 'api:3001 on public'),
    { state: 'open', code: 'reached' },
  );
  t.match(
    first.paths.find((p) => p.target === 'postgres:5432 on internal'),
    { state: 'closed', code: 'no-answer' },
  );
});

t.test('a path that opens between two drills is drift, named once; nothing else is', async (t) => {
  const { engine, postgres, public: pub } = drillDeployment();
  const before = baselineOfDrill(await run(engine, 'd1'));
  // postgres joins the proxy's network: the database is now reachable from the proxy at a new address.
  postgres.networks.push({ networkId: pub.id, networkName: pub.name, ipv4: '172.18.0.20', aliases: ['postgres'] });
  pub.attached.add(postgres.id);
  const after = baselineOfDrill(await run(engine, 'd2'));
  const opened = drift(before, after).filter((d) => d.kind === 'opened' || d.kind === 'appeared');
  t.ok(
    opened.some((d) => d.target === 'postgres:5432 on public'),
    JSON.stringify(opened.map((d) => `${d.kind} ${d.target}`)),
  );
  t.ok(
    opened.every((d) => d.target.startsWith('postgres') || d.target === 'dns:postgres'),
    'only postgres paths',
  );
});
