import t, { type Test } from 'tap';
import { documentErrors } from '../fixtures/json-documents.js';
import { cli, containersLabelled, projectName, serviceContainers, teardown, upProject } from './helpers.js';
import { chaosArgs, chaosDrill } from './chaos-args.js';

// `dockprobe chaos` on the reference topology, for real, with each fault that changes only the deployment: --dry-run
// changes nothing; reconnect, restart and recreate each give every cell a timeline, the fault applied, the cells back
// to their verdicts from before, the restore not failed, nothing of the drill's left, and the deployment as the fault
// leaves it (a restarted container started again, a re-created one a new container with the old one's name, labels
// and networks).

t.setTimeout(600_000);
const project = projectName('dptest-chaos');
teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));

const drill = (fault: string) => chaosDrill(project, fault, '30s');

/** What each drill must show, whatever its fault. */
async function checkDrill(tt: Test, d: Awaited<ReturnType<typeof drill>>) {
  const r = d.result;
  tt.ok(r, `a report (exit ${d.exitCode}); stderr:\n${d.stderr.slice(-3000)}`);
  if (!r) return;
  tt.same(documentErrors('dockprobe-chaos', r), [], 'a valid dockprobe-chaos document');
  tt.equal(r.cells.length, 10, 'a timeline for each cell of the reference scenario');
  tt.ok(r.fault.appliedAtMs !== undefined && r.fault.error === undefined, `applied: ${r.fault.detail}`);
  tt.not(r.fault.restore.status, 'failed', r.fault.restore.detail);
  tt.equal(r.summary.notBack, 0, 'every cell back after the restore');
  tt.equal(r.summary.opened, 0, 'no breach window');
  tt.ok(r.restoredAfterMs !== undefined, 'back after the restore');
  tt.equal(d.exitCode, 0, `${r.outcome}: ${r.reason}`);
  tt.same(
    (await containersLabelled(`dockprobe.run=${r.runId}`)).map((c) => c.name),
    [],
    "nothing of the drill's left",
  );
  tt.comment(
    `${r.fault.kind}: ${r.loop.rounds} rounds of ${r.loop.minMs} to ${r.loop.maxMs} ms (median ${r.loop.medianMs}); applied in ${r.fault.appliedForMs} ms; back on its own after ${r.recoveredAfterMs} ms; cells: ${JSON.stringify(r.summary)}`,
  );
  for (const c of r.cells.filter((c) => c.spans.length > 0))
    tt.comment(
      `  ${c.source} → ${c.target}: ${c.spans.map((s) => `${s.state} ${s.durationMs} ms (${s.codes.join(', ')})`).join('; ')}`,
    );
}

t.test('--dry-run says what it would do and changes nothing', async (t) => {
  const [before] = await serviceContainers(project, 'postgres');
  const out = await cli([...chaosArgs(project, 'restart:postgres'), '--dry-run']);
  t.equal(out.exitCode, 0, out.stderr);
  t.match(out.stdout, new RegExp(`would restart ${before!.name} `));
  const [after] = await serviceContainers(project, 'postgres');
  t.equal(after!.startedAt, before!.startedAt, 'postgres not restarted');
});

t.test('a name not in the deployment is an error before anything is done', async (t) => {
  const out = await cli([...chaosArgs(project, 'restart:nosuch'), '--yes']);
  t.equal(out.exitCode, 2, out.stderr);
  t.match(out.stderr, /no service 'nosuch' in the deployment/);
});

t.test('reconnect:api:internal-backend', async (t) => {
  await checkDrill(t, await drill('reconnect:api:internal-backend'));
  const [api] = await serviceContainers(project, 'api');
  t.same(api!.networks.map((n) => n.networkName).sort(), [`${project}_internal-backend`, `${project}_public-facing`]);
});

t.test('restart:postgres', async (t) => {
  const [before] = await serviceContainers(project, 'postgres');
  await checkDrill(t, await drill('restart:postgres'));
  const [after] = await serviceContainers(project, 'postgres');
  t.equal(after!.id, before!.id);
  t.not(after!.startedAt, before!.startedAt, 'postgres was restarted');
});

t.test('recreate:api', async (t) => {
  const [before] = await serviceContainers(project, 'api');
  await checkDrill(t, await drill('recreate:api'));
  const now = await serviceContainers(project, 'api');
  t.equal(now.length, 1, 'one api container: the old one removed');
  const [after] = now;
  t.not(after!.id, before!.id, 'a new container');
  t.equal(after!.name, before!.name, 'under the old name');
  t.same(after!.labels, before!.labels, 'with the same labels');
  t.same(
    after!.networks.map((n) => [n.networkName, n.aliases.filter((a) => a !== after!.id.slice(0, 12)).sort()]).sort(),
    before!.networks.map((n) => [n.networkName, n.aliases.filter((a) => a !== before!.id.slice(0, 12)).sort()]).sort(),
    'on the same networks with the same aliases',
  );
});
