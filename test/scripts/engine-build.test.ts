import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { PACKAGE_ROOT } from '../../src/package-paths.js';

// scripts/engine.sh's build of an engine's rootfs: where the rootless rootfs starts from (a copy of trixie's when
// that is built, else debootstrap), that trixie's is only read, and that `build` starts nothing. Every command that
// would reach the network, the host's engine or a chroot is a stub that records its call.

const ENGINE_SH = join(PACKAGE_ROOT, 'scripts/engine.sh');
const isRoot = process.getuid?.() === 0;

const STUBS: Record<string, string> = {
  // What debootstrap leaves that the rest of the build writes into.
  debootstrap: 'mkdir -p "$3/etc/apt" "$3/usr/sbin" "$3/usr/local/sbin" "$3/proc"; echo debootstrapped >"$3/origin"',
  chroot: 'exit 0',
  mount: 'exit 0',
  mountpoint: 'exit 1',
  'dpkg-query': 'exit 0',
  docker: [
    'args="$*"',
    'case "$args" in',
    '  "compose version --short"*) echo 2.26.1 ;;',
    '  "compose version"*) echo "Docker Compose version v2.26.1" ;;',
    '  "image inspect"*) [ -e "$STUB_DIR/imported" ] || exit 1; echo sha256:feed ;;',
    '  import*) cat >/dev/null; touch "$STUB_DIR/imported"; echo sha256:feed ;;',
    '  "container inspect"*) exit 1 ;;',
    '  "ps "*) ;;',
    '  "run "*) echo c0ffee ;;',
    '  "inspect -f {{.State.Running}} c0ffee") echo true ;;',
    '  "inspect -f {{.State.Pid}} c0ffee") echo 4242 ;;',
    '  version*) echo "server 26.1.5" ;;',
    '  *) ;;',
    'esac',
  ].join('\n'),
};

interface Machine {
  base: string;
  calls: () => string[];
  run: (...args: string[]) => Promise<{ exitCode: number | undefined; stderr: string }>;
}

/** An engines dir and stubbed commands; `trixie` adds a trixie rootfs, marked built unless 'unfinished'. */
function machine(t: Test, trixie?: 'built' | 'unfinished'): Machine {
  const dir = mkdtempSync(join(tmpdir(), 'dp-eng-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const base = join(dir, 'e');
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls');
  mkdirSync(bin);
  writeFileSync(log, '');
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >>"$STUB_DIR/calls"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const plugin = join(base, 'compose-v2/cli-plugins');
  mkdirSync(plugin, { recursive: true });
  writeFileSync(join(plugin, 'docker-compose'), '');
  chmodSync(join(plugin, 'docker-compose'), 0o755);
  if (trixie) {
    const rootfs = join(base, 'trixie/rootfs');
    for (const d of ['etc/apt', 'usr/sbin', 'usr/local/sbin', 'proc']) mkdirSync(join(rootfs, d), { recursive: true });
    writeFileSync(join(rootfs, 'origin'), 'trixie\n');
    writeFileSync(join(base, 'trixie/.bootstrapped'), '');
    if (trixie === 'built') writeFileSync(join(base, 'trixie/.installed'), '');
  }
  return {
    base,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    run: async (...args) => {
      const r = await execa('bash', [ENGINE_SH, ...args], {
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          STUB_DIR: dir,
          DOCKPROBE_ENGINES_DIR: base,
          DOCKPROBE_DEBIAN_MIRROR: 'http://mirror.invalid/debian',
          DOCKPROBE_ENGINE_WAIT: '5',
        },
        extendEnv: false,
        reject: false,
        timeout: 30_000,
      });
      return { exitCode: r.exitCode, stderr: r.stderr };
    },
  };
}

const origin = (m: Machine, suite: string) => readFileSync(join(m.base, suite, 'rootfs/origin'), 'utf8').trim();

t.test('engine.sh builds rootfs (it runs as root)', { skip: isRoot ? false : 'not root' }, async (t) => {
  t.test("up rootless starts from a copy of trixie's built rootfs, which it leaves as it was", async (t) => {
    const m = machine(t, 'built');
    const r = await m.run('up', 'rootless');
    t.equal(r.exitCode, 0, 'exits 0', { stderr: r.stderr });
    t.equal(origin(m, 'rootless'), 'trixie', 'the rootless rootfs is the copy');
    t.notOk(
      m.calls().some((c) => c.startsWith('debootstrap')),
      'no debootstrap',
    );
    t.ok(
      m.calls().some((c) => c.startsWith('chroot')),
      "its own packages are installed in the copy's chroot",
    );
    t.match(readFileSync(join(m.base, 'rootless/build.log'), 'utf8'), /^copy of .*\/trixie\/rootfs/);
    t.ok(existsSync(join(m.base, 'rootless/rootfs/etc/apt/sources.list')), "the copy's sources are written");
    t.notOk(existsSync(join(m.base, 'trixie/rootfs/etc/apt/sources.list')), "trixie's rootfs is not written");
    t.notOk(existsSync(join(m.base, 'trixie/rootfs/usr/local/sbin/dockprobe-engine-init')), 'nor its init');
    t.ok(existsSync(join(m.base, 'rootless/.installed')));
  });

  t.test("debootstrap while trixie's rootfs is not built, or not there", async (t) => {
    for (const trixie of ['unfinished', undefined] as const) {
      const m = machine(t, trixie);
      const r = await m.run('up', 'rootless');
      t.equal(r.exitCode, 0, 'exits 0', { stderr: r.stderr });
      t.equal(origin(m, 'rootless'), 'debootstrapped', `trixie ${trixie ?? 'absent'}`);
    }
  });

  t.test('a built rootfs is kept: it is neither copied nor bootstrapped again', async (t) => {
    const m = machine(t);
    t.equal((await m.run('up', 'rootless')).exitCode, 0);
    mkdirSync(join(m.base, 'trixie/rootfs'), { recursive: true });
    writeFileSync(join(m.base, 'trixie/rootfs/origin'), 'trixie\n');
    writeFileSync(join(m.base, 'trixie/.installed'), '');
    t.equal((await m.run('up', 'rootless')).exitCode, 0);
    t.equal(origin(m, 'rootless'), 'debootstrapped');
    t.equal(m.calls().filter((c) => c.startsWith('debootstrap')).length, 1);
  });

  t.test('trixie and the other suites are debootstrapped as before', async (t) => {
    const m = machine(t);
    t.equal((await m.run('up', 'trixie')).exitCode, 0);
    t.equal(origin(m, 'trixie'), 'debootstrapped');
  });

  t.test('build makes the rootfs and the image and starts nothing', async (t) => {
    const m = machine(t, 'built');
    const r = await m.run('build', 'rootless');
    t.equal(r.exitCode, 0, 'exits 0', { stderr: r.stderr });
    t.ok(existsSync(join(m.base, 'rootless/.installed')));
    t.ok(
      m.calls().some((c) => c.startsWith('docker import')),
      'the image is imported',
    );
    t.notOk(
      m.calls().some((c) => c.startsWith('docker run')),
      'no container is started',
    );
  });
});
