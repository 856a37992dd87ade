import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import type { RunResult } from '../../src/run-result.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import type { WatchEvent } from '../../src/watch/watch-event.js';
import {
  BIN,
  cli,
  cliJson,
  containersLabelled,
  killOnTeardown,
  plainConnect,
  runtime,
  serviceContainers,
  type TestLike,
  upReferenceAndBroken,
} from './helpers.js';
import { chaosArgs } from './chaos-args.js';

// Rootless Docker (docs/engines.md): the reference topology and its broken twin on a rootless engine, each verdict
// set beside what a plain connection between the same places shows; the perspectives that cannot be right there
// refused with their reason and nothing started (`from: lan`, `drill --from lan`, the firewall and engine-restart
// faults); `from: host` run from the host's own namespace and refused from RootlessKit's; a watch's firewall reading
// seen only from RootlessKit's namespace. Runs where `docker info` says `name=rootless` (`scripts/engine.sh up
// rootless`, then this file in that engine's namespace, which stands for the host).

t.setTimeout(300_000);

const engine = await runtime.system.info();
if (!engine.rootless) t.plan(0, 'needs a rootless engine (docker info: name=rootless): scripts/engine.sh up rootless');
else {
  const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-rootless-'));
  t.teardown(() => rm(tmp, { recursive: true, force: true }));
  const { reference, broken } = await upReferenceAndBroken(t, 'dptest-rootless');
  const dockprobeRuns = async () => (await containersLabelled('dockprobe.run')).map((c) => c.id).sort();
  const verdict = (report: RunResult | undefined, source: string, target: string) =>
    report?.verdicts.find((v) => v.source === source && v.target === target);
  /** A plain TCP connection from inside `container` (the probe image has node): `open`, or how it failed. */
  const plainFrom = async (container: string, host: string, port: number) => {
    const script =
      "const s=require('net').connect({host:process.argv[1],port:+process.argv[2]});s.setTimeout(3000,()=>{console.log('timeout');process.exit()});s.on('connect',()=>{console.log('open');process.exit()});s.on('error',(e)=>{console.log(e.code);process.exit()})";
    const out = await execa('docker', ['exec', container, 'node', '-e', script, host, String(port)], {
      reject: false,
      timeout: 20_000,
    });
    return String(out.stdout).trim() || `no answer (${String(out.stderr).trim()})`;
  };
  const addressOn = async (project: string, service: string, network: string) => {
    const [c] = await serviceContainers(project, service);
    return { name: c!.name, address: c!.networks.find((n) => n.networkName.endsWith(network))!.ipv4! };
  };

  t.test('the reference passes and its twin fails on its leaks, as plain connections between them show', async (t) => {
    const ok = await cliJson(['test', 'scenarios/reference.yml', '--project', reference]);
    t.equal(ok.exitCode, 0, ok.stderr);
    t.same(ok.report!.summary, { total: 10, pass: 10, fail: 0, inconclusive: 0 });
    t.equal(ok.report!.engine.rootless, true, 'the report says rootless');
    t.match(ok.stderr, /^dockprobe: engine [^ ]+ \(API [\d.]+(, firewall \w+)?, rootless\) at unix:\/\/\S+ \(local\)/m);

    const bad = await cliJson(['test', 'scenarios/reference.yml', '--project', broken]);
    t.equal(bad.exitCode, 1, bad.stderr);
    const leak = verdict(bad.report, 'network public-facing', 'postgres:5432');
    t.equal(leak?.status, 'fail', 'the public zone reaches the database in the twin');
    t.equal(verdict(ok.report, 'network public-facing', 'postgres:5432')?.status, 'pass');

    // The oracle: from the proxy (on public-facing), a plain connection to the database's address.
    const [proxy] = await serviceContainers(reference, 'proxy');
    const kept = await addressOn(reference, 'postgres', 'internal-backend');
    t.not(await plainFrom(proxy!.name, kept.address, 5432), 'open', 'reference: the database does not answer');
    const [twinProxy] = await serviceContainers(broken, 'proxy');
    const leaked = await addressOn(broken, 'postgres', 'public-facing');
    t.equal(await plainFrom(twinProxy!.name, leaked.address, 5432), 'open', 'twin: the database answers');
  });

  t.test(
    'from: host knocks through RootlessKit’s port driver, as a plain connection from this host does',
    async (t) => {
      const file = join(tmp, 'host.yml');
      const host = (project: string) =>
        `project: ${project}\ntimeout: 1s\nexpect:\n  - from: host\n    to: [proxy:8080]\n    reachable: true\n  - from: host\n    to: [postgres:5432, redis:6379]\n    reachable: false\n`;
      await writeFile(file, host(reference));
      const ok = await cliJson(['test', file]);
      t.equal(ok.exitCode, 0, ok.stderr);
      const [proxy] = await serviceContainers(reference, 'proxy');
      const binding = proxy!.ports.find((p) => p.port === 8080)!.published[0]!;
      t.equal(binding.hostIp, '127.0.0.1');
      t.equal(await plainConnect('127.0.0.1', binding.hostPort), 'open', 'RootlessKit listens on the host');
      t.match(verdict(ok.report, 'host', 'proxy:8080')?.observed, /^open 127\.0\.0\.1:\d+; 127\.0\.0\.1:\d+ only$/);

      await writeFile(file, host(broken));
      const bad = await cliJson(['test', file]);
      t.equal(bad.exitCode, 1, bad.stderr);
      const [postgres] = await serviceContainers(broken, 'postgres');
      const everywhere = postgres!.ports.find((p) => p.port === 5432)!.published.find((b) => b.hostIp === '0.0.0.0')!;
      t.equal(await plainConnect('127.0.0.1', everywhere.hostPort), 'open', 'published on all interfaces: it answers');
      const cell = verdict(bad.report, 'host', 'postgres:5432')!;
      t.equal(cell.status, 'fail');
      t.match(cell.reason, /published on all interfaces \(0\.0\.0\.0:\d+\).*and it answers/);

      // What makes `from: lan` meaningless here: this host has no route to a container's address (nothing is sent).
      const kept = await addressOn(reference, 'proxy', 'public-facing');
      const route = await execa('ip', ['route', 'get', kept.address], { reject: false, timeout: 10_000 });
      t.not(route.exitCode, 0, `no route from the host to ${kept.address}: ${String(route.stderr).trim()}`);
    },
  );

  t.test('refused with their reason, nothing started: from: lan, drill --from lan, the host faults', async (t) => {
    const before = await dockprobeRuns();
    const file = join(tmp, 'lan.yml');
    await writeFile(
      file,
      `project: ${reference}\nexpect:\n  - name: the LAN cannot reach the proxy\n    from: lan\n    to: [proxy:8080]\n    reachable: false\n`,
    );
    const lan = await cli(['test', file]);
    t.equal(lan.exitCode, 2, lan.stderr);
    t.match(
      lan.stderr,
      /lan\.yml:3:5: 'the LAN cannot reach the proxy': from: lan makes a LAN neighbour beside the engine's host .* is rootless: its bridges and container addresses live in RootlessKit's network namespace/,
    );
    t.match(lan.stderr, /`from: host` knocks on them instead/);

    const drill = await cli(['drill', '--from', 'lan', '--project', reference]);
    t.equal(drill.exitCode, 2, drill.stderr);
    t.match(drill.stderr, /from lan makes a LAN neighbour .* is rootless/);

    const firewall = await cli([...chaosArgs(reference, 'reload-firewall'), '--yes']);
    t.equal(firewall.exitCode, 2, firewall.stderr);
    t.match(firewall.stderr, /--fault reload-firewall: the engine at \S+ is rootless: its rules live in RootlessKit's/);
    const restart = await cli([
      ...chaosArgs(reference, 'restart-engine'),
      '--yes',
      '--engine-restart-command',
      'false',
    ]);
    t.equal(restart.exitCode, 2, restart.stderr);
    t.match(
      restart.stderr,
      /--fault restart-engine: the engine at \S+ is rootless: restarting it restarts RootlessKit/,
    );
    t.same(await dockprobeRuns(), before, 'nothing was started');
  });

  // RootlessKit's own namespace: found through engine.sh's state dir (its child_pid, a pid of the engine container).
  const suite = process.env.DOCKPROBE_ENGINE_SUITE;
  const childPid = suite === 'rootless' ? await rootlessKitChild(process.env.DOCKPROBE_ENGINE_PID) : undefined;
  t.test(
    "RootlessKit's namespace: from: host refused there; the engine's rules are there, not here",
    { skip: childPid ? false : "needs engine.sh's rootless engine (its RootlessKit child's pid)" },
    async (t) => {
      const inKit = (args: string[]) =>
        execa('nsenter', ['-t', String(childPid), '-n', '--', ...args], {
          reject: false,
          timeout: 120_000,
          cwd: PACKAGE_ROOT,
          env: { ...process.env, NO_COLOR: '1' },
        });
      const file = join(tmp, 'host-in-kit.yml');
      await writeFile(
        file,
        `project: ${reference}\nexpect:\n  - from: host\n    to: [proxy:8080]\n    reachable: true\n`,
      );
      const before = await dockprobeRuns();
      const there = await inKit([process.execPath, BIN, 'test', file]);
      t.equal(there.exitCode, 2, String(there.stderr));
      t.match(
        String(there.stderr),
        /dockprobe runs in RootlessKit's network namespace \(it holds the deployment's bridge br-[0-9a-f]{12}\), where a knock goes past the port driver/,
      );
      t.same(await dockprobeRuns(), before, 'nothing was started');

      const bridge = (await runtime.networks.list()).find((n) => n.name === `${reference}_public-facing`)!;
      const name = `br-${bridge.id.slice(0, 12)}`;
      t.match(String((await inKit(['iptables-save'])).stdout), name, "the engine's rules, in RootlessKit's namespace");
      const here = await execa('iptables-save', [], { reject: false, timeout: 10_000 });
      t.notMatch(String(here.stdout), name, "none of them in the host's");

      const fromHost = await watchStart(t, []);
      t.equal(fromHost.visible, false);
      t.match(fromHost.detail, /is rootless: its rules live in RootlessKit's network namespace.*nsenter -U/);
      const fromKit = await watchStart(t, ['nsenter', '-t', String(childPid), '-n', '--']);
      t.same(fromKit, { visible: true, detail: fromKit.detail }, `from RootlessKit's namespace: ${fromKit.detail}`);
    },
  );

  // Last: it restarts the engine. Why restart-engine is refused on a rootless engine: its containers stop with it.
  t.test(
    'with live-restore on, a restart of the rootless engine stops its containers (a rootful one keeps them)',
    {
      skip:
        suite === 'rootless' && engine.liveRestore === true
          ? false
          : "needs engine.sh's rootless engine with live-restore on (DOCKPROBE_ENGINE_LIVE_RESTORE=1 at up)",
    },
    async (t) => {
      const [proxy] = await serviceContainers(reference, 'proxy');
      const before = await runtime.containers.inspect(proxy!.id);
      t.equal(before?.state, 'running');
      const restart = await execa('bash', [join(PACKAGE_ROOT, 'scripts', 'engine.sh'), 'restart-dockerd', 'rootless'], {
        reject: false,
        timeout: 180_000,
      });
      t.equal(restart.exitCode, 0, String(restart.stderr));
      t.equal((await runtime.system.info()).liveRestore, true, 'live-restore still on');
      t.not((await runtime.containers.inspect(proxy!.id))?.state, 'running', 'the proxy stopped with RootlessKit');
    },
  );

  /** A watch's start line (its firewall reading), started with `prefix` (nsenter …), then stopped. */
  async function watchStart(tt: TestLike, prefix: string[]): Promise<{ visible: boolean; detail: string }> {
    const argv = [process.execPath, BIN, 'watch', 'scenarios/reference.yml', '--project', reference, '-f', 'json'];
    const [command, ...args] = [...prefix, ...argv];
    const child = spawn(command!, args, {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    }) as ChildProcessWithoutNullStreams;
    killOnTeardown(tt, child);
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const started = await new Promise<WatchEvent | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 120_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('"event":"started"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as WatchEvent);
        }
      });
      child.on('exit', () => resolve(undefined));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    if (started?.event !== 'started') throw new Error(`the watch did not start: ${err}`);
    return started.firewall;
  }
}

/**
 * The host pid of RootlessKit's child (the process whose network namespace holds the rootless engine's bridges):
 * engine.sh's state dir has its `child_pid`, a pid in the engine container's pid namespace, mapped here through each
 * process's `NSpid`.
 */
async function rootlessKitChild(enginePid: string | undefined): Promise<number | undefined> {
  if (!enginePid) return undefined;
  const dir = await execa('bash', [join(PACKAGE_ROOT, 'scripts', 'engine.sh'), 'dir', 'rootless'], {
    reject: false,
    timeout: 30_000,
  });
  const inContainer = Number(
    (
      await readFile(join(String(dir.stdout).trim(), 'run', 'dockerd-rootless', 'child_pid'), 'utf8').catch(() => '')
    ).trim(),
  );
  if (!inContainer) return undefined;
  const pidNs = await readlink(`/proc/${enginePid}/ns/pid`).catch(() => undefined);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if ((await readlink(`/proc/${entry}/ns/pid`).catch(() => undefined)) !== pidNs) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const nspid = /^NSpid:\s*(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    if (nspid && Number(nspid[nspid.length - 1]) === inContainer) return Number(entry);
  }
  return undefined;
}
