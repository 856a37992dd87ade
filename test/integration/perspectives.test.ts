import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import t from 'tap';
import type { RunResult } from '../../src/run-result.js';
import { canaryForFile } from './fake-internet.js';
import {
  BIN,
  blockedAs,
  cliJson,
  containersLabelled,
  killOnTeardown,
  plainConnect,
  runtime,
  serviceContainers,
  upReferenceAndBroken,
} from './helpers.js';

// The three perspectives on real topologies: inside a service, from the host, and egress to a local fake internet.

// This file's own limit, well under tap's default: a stuck file must not hold CI for minutes.
t.setTimeout(240_000);

// Nothing is sent unless the canary exists and the route to it points into its namespace (canaryForFile).
const canary = await canaryForFile(t, 'perspectives on a local fake internet');
if (canary) {
  const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-perspectives-'));
  const { reference, broken } = await upReferenceAndBroken(t, 'dptest-persp', { api: 2 });
  const cell = (report: RunResult, source: string | RegExp, target: string) =>
    report.verdicts.filter(
      (v) => (typeof source === 'string' ? v.source === source : source.test(v.source)) && v.target === target,
    );

  t.test('reference: every perspective holds, replicas are named, bindings and egress are explained', async (t) => {
    const { exitCode, report, stderr } = await cliJson([
      'test',
      'scenarios/perspectives.yml',
      '--project',
      reference,
      '--internet',
      canary.target,
    ]);
    // Podman publishes the port of a container only on internal networks, where Docker drops it: from the host the
    // data store answers there, and the one finding is that cell, as a plain connection to its binding shows.
    const podman = process.env.DOCKPROBE_ENGINE_KIND === 'podman';
    t.equal(exitCode, podman ? 1 : 0, stderr);
    t.same([report!.summary.fail, report!.summary.inconclusive], [podman ? 1 : 0, 0]);
    const api = cell(report!, /^service api /, 'redis:6379');
    const replicas = (await serviceContainers(reference, 'api')).map((c) => `service api (${c.name})`);
    t.equal(replicas.length, 2);
    t.same(api.map((v) => v.source).sort(), replicas, 'each replica probed and named');
    t.same(
      api.map((v) => v.status),
      ['pass', 'pass'],
    );
    t.match(cell(report!, 'host', 'proxy:8080')[0]!.observed, /^open 127\.0\.0\.1:\d+; 127\.0\.0\.1:\d+ only$/);
    const redis = cell(report!, 'host', 'redis:6379')[0]!;
    const [redisContainer] = await serviceContainers(reference, 'redis');
    if (podman) {
      const binding = redisContainer!.ports.find((p) => p.port === 6379)!.published[0]!;
      t.equal(
        await plainConnect(binding.hostIp, binding.hostPort),
        'open',
        'a plain connection to the binding answers',
      );
      t.same([redis.status, redis.code], ['fail', 'published-on-address']);
      t.equal(
        redis.reason,
        `published on ${binding.hostIp}:${binding.hostPort} only, and it answers, although ${redisContainer!.name} is only on internal networks (internal-backend): this engine keeps the binding (Docker drops it, Podman keeps it), so internal: true does not keep the host from the port`,
      );
    } else {
      t.equal(redis.observed, 'dropped by Docker');
      t.equal(redis.code, 'dropped-by-docker');
      t.match(
        redis.reason,
        `Docker dropped it: ${redisContainer!.name} is only on internal networks (internal-backend)`,
      );
    }
    t.equal(cell(report!, 'host', 'postgres:5432')[0]!.code, 'not-published');
    t.equal(cell(report!, 'service worker', 'internet')[0]!.code, 'egress-open');
    t.match(
      cell(report!, 'service worker', 'internet')[0]!.reason,
      /reached http:\/\/198\.51\.100\.10:8080\/ \(http 200\) through network worker-egress/,
    );
    // 20.10 gives an internal network a gateway and drops with iptables; 26+ give no default route. The reason says which.
    const redisEgress = cell(report!, 'service redis', 'internet')[0]!;
    t.equal(redisEgress.status, 'pass');
    t.equal(redisEgress.code, 'no-egress');
    t.match(
      redisEgress.reason,
      /^no egress: (no default route; service redis is only on internal-backend \(internal: true\)|.*timeout.*through network internal-backend, which is internal: true, so Docker drops outbound traffic)/,
    );
    const proxy = cell(report!, 'service proxy', 'redis:6379')[0]!;
    t.same(
      proxy.evidence.map((e) => blockedAs(e.observation?.outcome)),
      ['name', 'path'],
      'hidden and dropped from inside the proxy',
    );
  });

  t.test('a service on an internal and a normal network has egress, through the normal one', async (t) => {
    const file = join(tmp, 'frontend-egress.yml');
    await writeFile(
      file,
      `project: ${reference}\ntimeout: 1s\nexpect:\n  - from: { service: frontend }\n    to: [internet]\n    reachable: true\n  - from: { network: internal-backend }\n    to: [internet]\n    reachable: false\n`,
    );
    const { exitCode, report } = await cliJson(['test', file, '--internet', canary.target]);
    t.equal(exitCode, 0);
    t.match(cell(report!, 'service frontend', 'internet')[0]!.reason, /through network public-facing/);
    t.match(
      cell(report!, 'network internal-backend', 'internet')[0]!.reason,
      /^no egress: .*(no default route|internal-backend, which is internal: true)/,
    );
  });

  t.test(
    'broken twin: the internal-only worker, the published database and the proxy beside the data stores are findings',
    async (t) => {
      const { exitCode, report } = await cliJson([
        'test',
        'scenarios/perspectives.yml',
        '--project',
        broken,
        '--internet',
        canary.target,
      ]);
      t.equal(exitCode, 1);
      const failed = report!.verdicts.filter((v) => v.status === 'fail').map((v) => `${v.source} → ${v.target}`);
      // redis sits on the public network here too, so it has egress: a finding as well.
      t.same(
        failed.sort(),
        [
          'host → postgres:5432',
          'service proxy → postgres:5432',
          'service proxy → redis:6379',
          'service redis → internet',
          'service worker → internet',
        ].sort(),
      );
      t.match(
        cell(report!, 'service redis', 'internet')[0]!.reason,
        /^egress is open: reached .* through network public-facing/,
      );
      t.equal(cell(report!, 'host', 'postgres:5432')[0]!.code, 'published-all-interfaces');
      t.equal(cell(report!, 'service worker', 'internet')[0]!.code, 'no-egress');
      t.match(
        cell(report!, 'host', 'postgres:5432')[0]!.reason,
        /^published on all interfaces \(0\.0\.0\.0:\d+\).*, and it answers$/,
      );
      t.match(
        cell(report!, 'service worker', 'internet')[0]!.reason,
        /^no egress: .*(no default route; service worker is only on internal-backend \(internal: true\)|through network internal-backend, which is internal: true)/,
      );
      t.equal(report!.summary.inconclusive, 0);
    },
  );

  // from: lan, on each engine: what the engine's own rules let a neighbour routing through the host reach. Engines
  // before 28.0 accept a published port's traffic at the container's address from any interface (moby/moby#45610):
  // the proxy, published on 127.0.0.1 only, answers; 28.0 drops it in the raw table, and a reach there is a finding.
  // An unpublished port depends on the FORWARD policy of the engine's namespace, read here (the cell runs in it).
  t.test(
    'from: lan on the reference and the broken twin: each engine as its rules say, and nothing left behind',
    async (t) => {
      if (process.getuid?.() !== 0) return t.plan(0, "the LAN view needs root on the engine's host");
      const version = (await runtime.system.info()).version;
      const major = Number(version.split('.')[0]);
      const policy = /^-P FORWARD (\w+)/m.exec(
        (await execa('iptables', ['-S', 'FORWARD'], { reject: false, timeout: 15_000 })).stdout,
      )?.[1];
      const file = join(tmp, 'lan.yml');
      await writeFile(
        file,
        `timeout: 1s\nexpect:\n  - from: lan\n    to: [proxy:8080, api:3001, postgres:5432]\n    reachable: false\n`,
      );
      const { report, stderr } = await cliJson(['test', file, '--project', reference, '-v']);
      const code = (target: string) => cell(report!, 'lan', target)[0]?.code;
      const proxyCode = code('proxy:8080');
      if (major >= 28) {
        t.equal(
          proxyCode,
          'blocked',
          `engine ${version}: a container published on 127.0.0.1 only must not answer a LAN neighbour at its address (28.0 drops it); reached here: a finding on engine ${version}: ${cell(report!, 'lan', 'proxy:8080')[0]?.reason}`,
        );
      } else {
        t.equal(
          proxyCode,
          'lan-reached-container',
          `engine ${version}: published on 127.0.0.1 only, and forwarded at its address (moby/moby#45610)`,
        );
        t.match(
          cell(report!, 'lan', 'proxy:8080')[0]!.reason,
          /published only on 127\.0\.0\.1:\d+, yet engines before 28\.0/,
        );
      }
      t.equal(
        code('api:3001'),
        major < 28 && policy === 'ACCEPT' ? 'lan-reached-container' : 'blocked',
        `engine ${version}, FORWARD policy ${policy}: an unpublished port`,
      );
      t.equal(
        code('postgres:5432'),
        'blocked',
        'a container only on an internal network is dropped by its isolation rules',
      );
      t.equal(report!.summary.inconclusive, 0, stderr);
      t.match(report!.probes[0], { label: 'lan', status: 'completed', control: { reach: true } });

      // The broken twin publishes postgres on all interfaces: the neighbour reaches it at the host's address.
      const twin = await cliJson(['test', file, '--project', broken]);
      t.equal(twin.exitCode, 1);
      const pg = cell(twin.report!, 'lan', 'postgres:5432')[0]!;
      t.equal(pg.status, 'fail');
      t.ok(pg.code === 'lan-reached-published' || pg.code === 'lan-reached-container', `${pg.code}: ${pg.reason}`);
      t.ok(
        pg.evidence.some((e) => e.attempt.via === 'published' && e.observation?.outcome === 'open'),
        'answered at the host end of the link',
      );

      const netns = (await execa('ip', ['netns', 'list'], { reject: false })).stdout;
      t.notMatch(netns, /dockprobe-lan-/, 'no neighbour namespace left');
      t.notMatch(
        (await execa('ip', ['-o', 'link'], { reject: false })).stdout,
        /: dpl[0-9a-f]{8}[hn][@:]/,
        'no veth end left',
      );
    },
  );

  t.test('--repeat keeps every attempt; --retries applies to reachable checks', async (t) => {
    const { exitCode, report } = await cliJson([
      'test',
      'scenarios/reference.yml',
      '--project',
      reference,
      '--repeat',
      '2',
      '--retries',
      '1',
    ]);
    t.equal(exitCode, 0);
    const redis = cell(report!, 'network public-facing', 'redis:6379')[0]!;
    t.match(redis.reason, /\(2\/2 rounds passed\)$/);
    t.same(
      redis.evidence.map((e) => e.attempt.description.split(':')[0]),
      ['round 1', 'round 1', 'round 2', 'round 2'],
    );
    t.same(
      report!.probes.map((p) => p.round),
      [1, 1, 2, 2],
      "every round's probes are reported, not only the last",
    );
    t.same(await containersLabelled(`dockprobe.run=${report!.runId}`), []);
  });

  t.test(
    'a target that restarts mid-run leaves the joined probe with only lo: inconclusive, never blocked',
    async (t) => {
      const file = join(tmp, 'restart.yml');
      await writeFile(
        file,
        `project: ${reference}\ntimeout: 4s\nexpect:\n  - from: { service: proxy }\n    to: [redis:6379]\n    reachable: false\n`,
      );
      const child = spawn(process.execPath, [BIN, 'test', file, '--format', 'json'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      killOnTeardown(t, child);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const label = `dockprobe.pid=${child.pid}`;
      let probes = 0;
      for (let i = 0; i < 100 && probes === 0; i++) {
        probes = (await containersLabelled(label)).filter((c) => c.running).length;
        if (probes === 0) await new Promise((r) => setTimeout(r, 100));
      }
      t.ok(probes > 0, 'the joined probe was running');
      // Let the agent say hello first, so the loss happens mid-run rather than before it looked.
      await new Promise((r) => setTimeout(r, 700));
      const [proxy] = await serviceContainers(reference, 'proxy');
      await new Docker().getContainer(proxy!.id).restart({ t: 0 });
      t.equal(await exited, 3);
      const report = JSON.parse(stdout) as RunResult;
      t.equal(report.verdicts[0]!.status, 'inconclusive');
      t.equal(report.verdicts[0]!.code, 'probe-failed');
      t.match(
        report.verdicts[0]!.reason,
        new RegExp(
          `only lo in the namespace of ${proxy!.name} when it (finished|started): the container restarted or stopped mid-run`,
        ),
      );
    },
  );
}
