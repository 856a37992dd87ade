import t from 'tap';
import { checkNetworks } from '../../src/networks/check-networks.js';
import { markdownNetworksReport } from '../../src/networks/markdown-networks-report.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

t.test('networks --format markdown: each stale network a row, with what holds it and what frees it', async (t) => {
  const engine = new FakeEngine();
  const held = engine.networks.add({ name: 'gone_default', labels: { 'com.docker.stack.namespace': 'gone' } });
  engine.containers.add({ name: 'stray', labels: {} }, [held]);
  const report = await checkNetworks(engine, {});
  t.equal(report.stale.length, 1);
  const md = markdownNetworksReport(report, { listStale: true });
  const row = md.split('\n').find((l) => l.startsWith('| `gone_default`'));
  t.ok(row, 'its row');
  t.match(row, /stray/, 'what holds it');
  t.equal(row?.split(/(?<!\\)\|/).length, 6, 'four cells');
});
