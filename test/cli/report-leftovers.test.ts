import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { baselineOf } from '../../src/baseline/baseline.js';
import type { CliContext } from '../../src/cli/cli-context.js';
import { drillAndReport } from '../../src/cli/commands/drill-command.js';
import { compareWithBaseline } from '../../src/cli/compare-with-baseline.js';
import { colors } from '../../src/report/colors.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { verify } from '../../src/verify.js';
import { drillDeployment } from '../fixtures/drill-deployment.js';

// A probe the engine would not remove is named on stderr with the one command that removes it, in every mode of a
// run: a report, a JSON report, a drift against a baseline (test --baseline, drill --baseline) — the last two used to
// name the leftover without the command.

function capture(): { context: CliContext; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  return {
    context: {
      stdout: out,
      stderr: err,
      colorsOut: colors(false),
      colorsErr: colors(false),
      cleanup: new CleanupStack(),
    },
    stdout: () => Buffer.concat(chunks.out).toString(),
    stderr: () => Buffer.concat(chunks.err).toString(),
  };
}

/** The deployment, with its engine refusing to remove the probes of run `runId`. */
function stubbornEngine(runId: string) {
  const { engine } = drillDeployment();
  const remove = engine.containers.remove.bind(engine.containers);
  engine.containers.remove = async (id, ...rest) => {
    if (engine.containers.byId.get(id)?.labels['dockprobe.run'] === runId)
      throw new Error('docker: remove container failed (HTTP 500): device or resource busy');
    return remove(id, ...rest);
  };
  return engine;
}

const scenario = parseScenario(
  'project: shop\ntimeout: 1s\nexpect:\n  - from: { network: public }\n    to: [api:3001]\n    reachable: true\n  - from: { network: public }\n    to: [postgres:5432]\n    reachable: false\n',
  'shop.yml',
);

t.test('test --baseline: the leftover and its removal command on stderr, exit 3', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-leftovers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { engine } = drillDeployment();
  const first = await verify({ scenarios: [scenario], runtime: engine, image: 'dockprobe-probe:test', runId: 'b1' });
  t.same(
    first.verdicts.map((v) => v.status),
    ['pass', 'pass'],
    'the baseline run passes',
  );
  const file = join(dir, 'baseline.json');
  await writeFile(file, JSON.stringify(baselineOf(first)));
  const io = capture();
  const code = await compareWithBaseline(
    file,
    'opened',
    { scenarios: [scenario], runtime: stubbornEngine('b2'), image: 'dockprobe-probe:test', runId: 'b2' },
    { format: 'pretty', verbose: false },
    io.context,
  );
  t.match(io.stdout(), `no drift from ${file}`, 'the drift report on stdout');
  t.match(io.stderr(), /dockprobe: cleanup step failed: remove probe container dockprobe-b2-\S+/);
  t.match(io.stderr(), 'dockprobe: remove what is left with: dockprobe cleanup --run b2');
  t.equal(code, 3, 'a leftover is no clean run');
});

t.test('drill --baseline and drill: the leftover and its removal command on stderr, exit 3', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-leftovers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'drill-baseline.json');
  const options = (runId: string, engine = drillDeployment().engine) => ({
    from: { kind: 'service' as const, service: 'proxy' },
    runtime: engine,
    image: 'dockprobe-probe:test',
    runId,
    internet: ['tcp://192.0.2.1:443'],
    ports: [2375],
  });
  const written = capture();
  t.equal(
    await drillAndReport(
      options('d1'),
      { format: 'pretty', verbose: false, writeBaseline: file, failOn: 'opened' },
      written.context,
    ),
    0,
    'a clean drill writes its baseline',
  );
  t.notMatch(written.stderr(), 'cleanup');
  for (const mode of ['baseline', 'report'] as const) {
    const io = capture();
    const code = await drillAndReport(
      options('d2', stubbornEngine('d2')),
      { format: 'json', verbose: false, ...(mode === 'baseline' ? { baseline: file } : {}), failOn: 'opened' },
      io.context,
    );
    t.match(io.stderr(), /dockprobe: cleanup step failed: remove probe container dockprobe-d2-\S+/, mode);
    t.match(io.stderr(), 'dockprobe: remove what is left with: dockprobe cleanup --run d2', mode);
    t.equal(code, 3, mode);
  }
});
