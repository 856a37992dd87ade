import { execa } from 'execa';
import t, { type Test } from 'tap';
import { baselineOf } from '../../src/baseline/baseline.js';
import { baselineOfDrill } from '../../src/baseline/baseline-of-drill.js';
import { jsonDriftReport } from '../../src/baseline/drift-report.js';
import { driftReportOf } from '../../src/cli/compare-with-baseline.js';
import { drill } from '../../src/drill/drill.js';
import { jsonDrillReport } from '../../src/drill/json-drill-report.js';
import { checkNetworks } from '../../src/networks/check-networks.js';
import { jsonNetworksReport } from '../../src/networks/json-networks-report.js';
import { JSON_FORMATS, type JsonFormat } from '../../src/report/json-envelope.js';
import { jsonReport } from '../../src/report/json-report.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { verify } from '../../src/verify.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';
import { FakeEngine } from '../fixtures/fake-engine.js';
import { documentErrors } from '../fixtures/json-documents.js';

// Every JSON document dockprobe writes, made by the code that writes it from runs on the fake engine (a healthy one
// and one whose probe did not start, so the optional fields appear too), validated against the schema that ships in
// schemas/, made strict: a field the types do not declare fails as well. The integration suite validates real runs.

const scenario = parseScenario(
  [
    'project: shop',
    'timeout: 1s',
    'internet: [tcp://192.0.2.1:443]',
    'expect:',
    '  - from: { service: proxy }',
    '    to: [api:3001, internet]',
    '    reachable: true',
    '  - from: { service: proxy }',
    '    to: [postgres:5432, dns:postgres]',
    '    reachable: false',
    '  - from: host',
    '    to: [postgres:5432]',
    '    reachable: false',
    '',
  ].join('\n'),
  'shop.yml',
);
const common = { image: 'dockprobe-probe:test', internet: ['tcp://192.0.2.1:443'] };

function valid(t: Test, format: JsonFormat, text: string, what: string) {
  const document = JSON.parse(text) as { format: string; version: number };
  t.same([document.format, document.version], [format, JSON_FORMATS[format]], `${what}: the envelope`);
  t.same(documentErrors(format, document), [], `${what}: a valid ${format} document`);
}

t.test('the schemas in schemas/ are the ones the types give (node scripts/build-schemas.mjs)', async (t) => {
  const { exitCode, stderr } = await execa('node', ['scripts/build-schemas.mjs', '--check'], { reject: false });
  t.equal(exitCode, 0, stderr);
});

t.test('test --format json, and its baseline and drift', async (t) => {
  const { engine } = drillDeployment();
  const result = await verify({ ...common, scenarios: [scenario], runtime: engine, runId: 'j1' });
  t.ok(result.verdicts.some((v) => v.status === 'pass') && result.verdicts.some((v) => v.status === 'fail'));
  valid(t, 'dockprobe-report', jsonReport(result), 'a run');
  const baseline = baselineOf(result);
  valid(t, 'dockprobe-baseline', `${JSON.stringify(baseline)}\n`, "a run's baseline");

  engine.faults.set('containers.create dockprobe-j2-1', new Error('no space left on device'));
  const failed = await verify({ ...common, scenarios: [scenario], runtime: engine, runId: 'j2' });
  t.ok(
    failed.verdicts.some((v) => v.probeErrorCode === 'not-started'),
    'probe error codes appear',
  );
  valid(t, 'dockprobe-report', jsonReport(failed), 'a run whose probe did not start');
  const report = driftReportOf('b.json', baseline, baselineOf(failed), failed, 'opened');
  t.ok(report.drift.length > 0);
  valid(t, 'dockprobe-drift', jsonDriftReport(report), 'a drift');
});

t.test('drill --format json, and its baseline', async (t) => {
  const { engine } = drillDeployment();
  const result = await drill({ ...common, from: { kind: 'all' }, runtime: engine, runId: 'j3', ports: [2375, 5432] });
  t.ok(result.rows.some((r) => r.status === 'reached') && result.rows.some((r) => r.status === 'blocked'));
  valid(t, 'dockprobe-drill', jsonDrillReport(result), 'a drill');
  valid(t, 'dockprobe-baseline', `${JSON.stringify(baselineOfDrill(result))}\n`, "a drill's baseline");
  engine.faults.set('containers.create dockprobe-j4-1', new Error('no space left on device'));
  const failed = await drill({ ...common, from: { kind: 'service', service: 'proxy' }, runtime: engine, runId: 'j4' });
  t.ok(failed.rows.every((r) => r.probeErrorCode === 'not-started'));
  valid(t, 'dockprobe-drill', jsonDrillReport(failed), 'a drill whose probe did not start');
});

t.test('networks --format json', async (t) => {
  const engine = new FakeEngine();
  engine.networks.add({
    name: 'shop_default',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.network': 'default' },
  });
  const held = engine.networks.add({ name: 'gone_default', labels: { 'com.docker.stack.namespace': 'gone' } });
  engine.containers.add({ name: 'stray', labels: {} }, [held]);
  const report = await checkNetworks(engine, {
    remove: { names: ['shop_default'], own: false },
    confirm: async () => true,
  });
  t.ok(report.stale.length > 0 && report.removals.length > 0);
  valid(t, 'dockprobe-networks', jsonNetworksReport(report), 'a networks report');
});

t.test(
  'the strict schemas refuse what is not a document: no envelope, a code off the list, an undeclared field',
  async (t) => {
    const { engine } = drillDeployment();
    const result = await verify({ ...common, scenarios: [scenario], runtime: engine, runId: 'j5' });
    const document = JSON.parse(jsonReport(result)) as Record<string, unknown> & { verdicts: { code: string }[] };
    t.match(documentErrors('dockprobe-report', { ...document, format: undefined }), [/required/]);
    t.match(documentErrors('dockprobe-report', { ...document, version: 2 }), [/constant/]);
    document.verdicts[0]!.code = 'blocked-ish';
    t.match(documentErrors('dockprobe-report', document), [
      /verdicts\/0\/code must be equal to one of the allowed values/,
    ]);
    t.match(
      documentErrors('dockprobe-report', { ...document, surprise: 1 }).join('\n'),
      /must NOT have additional properties/,
    );
  },
);
