import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { PACKAGE_ROOT } from '../../src/package-paths.js';

// scripts/lib/common.sh, the library every shell script sources: what it reads from a machine's apt sources, from tap's
// output, and how its waits and retries end.

const LIB = join(PACKAGE_ROOT, 'scripts/lib/common.sh');

/** Runs `body` in bash after sourcing the library; stdout, stderr and the exit status. */
async function lib(body: string, env: Record<string, string> = {}) {
  const r = await execa('bash', ['-c', `set -euo pipefail; . "${LIB}"; ${body}`], {
    env: { ...env, DP_LOG_NAME: 'test' },
    reject: false,
    timeout: 20_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/** An apt configuration dir holding these files (paths relative to it). */
function aptDir(t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dp-apt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

t.test('debian_mirror: the first deb URI ending in /debian, in the order apt reads its sources', async (t) => {
  const dir = aptDir(t, {
    'sources.list': [
      '# deb http://commented.example/debian bookworm main',
      'deb-src http://source-only.example/debian bookworm main',
      'deb https://snapshot.debian.org/archive/debian/20250520T000000Z bookworm main',
      '',
    ].join('\n'),
    'sources.list.d/a.sources': [
      'Types: deb',
      'URIs: http://disabled.example/debian',
      'Suites: bookworm',
      'Enabled: no',
      '',
      'Types: deb-src deb',
      'URIs: http://mirror.example/debian/ http://second.example/debian',
      'Suites: bookworm bookworm-updates',
      '',
      'Types: deb',
      'URIs: http://mirror.example/debian-security',
      'Suites: bookworm-security',
      '',
    ].join('\n'),
    'sources.list.d/b.list': 'deb [ arch=amd64 signed-by=/k.gpg ] http://later.example/debian bookworm main\n',
    'sources.list.d/c.list.disabled': 'deb http://not-read.example/debian bookworm main\n',
  });
  const r = await lib('apt_source_uris; echo "mirror $(debian_mirror)"; debian_security_mirror "$(debian_mirror)"', {
    DP_APT_DIR: dir,
  });
  t.equal(r.exitCode, 0, r.stderr);
  t.same(r.stdout.split('\n'), [
    'https://snapshot.debian.org/archive/debian/20250520T000000Z',
    'http://mirror.example/debian',
    'http://second.example/debian',
    'http://mirror.example/debian-security',
    'http://later.example/debian',
    'mirror http://mirror.example/debian',
    'http://mirror.example/debian-security',
  ]);
});

t.test('debian_mirror: a one-line source with options in brackets', async (t) => {
  const dir = aptDir(t, { 'sources.list': 'deb [arch=amd64] http://ftp.de.debian.org/debian/ bookworm main\n' });
  const r = await lib('debian_mirror; debian_security_mirror "$(debian_mirror)"', { DP_APT_DIR: dir });
  t.same(r.stdout.split('\n'), ['http://ftp.de.debian.org/debian', 'http://ftp.de.debian.org/debian-security']);
});

t.test('debian_mirror: deb.debian.org where the sources name no Debian archive (Ubuntu, none)', async (t) => {
  const ubuntu = aptDir(t, { 'sources.list': 'deb http://archive.ubuntu.com/ubuntu jammy main\n' });
  const empty = aptDir(t, {});
  for (const dir of [ubuntu, empty]) {
    const r = await lib('debian_mirror; debian_security_mirror "$(debian_mirror)"', { DP_APT_DIR: dir });
    t.same(r.stdout.split('\n'), ['http://deb.debian.org/debian', 'http://deb.debian.org/debian-security'], dir);
  }
});

t.test('tap_counts: pass and fail of the last summary line; status 1 without one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-tap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'two'), 'ok 1\n# { total: 3, pass: 3 }\nmore\n# { total: 12, pass: 9, fail: 2, skip: 1 }\n');
  writeFileSync(join(dir, 'green'), '# { total: 5, pass: 5 }\n');
  writeFileSync(join(dir, 'none'), 'not ok 1 - crashed\n');
  t.equal((await lib(`tap_counts ${dir}/two`)).stdout, '9 2');
  t.equal((await lib(`tap_counts ${dir}/green`)).stdout, '5 0');
  const none = await lib(`tap_counts ${dir}/none`);
  t.same([none.exitCode, none.stdout], [1, '']);
});

t.test('wait_until: 0 once the command succeeds, 1 when the time is up, 2 when the command gives up', async (t) => {
  const third = await lib('n=0; third() { n=$((n + 1)); [ "$n" -ge 3 ]; }; wait_until 30 0 third; echo "tries $n"');
  t.same([third.exitCode, third.stdout], [0, 'tries 3']);
  const never = await lib('wait_until 0 0 false || echo "status $?"');
  t.equal(never.stdout, 'status 1');
  const stop = await lib(
    'n=0; stop() { n=$((n + 1)); return "$DP_STOP_WAITING"; }; wait_until 30 0 stop || echo "status $? tries $n"',
  );
  t.equal(stop.stdout, 'status 2 tries 1');
});

t.test('retry: stops at the first success; after the last attempt, its status', async (t) => {
  const second = await lib('n=0; second() { n=$((n + 1)); [ "$n" -ge 2 ]; }; retry 5 0 second; echo "tries $n"');
  t.same([second.exitCode, second.stdout], [0, 'tries 2']);
  t.match(second.stderr, /test: attempt 1 of 5 failed \(exit 1\): second/);
  const never = await lib('n=0; never() { n=$((n + 1)); return 7; }; retry 3 0 never || echo "status $? tries $n"');
  t.equal(never.stdout, 'status 7 tries 3');
});

t.test('die: the message on stderr as "NAME: …", exit DP_DIE_STATUS', async (t) => {
  const r = await lib('DP_DIE_STATUS=3; die "no engine"; echo unreachable');
  t.same([r.exitCode, r.stdout, r.stderr], [3, '', 'test: no engine']);
});

t.test(
  'host_apt_install: its lock is free once it returns, for a daemon started next and for other scripts',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-apt-lock-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'apt-get'), '#!/bin/sh\necho "apt-get $*"\n', { mode: 0o755 });
    const env = { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DP_LOCK_DIR: join(dir, 'locks') };
    // As ensure-docker.sh does: install, then a daemon in the background. flock -n opens the file anew, as another
    // script's lock does: it fails while any process holds the lock.
    const r = await lib(
      `host_apt_install "${dir}/apt.log" debootstrap; sleep 5 & daemon=$!; ` +
        `if flock -n "${dir}/locks/.lock-host-apt" true; then echo free; else echo held; fi; kill "$daemon"`,
      env,
    );
    t.same([r.exitCode, r.stdout], [0, 'free'], r.stderr);
    // An install that fails still ends the caller, as die does, with the log's tail.
    writeFileSync(
      join(dir, 'bin', 'apt-get'),
      '#!/bin/sh\n[ "$1" = update ] || { echo "E: Unable to locate package" >&2; exit 100; }\n',
      {
        mode: 0o755,
      },
    );
    const failed = await lib(`DP_DIE_STATUS=4; host_apt_install "${dir}/apt.log" nosuch; echo unreachable`, env);
    t.same([failed.exitCode, failed.stdout], [4, '']);
    t.match(failed.stderr, /cannot install nosuch[\s\S]*E: Unable to locate package/);
  },
);
