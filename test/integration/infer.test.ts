import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { canaryForFile } from './fake-internet.js';
import { cli, cliJson, runtime, upReferenceAndBroken } from './helpers.js';

// `dockprobe plan` on the reference topology: inferred from the Compose file through Compose itself (v1 or v2, as
// the cell runs), and from the running project (`--live`), the two agree; the inferred scenario passes live, and the
// broken twin fails it. `internet` is the local canary, never the real one.

t.setTimeout(240_000);
const canary = await canaryForFile(t, 'plan on the reference topology');
if (canary) {
  const { reference, broken } = await upReferenceAndBroken(t, 'dptest-infer');
  const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-infer-'));
  const file = join(tmp, 'inferred.yml');
  // What the file interpolates (the probe image, the run labels), as for `compose up`.
  const env = { DOCKPROBE_IMAGE: await ensureProbeImage(runtime), DOCKPROBE_RUN: `test-${reference}`, DOCKPROBE_PID: String(process.pid), DOCKPROBE_HOST: hostname() };
  const targets = (text: string) =>
    parseScenario(text, 'x.yml')
      .expectations.flatMap((e) => e.to.map((to) => `${e.from.kind === 'network' ? e.from.network : e.from.kind} ${to.label} ${e.reachable}`))
      .sort();

  t.test('from the file and from what runs, the same plan; it passes live on the topology', async (t) => {
    const fromFile = await cli(['plan', '--file', 'docker-compose.test.yml', '--project', reference, '--write', file], env);
    t.equal(fromFile.exitCode, 0, fromFile.stderr);
    t.match(fromFile.stdout, /^inferred from .*config: 30 expectations\n/);
    const written = await readFile(file, 'utf8');
    const live = await cli(['plan', '--live', '--project', reference, '--write', join(tmp, 'live.yml')]);
    t.equal(live.exitCode, 0, live.stderr);
    t.same(targets(await readFile(join(tmp, 'live.yml'), 'utf8')), targets(written), 'the running project says what its file says');
    const { exitCode, report, stderr } = await cliJson(['test', file, '--internet', canary.target]);
    t.equal(exitCode, 0, stderr);
    t.same(report?.verdicts.filter((v) => v.status !== 'pass').map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`), []);
    t.equal(report?.summary.total, 30);
  });

  t.test('the broken twin fails the inferred plan, naming what it opened', async (t) => {
    // The twin has no worker-egress network: its zone's entries are left out (they would be an unknown name, exit 2).
    const entries = (await readFile(file, 'utf8')).split(/\n(?= {2}- name: )/);
    const shared = join(tmp, 'shared.yml');
    await writeFile(shared, `${entries.filter((e) => !e.includes('network: worker-egress')).join('\n')}\n`);
    const { exitCode, report, stderr } = await cliJson(['test', shared, '--project', broken, '--internet', canary.target]);
    t.equal(exitCode, 1, stderr);
    const failed = report?.verdicts.filter((v) => v.status === 'fail').map((v) => `${v.source} → ${v.target}`) ?? [];
    for (const leak of ['network public-facing → redis:6379', 'network public-facing → postgres:5432']) t.ok(failed.includes(leak), `${leak} fails`);
  });
}
