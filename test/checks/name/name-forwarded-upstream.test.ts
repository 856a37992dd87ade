import t from 'tap';
import { drill } from '../../../src/drill/drill.js';
import type { DrillResult } from '../../../src/drill/drill-result.js';
import { drillDeployment } from '../../fixtures/drill-deployment.js';

// A drill's name rows say where a name went, as `test`'s dns: verdicts do (checks/reach): Podman's aardvark-dns
// forwards a name it holds no record of, from a network that is not internal, to the source's DNS servers on the
// engine's host. The name still does not resolve on the network, so the row is blocked; its code and reason say
// the name was asked upstream. From an internal network aardvark-dns answers itself, and on Docker a network
// probe's embedded DNS forwards to loopback in the probe's own namespace: nothing is said there.

async function nameRows(product: 'docker' | 'podman', from: 'proxy' | 'postgres'): Promise<DrillResult['rows']> {
  const { engine } = drillDeployment();
  engine.system.answer = { ...engine.system.answer, product, ...(product === 'podman' ? { version: '5.4.2' } : {}) };
  const result = await drill({
    from: { kind: 'service', service: from },
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId: 'd1',
    internet: ['tcp://192.0.2.1:443'],
    ports: [5432],
  });
  return result.rows.filter((r) => r.kind === 'name');
}

t.test('Podman, from a network that is not internal: a name that does not resolve was forwarded', async (t) => {
  const rows = await nameRows('podman', 'proxy');
  const postgres = rows.find((r) => r.target === 'dns:postgres');
  t.same([postgres?.status, postgres?.code], ['blocked', 'name-forwarded-upstream']);
  t.match(
    postgres?.reason,
    /^postgres does not resolve here \(.*\); the name was forwarded upstream: Podman's aardvark-dns forwards a name it holds no record of from shop_public \(not internal\) to the container's DNS servers/,
  );
  const api = rows.find((r) => r.target === 'dns:api');
  t.same([api?.status, api?.code], ['reached', 'resolved'], 'a name that resolves says nothing of forwarding');
});

t.test('Podman, from an internal network only: nothing is forwarded, nothing said', async (t) => {
  const rows = await nameRows('podman', 'postgres');
  t.ok(rows.length > 0, 'the drill has name rows');
  t.ok(rows.every((r) => r.code !== 'name-forwarded-upstream' && !/forwarded upstream/.test(r.reason)));
});

t.test('Docker: a name that does not resolve is not-resolved, with no word of forwarding', async (t) => {
  const rows = await nameRows('docker', 'proxy');
  const postgres = rows.find((r) => r.target === 'dns:postgres');
  t.same([postgres?.status, postgres?.code], ['blocked', 'not-resolved']);
  t.notMatch(postgres?.reason, /forwarded upstream/);
});
