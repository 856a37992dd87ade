import { execa } from 'execa';
import t from 'tap';
import type { ChaosResult } from '../../src/chaos/chaos-result.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { documentErrors } from '../fixtures/json-documents.js';
import { chaosArgs, chaosDrill } from './chaos-args.js';
import { cli, containersLabelled, projectName, serviceContainers, teardown, upProject } from './helpers.js';

// `dockprobe chaos --fault restart-engine` on the reference topology: refused without live-restore (exit 2, why and
// what to do), and without --engine-restart-command; with live-restore on, dockerd restarted in place by the inner
// engine's supervisor (engine.sh restart-dockerd) while the warm probes keep checking: the command's exit status and
// output in the report, every cell unknown (engine-down) while the engine does not answer, never judged then, each
// cell back, the deployment's containers never restarted (live-restore), nothing of the drill's left. Only on an
// inner Docker engine of scripts/engine.sh (it restarts that engine's dockerd), as root, inside its network namespace.

const suite = process.env['DOCKPROBE_ENGINE_SUITE'];
if (!suite || process.env['DOCKPROBE_ENGINE_KIND'] !== 'docker' || process.getuid?.() !== 0) {
  t.plan(
    0,
    `restart-engine runs only on an inner Docker engine of scripts/engine.sh as root (suite: ${suite ?? 'none'}, kind ${process.env['DOCKPROBE_ENGINE_KIND'] ?? 'none'}, uid ${process.getuid?.()})`,
  );
} else {
  t.setTimeout(600_000);
  const engineSh = (...args: string[]) =>
    execa('bash', ['scripts/engine.sh', ...args], { cwd: PACKAGE_ROOT, timeout: 180_000, stdin: 'ignore' });
  const restartCommand = `bash scripts/engine.sh restart-dockerd ${suite}`;
  const project = projectName('dptest-chaoseng');
  teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));
  await engineSh('live-restore', suite, 'off');

  t.test('refused without live-restore, and without the command', async (t) => {
    const off = await cli([
      ...chaosArgs(project, 'restart-engine'),
      '--engine-restart-command',
      restartCommand,
      '--yes',
    ]);
    t.equal(off.exitCode, 2, off.stderr);
    t.match(
      off.stderr,
      /--fault restart-engine: .* does not report live-restore enabled \(LiveRestoreEnabled: false\)/,
    );
    t.match(off.stderr, /"live-restore": true/, 'says what to do');
    const without = await cli([...chaosArgs(project, 'restart-engine'), '--yes']);
    t.equal(without.exitCode, 2, without.stderr);
    t.match(without.stderr, /live-restore|--engine-restart-command/);
  });

  t.test('dockerd restarted with live-restore: each cell unknown while it does not answer, then back', async (t) => {
    await engineSh('live-restore', suite, 'on');
    t.teardown(() => engineSh('live-restore', suite, 'off').then(() => undefined));
    const before = await serviceContainers(project, 'postgres');
    const out = await chaosDrill(project, 'restart-engine', '60s', [
      '--engine-restart-command',
      restartCommand,
      '--lease',
      '5s',
    ]);
    const r = out.result;
    t.ok(r, `a report (exit ${out.exitCode}); stderr:\n${out.stderr.slice(-3000)}`);
    if (!r) return;
    t.same(documentErrors('dockprobe-chaos', r), []);
    t.match(r.fault.command, { command: restartCommand, exitCode: 0, timedOut: false, output: /restarted/ });
    t.equal(r.fault.error, undefined, r.fault.detail ?? '');
    t.equal(r.fault.restore.status, 'nothing-to-restore', r.fault.restore.detail);
    t.equal(r.cells.length, 10);
    const down = r.rounds.filter((x) => x.error?.includes('the engine did not answer'));
    t.ok(down.length > 0, 'a round waited for the engine while dockerd was down');
    for (const c of r.cells)
      t.ok(
        c.spans.some((s) => s.state === 'unknown' && s.codes.includes('engine-down')),
        `${c.source} → ${c.target} unknown while the engine did not answer`,
      );
    t.equal(r.summary.notBack, 0, 'every cell back after the restart');
    t.ok(r.restoredAfterMs !== undefined);
    // Fail closed: a cell expected blocked that could not be told while the engine was down is no "held".
    t.not(r.outcome, 'held', r.reason);
    t.equal(out.exitCode, r.outcome === 'breach' ? 1 : 3, `${r.outcome}: ${r.reason}`);
    const after = await serviceContainers(project, 'postgres');
    t.same(
      after.map((c) => [c.id, c.startedAt]),
      before.map((c) => [c.id, c.startedAt]),
      'the deployment kept running through the restart (live-restore)',
    );
    t.same(
      (await containersLabelled(`dockprobe.run=${r.runId}`)).map((c) => c.name),
      [],
      "nothing of the drill's left",
    );
    t.comment(
      `engine ${r.engine.version}: ${describe(r)}; ${r.loop.rounds} rounds of ${r.loop.minMs} to ${r.loop.maxMs} ms (median ${r.loop.medianMs})`,
    );
    for (const c of r.cells.filter((c) => c.spans.length > 0))
      t.comment(
        `  ${c.source} → ${c.target}: ${c.spans.map((s) => `${s.state} ${s.durationMs} ms (${s.codes.join(', ')})`).join('; ')}`,
      );
  });
}

function describe(r: ChaosResult): string {
  return `the command ${r.fault.command?.exitCode === 0 ? 'exit 0' : 'failed'} in ${r.fault.command?.durationMs} ms; back on its own ${r.recoveredAfterMs === undefined ? 'never, within the deadline' : `after ${r.recoveredAfterMs} ms`}`;
}
