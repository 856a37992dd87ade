import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { VERSION } from '../../src/package-paths.js';
import type { RunResult } from '../../src/run-result.js';
import { cli, containersLabelled, runtime, teardown, upReferenceAndBroken } from './helpers.js';

// dockprobe's own image (`image build-self`), run as users run it: `docker run` with the engine's socket and a
// folder of scenarios, against the reference topology and its broken twin; its host perspective refused without the
// host's namespaces and right with them; a containerised run killed mid-way, its leftovers removed by `cleanup` on
// the host.

t.setTimeout(240_000);

// The engine's socket, mounted into the container: DOCKER_HOST's (an inner engine of scripts/engine.sh) or the
// default. An inner engine's files are where scripts/engine.sh mounts them, at the same path inside its container:
// the scenarios go beside its socket, where that engine finds the folder the container mounts.
const dockerHost = process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
if (!dockerHost.startsWith('unix://'))
  throw new Error(`image.test.ts needs a unix socket, DOCKER_HOST is ${dockerHost}`);
const socket = dockerHost.slice('unix://'.length);
const work = await mkdtemp(
  join(process.env['DOCKER_HOST'] && socket !== '/var/run/docker.sock' ? dirname(socket) : tmpdir(), 'dp-image-'),
);
t.teardown(() => rm(work, { recursive: true, force: true }));

const built = await cli(['image', 'build-self']);
if (built.exitCode !== 0) throw new Error(`dockprobe image build-self exited ${built.exitCode}: ${built.stderr}`);

const { reference, broken } = await upReferenceAndBroken(t, 'dptest-img');

await writeFile(
  join(work, 'reference.yml'),
  `expect:
  - from: { network: public-facing }
    to: [proxy:8080, frontend:3000, "http://api:3001/health"]
    reachable: true
  - from: { network: public-facing }
    to: [redis:6379, postgres:5432]
    reachable: false
  - from: { network: internal-backend }
    to: [redis:redis, postgres:postgres]
    reachable: true
  - from: { network: internal-backend }
    to: [dns:proxy, proxy:8080]
    reachable: false
`,
);
await writeFile(
  join(work, 'host.yml'),
  `expect:
  - from: host
    to: [proxy:8080]
    reachable: true
  - from: host
    to: [postgres:5432]
    reachable: false
`,
);

t.test('image build-self tags dockprobe:<version> and dockprobe:latest, labelled, under 150 MB', async (t) => {
  t.same(built.stdout.trim().split('\n'), [`dockprobe:${VERSION}`, 'dockprobe:latest']);
  const image = (await runtime.images.list({ labels: ['dockprobe.image-kind=cli'] })).find((i) =>
    i.tags.includes('dockprobe:latest'),
  );
  t.ok(image, 'dockprobe:latest is on the engine, labelled');
  t.equal(image?.labels['dockprobe.role'], 'image');
  t.match(image?.labels['dockprobe.image-hash'], /^[0-9a-f]{12}$/);
  t.ok((image?.sizeBytes ?? Infinity) < 150_000_000, `under 150 MB uncompressed: ${image?.sizeBytes} bytes`);
  t.match(built.stderr, /dockprobe:latest: \d+\.\d MB uncompressed/, 'its size is said');
  t.comment(`dockprobe:latest: ${((image?.sizeBytes ?? 0) / 1_000_000).toFixed(1)} MB`);
});

/** `docker run --rm` of dockprobe:latest with the socket and the scenarios' folder, as the docs show it. */
function dockprobe(args: string[], runFlags: string[] = []) {
  return execa(
    'docker',
    [
      'run',
      '--rm',
      '-e',
      'NO_COLOR=1',
      '-v',
      `${socket}:/var/run/docker.sock`,
      '-v',
      `${work}:/work`,
      ...runFlags,
      'dockprobe:latest',
      ...args,
    ],
    { reject: false, timeout: 120_000 },
  );
}

/**
 * `docker run -d` of dockprobe:latest as `name` with the socket and the scenarios' folder (and `runFlags`), removed
 * when `tt` ends; its container id.
 */
async function startDetached(tt: Test, name: string, runFlags: string[], args: string[]): Promise<string> {
  const started = await execa('docker', [
    'run',
    '-d',
    '--name',
    name,
    ...runFlags,
    '-v',
    `${socket}:/var/run/docker.sock`,
    '-v',
    `${work}:/work`,
    'dockprobe:latest',
    ...args,
  ]);
  teardown(tt, `remove ${name}`, async () => {
    await execa('docker', ['rm', '-f', name], { reject: false });
    return [];
  });
  return started.stdout.trim();
}

t.test('the image verifies the reference topology (exit 0) and fails its broken twin (exit 1)', async (t) => {
  const [good, bad] = await Promise.all([
    dockprobe(['test', '/work/reference.yml', '--project', reference, '--format', 'json']),
    dockprobe(['test', '/work/reference.yml', '--project', broken, '--format', 'json']),
  ]);
  t.equal(good.exitCode, 0, good.stderr);
  t.same(reportOf(good.stdout)?.summary, { total: 9, pass: 9, fail: 0, inconclusive: 0 });
  t.equal(bad.exitCode, 1, bad.stderr);
  t.ok((reportOf(bad.stdout)?.summary.fail ?? 0) > 0, 'the broken twin fails');
});

t.test("from: host: refused without the host's network namespace (exit 2), right with it", async (t) => {
  const refused = await dockprobe(['test', '/work/host.yml', '--project', reference]);
  t.equal(refused.exitCode, 2, refused.stderr);
  // Engine 20.10 names a container's default network mode `default`, Engine 28 `bridge`.
  t.match(
    refused.stderr,
    /from: host needs the engine host's network namespace, and dockprobe's container \S+ \([0-9a-f]{12}\) has its own \(network mode (default|bridge)\)/,
  );
  t.match(refused.stderr, /hint: docker run --network host/);
  t.notMatch(refused.stdout, /pass|FAIL/, 'no verdict at all');
  const [good, bad] = await Promise.all([
    dockprobe(['test', '/work/host.yml', '--project', reference, '--format', 'json'], ['--network', 'host']),
    dockprobe(['test', '/work/host.yml', '--project', broken, '--format', 'json'], ['--network', 'host']),
  ]);
  t.equal(good.exitCode, 0, good.stderr);
  t.equal(bad.exitCode, 1, `the broken twin publishes postgres on every address\n${bad.stderr}`);
  t.match(
    reportOf(bad.stdout)?.verdicts.map((v) => `${v.status} ${v.source} ${v.target}`),
    ['pass host proxy:8080', 'fail host postgres:5432'],
  );
});

t.test(
  "from: lan: refused without the capabilities it needs (exit 2); with them, the host CLI's verdicts",
  async (t) => {
    if (process.getuid?.() !== 0) return t.plan(0, "the LAN view needs root on the engine's host");
    await writeFile(
      join(work, 'lan.yml'),
      'timeout: 1s\nexpect:\n  - from: lan\n    to: [proxy:8080, api:3001, postgres:5432]\n    reachable: false\n',
    );
    const refused = await dockprobe(['test', '/work/lan.yml', '--project', broken], ['--network', 'host']);
    t.equal(refused.exitCode, 2, refused.stderr);
    t.match(
      refused.stderr,
      /from: lan makes a network namespace and a veth pair on the engine's host, and .* lacks CAP_NET_ADMIN and CAP_SYS_ADMIN/,
    );
    t.match(refused.stderr, /hint: docker run --network host --cap-add NET_ADMIN --cap-add SYS_ADMIN/);
    const lanFlags = ['--network', 'host', '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_ADMIN'];
    const inImage = await dockprobe(['test', '/work/lan.yml', '--project', broken, '--format', 'json'], lanFlags);
    const onHost = await cli(['test', join(work, 'lan.yml'), '--project', broken, '--format', 'json']);
    const rows = (stdout: string) => reportOf(stdout)?.verdicts.map((v) => `${v.target} ${v.status} ${v.code}`);
    t.equal(rows(onHost.stdout)?.length, 3, onHost.stderr);
    t.equal(reportOf(inImage.stdout)?.summary.inconclusive, 0, 'the neighbour was made and its checks ran');
    t.same(rows(inImage.stdout), rows(onHost.stdout), `the same verdicts as the host CLI\n${inImage.stderr}`);
    t.equal(inImage.exitCode, onHost.exitCode);
  },
);

t.test(
  'a containerised run killed mid-way: host cleanup keeps its probes while it runs, removes them once it is gone',
  async (t) => {
    // Checks that wait out their timeout keep the probes up while the container is killed.
    await writeFile(
      join(work, 'slow.yml'),
      `timeout: 30s
expect:
  - from: { network: public-facing }
    to: [redis:6379]
    reachable: false
`,
    );
    const name = `dp-image-crash-${process.pid}`;
    const id = await startDetached(t, name, ['--rm'], ['test', '/work/slow.yml', '--project', reference]);
    let probes = await containersLabelled(`dockprobe.owner-container=${id}`);
    for (let i = 0; i < 120 && probes.length === 0; i++) {
      await sleep(500);
      probes = await containersLabelled(`dockprobe.owner-container=${id}`);
    }
    t.ok(probes.length > 0, 'its probes record the container they were made from');
    const runId = probes[0]!.labels['dockprobe.run']!;
    const whileAlive = await cli(['cleanup', '--run', runId, '--dry-run']);
    t.match(
      whileAlive.stdout,
      new RegExp(`kept .*run ${runId} is still running in container ${name} \\(${id.slice(0, 12)}\\)`),
    );
    await execa('docker', ['kill', name]);
    t.ok((await containersLabelled(`dockprobe.run=${runId}`)).length > 0, 'its probes outlive it');
    // Narrowed to this run: what other runs left (a ghost endpoint on 20.10 that no cleanup can free) is not its own.
    const cleanup = await cli(['cleanup', '--run', runId]);
    t.equal(cleanup.exitCode, 0, cleanup.stderr);
    t.match(cleanup.stdout, new RegExp(`removed container dockprobe-${runId}-1 `));
    t.same(await containersLabelled(`dockprobe.run=${runId}`), [], 'nothing of the run is left');
  },
);

t.test(
  'watch as an exporter in the image: /metrics on a published port, every cell passing, SIGTERM leaves nothing',
  async (t) => {
    const name = `dp-image-watch-${process.pid}`;
    const id = await startDetached(
      t,
      name,
      ['-p', '127.0.0.1::9464'],
      ['watch', '/work/reference.yml', '--project', reference, '--listen', '0.0.0.0:9464', '--interval', '10m'],
    );
    const port = (await execa('docker', ['port', name, '9464/tcp'])).stdout.trim().split('\n')[0]!.split(':').pop();
    let metrics = '';
    for (let i = 0; i < 240 && !/^dockprobe_rounds_total\{outcome="complete"\} [1-9]/m.test(metrics); i++) {
      await sleep(500);
      // Raced with a timer of its own: before the watch listens, docker-proxy takes the connection, and a fetch of
      // it can stay pending with nothing else keeping this process alive (the file then ends unfinished).
      metrics = await Promise.race([
        fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()),
        sleep(3_000).then(() => ''),
      ]).catch(() => '');
    }
    const verdicts = metrics.split('\n').filter((l) => l.startsWith('dockprobe_cell_verdict{') && l.endsWith(' 1'));
    t.equal(verdicts.length, 9, `nine cells judged:\n${verdicts.join('\n')}`);
    t.same(
      verdicts.filter((l) => !l.includes('verdict="pass"')),
      [],
      'every cell passes, read from the published /metrics',
    );
    const warm = await containersLabelled(`dockprobe.owner-container=${id}`);
    t.equal(warm.length, 2, 'a warm probe on each source network, recording the container it was made from');
    const logs = await execa('docker', ['logs', name]);
    t.match(logs.stderr, /not on firewall changes/, 'the firewall it cannot see from its own namespace is said');
    await execa('docker', ['stop', '--time', '30', name]);
    const exit = await execa('docker', ['inspect', '--format', '{{.State.ExitCode}}', name]);
    t.equal(exit.stdout.trim(), '143', 'SIGTERM from docker stop: exit 143');
    t.same(await containersLabelled(`dockprobe.owner-container=${id}`), [], 'no warm probe of it is left');
  },
);

/** The JSON report on stdout, or undefined. */
function reportOf(stdout: string): RunResult | undefined {
  try {
    return JSON.parse(stdout) as RunResult;
  } catch {
    return undefined;
  }
}
