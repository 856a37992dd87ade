import { spawn } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import t from 'tap';
import { chaosLockFile } from '../../src/chaos/chaos-lock.js';
import { execa } from 'execa';
import { dockerTables, readSavedTables, restoreFile } from '../../src/chaos/firewall-fault.js';
import { onlyTables } from '../../src/chaos/only-tables.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { firewallReadingOf, readFirewall } from '../../src/watch/firewall-digest.js';
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
  // The digest of the tables the fault saves (those with Docker's chains), as readSavedTables reads them.
  const tablesDigest = async () => {
    const parts: { command: string; stdout: string }[] = [];
    for (const command of ['iptables-save', 'ip6tables-save']) {
      const out = await execa(command, [], { reject: false, stdin: 'ignore' });
      if (out.exitCode === 0) parts.push({ command, stdout: onlyTables(out.stdout, dockerTables(out.stdout)) });
    }
    return firewallReadingOf(parts).digest;
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
    const savedBefore = await tablesDigest();
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
      /tables of this host that hold Docker's chains to (\S+\.rules)/.exec(stderr)?.[1];
    t.ok(file, 'the saved file is named');
    t.not(await digest(), before, "during the fault the rule set is not the one before (Docker's chains gone)");
    child.kill('SIGKILL');
    // Safety net: whatever the assertions say, the namespace gets its rules back.
    t.teardown(async () => {
      if (file && (await digest()) !== before) await restoreFile(file);
    });
    await new Promise((r) => setTimeout(r, 9_000));
    // The killed drill's probes may still run here (their lease ends them): the timer's restore is checked on the
    // tables it loads; raw, with Engine 28's rule per probe address, is checked after cleanup, when the probes are gone.
    const fw = file ? await readSavedTables(file) : { unavailable: 'no saved file named' };
    t.equal(
      'digest' in fw ? fw.digest : fw.unavailable,
      savedBefore,
      'the timer restored the tables saved before the fault',
    );
    const saved = file ? await readFile(file, 'utf8') : '';
    t.ok(saved.includes('DOCKER-ISOLATION'), "the saved file holds the tables with Docker's chains");
    t.notMatch(saved, /^\*raw$/m, 'the saved file holds no raw table: the timer leaves raw alone');
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
    t.equal(
      await digest(),
      before,
      "cleanup loaded nothing, and no raw rule of the killed drill's ended probes came back: the whole rule set is the one before the drill",
    );
    t.same(
      (await containersLabelled(`dockprobe.run=${runId}`)).map((c) => c.name),
      [],
    );
    await Promise.all((file ? [file, `${file}.ip6`] : []).map((f) => rm(f, { force: true })));
  });
}
