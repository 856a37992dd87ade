import { spawn } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import t from 'tap';
import { chaosLockFile } from '../../src/chaos/chaos-lock.js';
import { restoreFile } from '../../src/chaos/firewall-fault.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { readFirewall } from '../../src/watch/firewall-digest.js';
import { documentErrors } from '../fixtures/json-documents.js';
import { BIN, cli, containersLabelled, killOnTeardown, projectName, runtime, teardown, upProject } from './helpers.js';
import { chaosArgs, chaosDrill } from './chaos-args.js';

// `dockprobe chaos --fault reload-firewall` on the reference topology: the engine host's rule sets replaced by the
// saved ones without Docker's chains, the public → data path opened during the fault (recorded), the restore verified
// by the rule-set digest and by the verdicts; and with dockprobe SIGKILLed during the fault, its independent timer
// restores the saved rules (the digest is the one before): the test fails if the restore is skipped or the timer does
// not fire; then cleanup removes its lock and names the saved rules with the command that loads them. Only on an
// inner Docker engine of scripts/engine.sh (bookworm, trixie, sid), as root, inside its network namespace (which has
// no uplink): with Docker's rules gone and forwarding on, a container's traffic could otherwise leave the machine.

const suite = process.env['DOCKPROBE_ENGINE_SUITE'];
if (!suite || process.env['DOCKPROBE_ENGINE_KIND'] !== 'docker' || process.getuid?.() !== 0) {
  t.plan(
    0,
    `reload-firewall runs only on an inner Docker engine of scripts/engine.sh as root, in its network namespace (suite: ${suite ?? 'none'}, kind ${process.env['DOCKPROBE_ENGINE_KIND'] ?? 'none'}, uid ${process.getuid?.()})`,
  );
} else {
  t.setTimeout(600_000);
  const project = projectName('dptest-chaosfw');
  teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));
  const digest = async () => {
    const r = await readFirewall();
    if (!('digest' in r)) throw new Error(r.unavailable);
    return r.digest;
  };

  t.test('the fault opens the public → data path; the restore is verified by digest and verdicts', async (t) => {
    const before = await digest();
    const out = await chaosDrill(project, 'reload-firewall', '10s');
    const r = out.result;
    t.ok(r, `a report (exit ${out.exitCode}); stderr:\n${out.stderr.slice(-3000)}`);
    if (!r) return;
    t.same(documentErrors('dockprobe-chaos', r), []);
    t.equal(r.fault.restore.status, 'restored', r.fault.restore.detail);
    t.equal(await digest(), before, 'the rule-set digest is the one before the fault');
    t.equal(r.summary.notBack, 0, 'every cell back after the restore');
    const data = r.cells.filter((c) => c.source === 'network public-facing' && c.expected === 'blocked');
    t.ok(data.length > 0);
    t.ok(
      data.some((c) => c.outcome === 'opened'),
      `the public → data path opened: ${data.map((c) => `${c.target} ${c.outcome} ${c.openedMs} ms`).join(', ')}`,
    );
    t.equal(r.outcome, 'breach');
    t.equal(out.exitCode, 1);
    t.comment(
      `engine ${r.engine.version}: ${r.loop.rounds} rounds of ${r.loop.minMs} to ${r.loop.maxMs} ms (median ${r.loop.medianMs}); recovered by itself: ${r.recoveredAfterMs === undefined ? 'no, within the deadline' : `after ${r.recoveredAfterMs} ms`}; back after the restore in ${r.restoredAfterMs} ms`,
    );
    for (const c of r.cells.filter((c) => c.spans.length > 0))
      t.comment(
        `  ${c.source} → ${c.target}: ${c.spans.map((s) => `${s.state} ${s.durationMs} ms (${s.codes.join(', ')})`).join('; ')}; after recovery ${c.afterRecovery}, after restore ${c.afterRestore}`,
      );
    t.same(
      (await containersLabelled(`dockprobe.run=${r.runId}`)).map((c) => c.name),
      [],
    );
  });

  t.test('dockprobe killed during the fault: the restore timer restores the saved rules', async (t) => {
    const before = await digest();
    const child = spawn(
      process.execPath,
      [
        BIN,
        ...chaosArgs(project, 'reload-firewall'),
        '--yes',
        '--baseline-rounds',
        '1',
        '--deadline',
        '5m',
        '--restore-after',
        '5s',
        '--lease',
        '4s',
      ],
      { cwd: PACKAGE_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    killOnTeardown(t, child);
    let stderr = '';
    const applied = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not applied within 120 s:\n${stderr.slice(-3000)}`)), 120_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/fault applied in/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await applied;
    const runId = /chaos drill (\S+) at /.exec(stderr)?.[1];
    const file =
      /saved (\S+\.rules)/.exec(stderr)?.[1] ??
      /save the IPv4 and IPv6 rule sets of this host to (\S+\.rules)/.exec(stderr)?.[1];
    t.ok(file, 'the saved file is named');
    t.not(await digest(), before, "during the fault the rule set is not the one before (Docker's chains gone)");
    child.kill('SIGKILL');
    // Safety net: whatever the assertions say, the namespace gets its rules back.
    t.teardown(async () => {
      if (file && (await digest()) !== before) await restoreFile(file);
    });
    await new Promise((r) => setTimeout(r, 9_000));
    t.equal(await digest(), before, 'the timer restored the rules saved before the fault');
    t.ok(file && (await readFile(file, 'utf8')).includes('DOCKER-ISOLATION'), 'the saved file holds the full rule set');
    // The killed drill's probes end by their lease; its control peers and the rest go with cleanup, which also removes
    // its lock (its pid no longer runs here) and names the saved rules with the command that loads them, restoring
    // nothing by itself.
    t.ok(runId, 'the run id is named');
    await new Promise((r) => setTimeout(r, 5_000));
    const lock = chaosLockFile(runtime.endpoint);
    const out = await cli(['cleanup', '--run', runId ?? 'none']);
    t.equal(out.exitCode, 0, out.stderr);
    t.match(out.stdout, `removed chaos lock ${lock} (run ${runId}, pid ${child.pid} on `);
    t.match(out.stdout, `no process ${child.pid} runs here`);
    t.notOk(
      await access(lock).then(
        () => true,
        () => false,
      ),
      'the stale lock is gone',
    );
    t.match(out.stdout, `kept saved rule sets ${file} and ${file}.ip6 of chaos drill ${runId}, whose process is gone`);
    t.match(out.stdout, `dockprobe chaos --restore ${file};`);
    t.equal(await digest(), before, 'cleanup loaded nothing: the rule set is the one the timer restored');
    t.same(
      (await containersLabelled(`dockprobe.run=${runId}`)).map((c) => c.name),
      [],
    );
    await Promise.all((file ? [file, `${file}.ip6`] : []).map((f) => rm(f, { force: true })));
  });
}
