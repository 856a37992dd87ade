import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import { currentProbeImageTag } from '../../src/image/probe-image.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import type { RunResult } from '../../src/run-result.js';

// Remote engines: an engine of its own (engine.sh's trixie, instance `remote`) whose dockerd also listens on TCP with
// TLS (certificates made here with openssl), reached from a network namespace of this file's own, joined to the
// engine's by a veth pair: to dockprobe there, the engine's host is another machine. The reference topology is
// tested through DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH and through a Docker context the
// docker CLI made; its broken twin fails; `from: host` and `from: lan` are refused at the scenario's file:line:col;
// the probe image is built through the API over TLS (no registry). The reference topology passes through
// DOCKER_HOST=ssh:// too, to an ssh server of this file's own in the engine's namespace. From the engine's own
// namespace, TLS on loopback is local and `from: host` runs. Nothing here leaves the two namespaces.

const ENGINE_SH = join(PACKAGE_ROOT, 'scripts', 'engine.sh');
// Addresses of the veth pair this file makes between its two namespaces; no other interface has them.
const ENGINE_ADDRESS = '10.250.23.1';
const CLIENT_ADDRESS = '10.250.23.2';
const REMOTE = `tcp://${ENGINE_ADDRESS}:2376`;

async function why(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (an engine of its own, network namespaces)';
  for (const [tool, args] of [
    ['openssl', ['version']],
    ['unshare', ['--version']],
    ['ip', ['-V']],
    ['docker', ['--version']],
  ] as const)
    if ((await execa(tool, args, { reject: false })).failed) return `needs ${tool}`;
  for (const tool of ['ssh-keygen', 'ssh-agent', 'ssh-add'])
    if ((await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).failed) return `needs ${tool}`;
  return undefined;
}

const missing = await why();
if (missing) t.plan(0, `remote engines: ${missing}`);
else await main();

async function main(): Promise<void> {
  // Bringing up the engine (a rootfs to build on a fresh machine) and the two topologies take minutes.
  t.setTimeout(900_000);

  const engineEnv = { ...process.env, DOCKPROBE_ENGINE_INSTANCE: 'remote' };
  const engineSh = (args: string[], env: Record<string, string> = {}) =>
    execa('bash', [ENGINE_SH, ...args], { env: { ...engineEnv, ...env }, timeout: 1_500_000 });

  // Certificates in a directory under the engine's state dir, which its container sees at the same path.
  const stateDir = (await engineSh(['dir', 'trixie'])).stdout.trim();
  const tls = await mkdtemp(join(stateDir, 'tls-'));
  t.teardown(() => rm(tls, { recursive: true, force: true }));
  await makeCertificates(tls);
  const flags = [
    '--host tcp://0.0.0.0:2376 --tlsverify',
    `--tlscacert ${tls}/ca.pem --tlscert ${tls}/server-cert.pem --tlskey ${tls}/server-key.pem`,
  ].join(' ');
  t.teardown(async () => {
    await engineSh(['down', 'trixie']).catch((e: unknown) => t.comment(`warning: engine down: ${String(e)}`));
  });
  await engineSh(['up', 'trixie'], { DOCKPROBE_ENGINE_DOCKERD_FLAGS: flags });
  const env = Object.fromEntries(
    [...(await engineSh(['env', 'trixie'])).stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const enginePid = env['DOCKPROBE_ENGINE_PID']!;
  const socket = env['DOCKER_HOST']!;

  // The engine is this file's alone: what a run of it that was killed left there goes first.
  const inner = (args: string[]) =>
    execa('docker', args, { env: { ...engineEnv, DOCKER_HOST: socket }, extendEnv: false, timeout: 120_000 });
  const left = (await inner(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (left.length > 0) await inner(['rm', '-f', ...left]);
  await inner(['network', 'prune', '-f']);

  // The client's network namespace: a process that holds it, and a veth pair into the engine's.
  const holder: ChildProcess = spawn('unshare', ['--net', 'sleep', '3600'], { stdio: 'ignore' });
  t.teardown(() => {
    holder.kill('SIGKILL');
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const clientPid = String(holder.pid);
  const id = String(process.pid % 100000);
  const ns = (pid: string, command: string) => execa('nsenter', ['-t', pid, '-n', 'sh', '-ec', command]);
  await ns(clientPid, `ip link set lo up; ip link add dprc${id} type veth peer name dpre${id} netns ${enginePid}`);
  await ns(clientPid, `ip addr add ${CLIENT_ADDRESS}/30 dev dprc${id}; ip link set dprc${id} up`);
  await ns(enginePid, `ip addr add ${ENGINE_ADDRESS}/30 dev dpre${id}; ip link set dpre${id} up`);

  // The integration helpers talk to the engine through its socket (setting up, tearing down, looking for leftovers):
  // they read DOCKER_HOST when they are loaded.
  process.env['DOCKER_HOST'] = socket;
  process.env['DOCKER_CONFIG'] = env['DOCKER_CONFIG']!;
  const { BIN, containersLabelled, projectName, runtime, teardown, upProject } = await import('./helpers.js');

  // Only what each case names reaches the CLI: no DOCKER_HOST, TLS or context but its own.
  const CLEAN = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^DOCKER_(HOST|TLS|TLS_VERIFY|CERT_PATH|CONTEXT|CONFIG)$/.test(k) && k !== 'DOCKPROBE_ENGINE_PID',
    ),
  ) as Record<string, string>;
  const overTls = { DOCKER_HOST: REMOTE, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls };

  /** The CLI in a network namespace (`pid`'s), with exactly `vars` besides the clean environment. */
  async function cliIn(pid: string, args: string[], vars: Record<string, string>) {
    const r = await execa('nsenter', ['-t', pid, '-n', '--', process.execPath, BIN, ...args], {
      env: { ...CLEAN, NO_COLOR: '1', ...vars },
      extendEnv: false,
      reject: false,
      timeout: 240_000,
      cwd: PACKAGE_ROOT,
    });
    let report: RunResult | undefined;
    try {
      report = JSON.parse(String(r.stdout)) as RunResult;
    } catch {
      report = undefined;
    }
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), report };
  }
  /** The reference scenario from the client's namespace against `project`, as JSON. */
  const testReference = (project: string, vars: Record<string, string>) =>
    cliIn(clientPid, ['test', 'scenarios/reference.yml', '--project', project, '--format', 'json'], vars);
  const dockprobeRuns = async () => (await containersLabelled('dockprobe.run')).map((c) => c.id).sort();

  // Before the topologies, which need the image: it is there only if this built it.
  await t.test('the probe image is built on the remote engine through its API over TLS: no registry', async (t) => {
    const tag = await currentProbeImageTag();
    if (await runtime.images.exists(tag)) await runtime.images.remove(tag);
    const { exitCode, stderr } = await cliIn(clientPid, ['image', 'build'], overTls);
    t.equal(exitCode, 0, stderr);
    t.ok(await runtime.images.exists(tag), `${tag} is on the remote engine`);
  });

  // The topologies are set up in a subtest: tap ends a root test left idle while it awaits between subtests.
  await t.test('the reference topology and its broken twin on the remote engine', async (t) => {
    const reference = projectName('dpremote-ref');
    const broken = projectName('dpremote-broken');
    const [downReference, downBroken] = await Promise.all([
      upProject('docker-compose.test.yml', reference),
      upProject('docker-compose.broken.yml', broken),
    ]);
    teardown(t, `tear down ${reference}`, downReference);
    teardown(t, `tear down ${broken}`, downBroken);

    t.test('DOCKER_HOST=tcp:// with TLS: the reference topology passes, the engine named remote', async (t) => {
      const { exitCode, stderr, report } = await testReference(reference, overTls);
      t.equal(exitCode, 0, stderr);
      t.same(report!.summary, { total: 10, pass: 10, fail: 0, inconclusive: 0 });
      t.match(report!.engine, { endpoint: REMOTE, remote: true });
      t.notOk('context' in report!.engine);
      t.match(
        stderr.split('\n')[0],
        /^dockprobe: engine 26\.\S+ \(API [\d.]+\) at tcp:\/\/10\.250\.23\.1:2376 \(remote\); Compose/,
      );
      t.ok(
        report!.probes.every((p) => p.control.dns && p.control.reach),
        'every probe passed its controls',
      );
      t.same(await containersLabelled(`dockprobe.run=${report!.runId}`), [], 'no container of the run is left');
    });

    t.test('the broken twin fails through the remote engine, naming each leaked pair', async (t) => {
      const { exitCode, stderr, report } = await testReference(broken, overTls);
      t.equal(exitCode, 1, stderr);
      t.same(
        report!.verdicts
          .filter((v) => v.status === 'fail')
          .map((v) => `${v.source} → ${v.target} ${v.code}`)
          .sort(),
        ['network public-facing → postgres:5432 reached', 'network public-facing → redis:6379 reached'],
      );
      t.equal(report!.summary.inconclusive, 0);
    });

    t.test('a Docker context made by the docker CLI: its endpoint and TLS material, the context named', async (t) => {
      const config = await mkdtemp(join(tmpdir(), 'dockprobe-context-'));
      t.teardown(() => rm(config, { recursive: true, force: true }));
      const docker = (args: string[]) =>
        execa('docker', args, { env: { ...CLEAN, DOCKER_CONFIG: config }, extendEnv: false, timeout: 30_000 });
      await docker([
        'context',
        'create',
        'dp-remote',
        '--docker',
        `host=${REMOTE},ca=${tls}/ca.pem,cert=${tls}/cert.pem,key=${tls}/key.pem`,
      ]);
      await docker(['context', 'use', 'dp-remote']);
      const { exitCode, stderr, report } = await testReference(reference, { DOCKER_CONFIG: config });
      t.equal(exitCode, 0, stderr);
      t.same(report!.summary, { total: 10, pass: 10, fail: 0, inconclusive: 0 });
      t.match(report!.engine, { endpoint: REMOTE, remote: true, context: 'dp-remote' });
      t.match(stderr.split('\n')[0], /at tcp:\/\/10\.250\.23\.1:2376 \(remote, context dp-remote\)/);

      const gone = await cliIn(clientPid, ['test', 'scenarios/reference.yml', '--project', reference], {
        DOCKER_CONFIG: config,
        DOCKER_CONTEXT: 'no-such-context',
      });
      t.equal(gone.exitCode, 2, gone.stderr);
      t.match(gone.stderr, /Docker context 'no-such-context' \(DOCKER_CONTEXT\) does not exist/);
    });

    t.test(
      'from: host and from: lan are refused on the remote engine at their file:line:col, before any probe',
      async (t) => {
        const before = await dockprobeRuns();
        const { exitCode, stderr } = await cliIn(
          clientPid,
          ['test', 'scenarios/perspectives.yml', '--project', reference],
          overTls,
        );
        t.equal(exitCode, 2, stderr);
        const lines = (await readFile(join(PACKAGE_ROOT, 'scenarios/perspectives.yml'), 'utf8')).split('\n');
        // Each problem sits at its entry's `- name:` line, the one above its `from: host` (0-based index = 1-based line).
        const hostLines = lines.flatMap((l, i) => (/^\s+from: host$/.test(l) ? [i] : []));
        t.ok(hostLines.length > 0, 'perspectives.yml has from: host');
        for (const line of hostLines)
          t.match(stderr, new RegExp(`scenarios/perspectives\\.yml:${line}:5: '[^']+': from: host runs its checks`));
        t.match(stderr, /the engine at tcp:\/\/10\.250\.23\.1:2376 \(remote\) runs on another host/);
        t.match(stderr, /hint: run these expectations on the engine's host: .*dockprobe image build-self/);
        t.notMatch(stderr, /stack|at .*\.js:\d+/, 'no stack trace');

        const lan = await cliIn(clientPid, ['drill', '--from', 'lan', '--project', reference], overTls);
        t.equal(lan.exitCode, 2, lan.stderr);
        t.match(lan.stderr, /from lan makes a LAN neighbour beside the engine's host/);
        t.same(await dockprobeRuns(), before, 'nothing was started');
      },
    );

    t.test(
      'DOCKER_HOST=ssh://: the host key is checked, and the reference topology passes over ssh, keys from the agent',
      async (t) => {
        // No sshd in the engine's container: a server of this file's own (ssh2, dockerode's) in the engine's
        // namespace does what the docker CLI does there for an ssh client, `docker system dial-stdio`.
        const dir = await mkdtemp(join(tmpdir(), 'dockprobe-ssh-'));
        t.teardown(() => rm(dir, { recursive: true, force: true }));
        for (const key of ['client', 'host'])
          await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `dp-${key}`, '-f', join(dir, key)]);
        const agentSocket = join(dir, 'agent.sock');
        const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
        t.teardown(() => {
          agent.kill();
        });
        const server = spawn(
          'nsenter',
          [
            '-t',
            enginePid,
            '-n',
            process.execPath,
            join(PACKAGE_ROOT, 'test/fixtures/ssh-dial-stdio.mjs'),
            ENGINE_ADDRESS,
            '2222',
            socket.replace(/^unix:\/\//, ''),
            join(dir, 'host'),
            join(dir, 'client.pub'),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        t.teardown(() => {
          server.kill();
        });
        await new Promise((resolve, reject) => {
          server.stdout!.once('data', resolve);
          server.once('exit', (code) => reject(new Error(`the ssh server exited (${code})`)));
        });
        for (let i = 0; i < 100 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50));
        await execa('ssh-add', ['-q', join(dir, 'client')], { env: { SSH_AUTH_SOCK: agentSocket }, timeout: 10_000 });

        // The server's host key is checked against known_hosts before any call: unknown and changed keys are refused.
        const knownHosts = join(dir, 'known_hosts');
        const hostLine = (file: string) => readFile(file, 'utf8').then((k) => k.split(' ').slice(0, 2).join(' '));
        const asSsh = { DOCKER_HOST: `ssh://root@${ENGINE_ADDRESS}:2222`, SSH_AUTH_SOCK: agentSocket };
        await writeFile(knownHosts, '');
        const before = await dockprobeRuns();
        const unknown = await testReference(reference, { ...asSsh, DOCKPROBE_SSH_KNOWN_HOSTS: knownHosts });
        t.equal(unknown.exitCode, 3, unknown.stderr);
        t.match(unknown.stderr, /DP_SSH_HOST_KEY.*ssh host key of ssh:\/\/root@.* \(ssh-ed25519 SHA256:.*not in/);
        await writeFile(knownHosts, `[${ENGINE_ADDRESS}]:2222 ${await hostLine(join(dir, 'client.pub'))}\n`);
        const changed = await testReference(reference, { ...asSsh, DOCKPROBE_SSH_KNOWN_HOSTS: knownHosts });
        t.equal(changed.exitCode, 3, changed.stderr);
        t.match(changed.stderr, /DP_SSH_HOST_KEY.*has CHANGED/);
        t.same(await dockprobeRuns(), before, 'nothing was started on an engine whose host key is not known');

        await writeFile(knownHosts, `[${ENGINE_ADDRESS}]:2222 ${await hostLine(join(dir, 'host.pub'))}\n`);
        const overSsh = { ...asSsh, DOCKPROBE_SSH_KNOWN_HOSTS: knownHosts };
        const { exitCode, stderr, report } = await testReference(reference, overSsh);
        t.equal(exitCode, 0, stderr);
        t.same(report!.summary, { total: 10, pass: 10, fail: 0, inconclusive: 0 });
        t.match(report!.engine, { endpoint: overSsh.DOCKER_HOST, remote: true });
      },
    );

    t.test("TLS on loopback, in the engine's own namespace, is local: from: host runs there", async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'dockprobe-remote-'));
      t.teardown(() => rm(dir, { recursive: true, force: true }));
      const scenario = join(dir, 'host.yml');
      await writeFile(
        scenario,
        [
          'expect:',
          '  - name: the proxy is published on loopback',
          '    from: host',
          '    to: [proxy:8080]',
          '    reachable: true',
          '  - name: redis is not published',
          '    from: host',
          '    to: [redis:6379]',
          '    reachable: false',
          '',
        ].join('\n'),
      );
      const { exitCode, stderr, report } = await cliIn(
        enginePid,
        ['test', scenario, '--project', reference, '--format', 'json'],
        { ...overTls, DOCKER_HOST: 'tcp://127.0.0.1:2376' },
      );
      t.equal(exitCode, 0, stderr);
      t.match(report!.engine, { endpoint: 'tcp://127.0.0.1:2376', remote: false });
      t.same(
        report!.verdicts.map((v) => `${v.target} ${v.status}`),
        ['proxy:8080 pass', 'redis:6379 pass'],
      );
    });

    t.test('a certificate the engine did not sign: exit 3, the engine named, no stack trace', async (t) => {
      const other = await mkdtemp(join(tmpdir(), 'dockprobe-othertls-'));
      t.teardown(() => rm(other, { recursive: true, force: true }));
      await makeCertificates(other);
      const { exitCode, stderr } = await cliIn(clientPid, ['test', 'scenarios/reference.yml', '--project', reference], {
        ...overTls,
        DOCKER_CERT_PATH: other,
      });
      t.equal(exitCode, 3, stderr);
      t.match(stderr, /DP_DOCKER_UNAVAILABLE.*cannot reach the Docker daemon at tcp:\/\/10\.250\.23\.1:2376/);
    });
  });
}

/** A CA, a server certificate for the engine's addresses and a client certificate, as `docker --tlsverify` takes them. */
async function makeCertificates(dir: string): Promise<void> {
  const ssl = (args: string[]) => execa('openssl', args, { cwd: dir, timeout: 30_000 });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await ssl(['req', '-x509', ...key, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=dp-ca']);
  await writeFile(
    join(dir, 'server.ext'),
    `subjectAltName=IP:${ENGINE_ADDRESS},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`,
  );
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, out, ext] of [
    ['server', 'server', 'server.ext'],
    ['client', '', 'client.ext'],
  ] as const) {
    const keyFile = `${out ? `${out}-` : ''}key.pem`;
    const certFile = `${out ? `${out}-` : ''}cert.pem`;
    await ssl(['req', ...key, '-keyout', keyFile, '-out', `${name}.csr`, '-subj', `/CN=dp-${name}`]);
    await ssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      certFile,
    ]);
  }
}
