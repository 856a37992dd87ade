import { hostname } from 'node:os';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import type { RunResult } from '../../src/run-result.js';
import { cliJson, projectName, runtime, teardown } from '../integration/helpers.js';

// dockprobe on a real three-node swarm (scripts/swarm-cluster.sh: engines 26.1 in containers, one manager, two
// workers; DOCKER_HOST is the manager). Probes on every node (`--nodes all`): a plain container where one can stand,
// a swarm job pinned to the node everywhere else; a service's task on a worker probed by a job beside it; a large
// answer (100 KB, `bytes:`) counted across nodes on both overlays; and a live MTU black hole between the nodes
// (`swarm-cluster.sh mtu-blackhole`), found on `mesh` and passed by `mesh-fixed`, whose MTU option fits the path.
// scripts/test-matrix.sh runs this file in its `cluster` cell, which brings the cluster up and down.

t.setTimeout(420_000);
const CLUSTER = join(PACKAGE_ROOT, 'scripts/swarm-cluster.sh');
if (process.env['DOCKPROBE_CLUSTER'] !== '1') {
  t.plan(
    0,
    'needs the three-node cluster: DOCKPROBE_CLUSTER=1 and DOCKER_HOST at its manager (scripts/test-matrix.sh, cell cluster)',
  );
} else {
  await run();
}

async function run(): Promise<void> {
  const docker = (args: string[], env: Record<string, string> = {}, timeout = 60_000) =>
    execa('docker', args, { timeout, reject: false, env: { ...process.env, ...env } });
  const nodes = (await docker(['node', 'ls', '--format', '{{.Hostname}}'])).stdout.trim().split('\n').sort();
  if (nodes.length < 3) throw new Error(`the cluster has ${nodes.length} node(s): ${nodes.join(', ')}`);
  const [nodeA, nodeB, nodeC] = nodes as [string, string, string];
  /** DOCKER_HOST of each node, from the cluster script. */
  const hostOf = new Map<string, string>();
  for (const node of nodes) {
    const env = (await execa('bash', [CLUSTER, 'env', node], { timeout: 30_000 })).stdout;
    hostOf.set(node, /DOCKER_HOST=(\S+)/.exec(env)![1]!.replace(/^['"]|['"]$/g, ''));
  }
  const on = (node: string) => ({ DOCKER_HOST: hostOf.get(node)! });

  // The probe image, built on the manager. The stack runs it on the last node too, so it is moved there by hand
  // (same id: no node tries a registry); the middle node runs no task of the stack and gets it from dockprobe itself
  // (--node-engine), so it is removed there first: what an earlier run left would hide a loader that does nothing.
  const image = await ensureProbeImage(runtime);
  const moved = await execa('bash', ['-c', `docker save "$IMAGE" | DOCKER_HOST="$TO" docker load -q`], {
    env: { ...process.env, IMAGE: image, TO: hostOf.get(nodeC)! },
    timeout: 180_000,
    reject: false,
  });
  if (moved.exitCode !== 0) throw new Error(`loading ${image} into ${nodeC}: ${moved.stderr}`);
  await docker(['image', 'rm', '--force', image], on(nodeB));
  const nodeEngines = [nodeB, nodeC].flatMap((n) => ['--node-engine', `${n}=${hostOf.get(n)!}`]);

  const stack = projectName('dpnodes').replace(/-/g, '');
  const env = {
    DOCKPROBE_IMAGE: image,
    DOCKPROBE_RUN: `test-${stack}`,
    DOCKPROBE_PID: String(process.pid),
    DOCKPROBE_HOST: hostname(),
    DPTEST_NODE_A: nodeA,
    DPTEST_NODE_C: nodeC,
  };
  teardown(t, `remove stack ${stack}`, async () => {
    await docker(['stack', 'rm', stack]);
    for (let i = 0; i < 60; i++) {
      if (
        !(await docker(['network', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])).stdout.trim()
      )
        return [];
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return [`stack ${stack} still has networks after 60 s`];
  });
  const deploy = await docker(
    ['stack', 'deploy', '--resolve-image', 'never', '-c', join(PACKAGE_ROOT, 'test/fixtures/swarm/nodes.yml'), stack],
    env,
    120_000,
  );
  if (deploy.exitCode !== 0) throw new Error(`docker stack deploy ${stack}: ${deploy.stderr}`);
  for (let i = 0; ; i++) {
    const running = (
      await docker([
        'service',
        'ls',
        '--filter',
        `label=com.docker.stack.namespace=${stack}`,
        '--format',
        '{{.Replicas}}',
      ])
    ).stdout
      .trim()
      .split('\n');
    if (running.length === 3 && running.every((r) => r.startsWith('1/1'))) break;
    if (i >= 90) throw new Error(`the stack's tasks did not all start within 90 s: ${running.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-cluster-'));

  const scenario = join(tmp, 'nodes.yml');
  await writeFile(
    scenario,
    `project: ${stack}\ntimeout: 2s\nexpect:\n` +
      `  - from: { network: mesh }\n    to: ["http://web-c:8080/", { url: "http://web-c:8080/bytes/102400", bytes: 102400 }]\n    reachable: true\n` +
      `  - from: { network: mesh-fixed }\n    to: [{ url: "http://web-c:8080/bytes/102400", bytes: 102400 }]\n    reachable: true\n` +
      `  - from: { network: mesh }\n    to: [db:5432]\n    reachable: false\n` +
      `  - from: { network: backend }\n    to: [db:5432]\n    reachable: true\n` +
      `  - from: { service: web-c }\n    to: [db:5432]\n    reachable: false\n`,
  );
  const rows = (report: RunResult | undefined) =>
    (report?.verdicts ?? []).map((v) => `${v.status} ${v.code}: ${v.source} → ${v.target}`);

  /** Nothing of the run on any node: no job, no container. */
  async function nothingLeft(t: Test, runId: string | undefined): Promise<void> {
    t.equal(
      (await docker(['service', 'ls', '-q', '--filter', `label=dockprobe.run=${runId}`])).stdout.trim(),
      '',
      'no swarm job of the run is left',
    );
    for (let i = 0; i < 20; i++) {
      const left = (
        await Promise.all(
          nodes.map(async (n) =>
            (await docker(['ps', '-aq', '--filter', `label=dockprobe.run=${runId}`], on(n))).stdout.trim(),
          ),
        )
      ).join('');
      if (!left) break;
      // A removed job's task container goes on its node a moment after the service: bounded.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const n of nodes)
      t.equal(
        (await docker(['ps', '-aq', '--filter', `label=dockprobe.run=${runId}`], on(n))).stdout.trim(),
        '',
        `no probe container left on ${n}`,
      );
  }

  t.test(
    '--nodes all, no black hole: every zone from every node, by container or job; every verdict passes',
    async (t) => {
      const { exitCode, report, stderr } = await cliJson(['test', scenario, '--nodes', 'all', ...nodeEngines]);
      t.equal(exitCode, 0, `${stderr}\n${rows(report).join('\n')}`);
      t.match(
        stderr,
        new RegExp(`probe image \\S+ loaded into node ${nodeB} in \\d+ ms`),
        `the image was loaded into ${nodeB} through its engine`,
      );
      t.match(stderr, new RegExp(`probe image \\S+ already on node ${nodeC}`), `and left as it was on ${nodeC}`);
      // The middle node runs no task of the stack: the jobs there bring the overlays to it, and its own engine's events,
      // read through --node-engine, say so (a network created on a node re-inserts its FORWARD rules there too).
      t.match(
        stderr,
        new RegExp(`during the run: network ${stack}_mesh created on node ${nodeB} at`),
        `${nodeB}'s events are read`,
      );
      t.equal(
        report?.verdicts.length,
        2 * 3 + 3 + 3 + 3 + 1,
        'each zone expectation once per node, the service once per task',
      );
      t.same(
        report?.verdicts
          .filter((v) => v.status !== 'pass')
          .map((v) => `${v.source} → ${v.target}: ${v.code}: ${v.reason}`),
        [],
      );
      const probes = report?.probes ?? [];
      const where = (label: string) => probes.find((p) => p.label === label)?.network;
      t.equal(
        where(`network mesh @ ${nodeA}`),
        `${stack}_mesh`,
        'an attachable overlay on this node: a plain container',
      );
      t.equal(where(`network mesh @ ${nodeB}`), `job on node ${nodeB}: ${stack}_mesh`);
      t.equal(
        where(`network backend @ ${nodeA}`),
        `job on node ${nodeA}: ${stack}_backend`,
        'not attachable: a job even here',
      );
      t.match(
        probes.find((p) => p.label.startsWith('service web-c'))?.network,
        `job on node ${nodeC}: the networks of task ${stack}_web-c.1.`,
      );
      for (const p of probes)
        t.same(
          [p.status, p.control.dns, p.control.reach],
          ['completed', true, true],
          `${p.label}: ${p.error ?? p.control.detail}`,
        );
      await nothingLeft(t, report?.runId);
    },
  );

  t.test(
    'a wrong expectation across nodes FAILs on each node it is wrong from, with the node in the row',
    async (t) => {
      const wrong = join(tmp, 'wrong.yml');
      await writeFile(
        wrong,
        `project: ${stack}\ntimeout: 2s\nexpect:\n  - from: { network: mesh }\n    to: [web-a:8080]\n    reachable: false\n`,
      );
      const { exitCode, report, stderr } = await cliJson([
        'test',
        wrong,
        '--nodes',
        `${nodeB},${nodeC}`,
        ...nodeEngines,
      ]);
      t.equal(exitCode, 1, stderr);
      t.same(
        report?.verdicts.map((v) => [v.status, v.code, v.source]),
        [
          ['fail', 'reached', `network mesh @ ${nodeB}`],
          ['fail', 'reached', `network mesh @ ${nodeC}`],
        ],
        rows(report).join('\n'),
      );
      await nothingLeft(t, report?.runId);
    },
  );

  t.test(
    'an MTU black hole between the nodes: a FAIL with its own code from each node across the hole, and the MTU option that fixes it passes',
    async (t) => {
      const hole = (state: 'on' | 'off') =>
        execa('bash', [CLUSTER, 'mtu-blackhole', state], { timeout: 60_000, reject: false });
      teardown(t, 'mtu-blackhole off', async () => {
        const off = await hole('off');
        return off.exitCode === 0 ? [] : [`mtu-blackhole off: ${off.stderr}`];
      });
      const on = await hole('on');
      t.equal(on.exitCode, 0, `mtu-blackhole on: ${on.stderr}`);
      const big = (r: RunResult | undefined, net: string) =>
        (r?.verdicts ?? [])
          .filter((v) => v.target.includes('/bytes/') && v.source.startsWith(`network ${net} @`))
          .map((v) => [v.source, v.status, v.code])
          .sort();
      const { exitCode, report, stderr } = await cliJson(['test', scenario, '--nodes', 'all', ...nodeEngines]);
      t.equal(exitCode, 1, `${stderr}\n${rows(report).join('\n')}`);
      t.same(
        big(report, 'mesh'),
        [
          [`network mesh @ ${nodeA}`, 'fail', 'mtu-black-hole'],
          [`network mesh @ ${nodeB}`, 'fail', 'mtu-black-hole'],
          // web-c's own node: the answer does not cross the hole.
          [`network mesh @ ${nodeC}`, 'pass', 'reached'],
        ],
        rows(report).join('\n'),
      );
      const failed = report?.verdicts.find(
        (v) => v.code === 'mtu-black-hole' && v.source === `network mesh @ ${nodeA}`,
      );
      t.match(failed?.reason, `from ${nodeA} to ${nodeC} over mesh`, 'the reason names the path');
      t.match(failed?.reason, 'containers get 1450', 'and the MTU the containers got');
      t.same(
        big(report, 'mesh-fixed'),
        [
          [`network mesh-fixed @ ${nodeA}`, 'pass', 'reached'],
          [`network mesh-fixed @ ${nodeB}`, 'pass', 'reached'],
          [`network mesh-fixed @ ${nodeC}`, 'pass', 'reached'],
        ],
        'the overlay whose MTU option fits the path passes through the same hole',
      );
      t.same(
        report?.verdicts
          .filter((v) => !v.target.includes('/bytes/') && v.status !== 'pass')
          .map((v) => `${v.source} → ${v.target}: ${v.code}`),
        [],
        'small answers pass everywhere',
      );
      await nothingLeft(t, report?.runId);

      t.equal((await hole('off')).exitCode, 0, 'mtu-blackhole off');
      const after = await cliJson(['test', scenario, '--nodes', 'all', ...nodeEngines]);
      t.equal(after.exitCode, 0, `with the hole closed, every verdict passes again: ${rows(after.report).join('\n')}`);
      await nothingLeft(t, after.report?.runId);
    },
  );
}
