import { hostname } from 'node:os';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import { IMAGE_NODE } from '../../src/image/offline-context.js';
import { ensureProbeImage } from '../../src/image/probe-image.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { cli, cliJson, egressGuard, projectName, runtime, teardown } from './helpers.js';
import { deployStack, docker, removeStack, useOneNodeSwarm } from './swarm-helpers.js';

// dockprobe on a one-node swarm: the seed's production shape as two stacks, an infra stack that makes attachable
// overlays (MTU option 1450) and an app stack that joins them as external networks by their real names. One
// scenario covers both stacks (`project: [infra, app]`); zone probes stand on the overlays, service probes in the
// tasks' namespaces. The swarm is left as it was found: made and left here only if this engine was not in one.

t.setTimeout(240_000);
await egressGuard();
const image = await ensureProbeImage(runtime);
await useOneNodeSwarm(t);
const infra = projectName('dpinfra').replace(/-/g, '');
const app = projectName('dpapp').replace(/-/g, '');
const env = {
  ...process.env,
  DOCKPROBE_IMAGE: image,
  DOCKPROBE_RUN: `test-${infra}`,
  DOCKPROBE_PID: String(process.pid),
  DOCKPROBE_HOST: hostname(),
  DPTEST_INFRA: infra,
};

// The app stack is removed first (teardowns run newest first): it holds the infra stack's networks.
await deployStack(t, 'infra.yml', infra, env, 3);
await deployStack(t, 'app.yml', app, env, 3);
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-swarm-'));

t.test('two stacks, one scenario: zones on the overlays and from inside tasks, as the stack files say', async (t) => {
  const file = join(tmp, 'swarm.yml');
  await writeFile(
    file,
    `project: [${infra}, ${app}]\ntimeout: 1s\nexpect:\n` +
      `  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n` +
      `  - from: { network: internal-backend }\n    to: [redis:6379, "http://api:3001/"]\n    reachable: true\n` +
      `  - from: { service: api }\n    to: [redis:6379, "http://proxy:8080/"]\n    reachable: true\n` +
      `  - from: { service: frontend }\n    to: [redis:6379]\n    reachable: false\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', file]);
  t.equal(exitCode, 0, stderr);
  for (const v of report?.verdicts ?? [])
    t.equal(v.status, 'pass', `${v.source} → ${v.target}: ${v.code}: ${v.reason}`);
  t.equal(report?.verdicts.length, 6);
  t.ok(report?.engine.swarm, 'the report says the engine is in a swarm');
});

t.test(
  'a service whose virtual IP is silent while its tasks answer: vip-silent, as a plain connection sees it',
  async (t) => {
    const [frontend] = (
      await docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${app}_frontend`])
    ).stdout
      .trim()
      .split('\n');
    // What is true here, seen without dockprobe: a connection by the service's name (its VIP) from a task beside it.
    const script =
      "const s=require('net').connect({host:'vipapi',port:3005});s.setTimeout(3000);s.on('connect',()=>{console.log('open');process.exit(0)});s.on('timeout',()=>{console.log('timeout');process.exit(0)});s.on('error',(e)=>{console.log(e.code);process.exit(0)})";
    const seen = (await docker(['exec', frontend!, IMAGE_NODE, '-e', script])).stdout.trim();
    t.comment(`the VIP from a task beside it: ${seen}`);
    const file = join(tmp, 'vip.yml');
    await writeFile(
      file,
      `project: [${infra}, ${app}]\ntimeout: 2s\nexpect:\n  - from: { network: public-facing }\n    to: ["http://vipapi:3005/"]\n    reachable: true\n`,
    );
    const { exitCode, report, stderr } = await cliJson(['test', file]);
    const v = report?.verdicts[0];
    if (seen === 'open') {
      t.same([exitCode, v?.status, v?.code], [0, 'pass', 'reached'], stderr);
    } else {
      t.same([exitCode, v?.status, v?.code], [1, 'fail', 'vip-silent'], `${v?.reason}\n${stderr}`);
      t.match(v?.reason ?? '', /while its tasks did \(http 200/);
    }
  },
);

t.test(
  'a zone on an overlay that is not attachable: probed by a swarm job on this node, and the job is gone after',
  async (t) => {
    const file = join(tmp, 'jobs.yml');
    await writeFile(
      file,
      `project: [${infra}, ${app}]\ntimeout: 1s\nexpect:\n  - from: { network: jobs-only }\n    to: [queue:5672]\n    reachable: true\n  - from: { network: jobs-only }\n    to: [redis:6379]\n    reachable: false\n`,
    );
    const { exitCode, report, stderr } = await cliJson(['test', file]);
    t.equal(exitCode, 0, stderr);
    t.same(
      report?.verdicts.map((v) => [v.status, v.code]),
      [
        ['pass', 'reached'],
        ['pass', 'blocked'],
      ],
      JSON.stringify(report?.verdicts.map((v) => v.reason)),
    );
    t.match(report?.probes, [
      { network: /^job on node \S+: \S+_jobs-only$/, status: 'completed', control: { dns: true, reach: true } },
    ]);
    const left = (
      await docker(['service', 'ls', '-q', '--filter', `label=dockprobe.run=${report?.runId}`])
    ).stdout.trim();
    t.equal(left, '', 'no swarm job of the run is left');
    const containers = (await docker(['ps', '-aq', '--filter', `label=dockprobe.run=${report?.runId}`])).stdout.trim();
    t.equal(containers, '', 'nor its task container');
  },
);

t.test('a wrong expectation about the stacks is a FAIL: frontend does reach api on the shared overlay', async (t) => {
  const file = join(tmp, 'wrong.yml');
  await writeFile(
    file,
    `project: [${infra}, ${app}]\ntimeout: 1s\nexpect:\n  - from: { service: frontend }\n    to: ["http://api:3001/"]\n    reachable: false\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', file]);
  t.equal(exitCode, 1, stderr);
  t.same(
    report?.verdicts.map((v) => [v.status, v.code]),
    [['fail', 'reached']],
    JSON.stringify(report?.verdicts.map((v) => v.reason)),
  );
});

t.test(
  'Traefik on Swarm: routes read from deploy.labels, each task tried from inside the proxy, as v3.0 picks the network',
  async (t) => {
    const edge = projectName('dpedge').replace(/-/g, '');
    await deployStack(t, 'edge.yml', edge, { ...env, DPTEST_EDGE: edge }, 4);
    const file = join(tmp, 'edge.yml');
    await writeFile(
      file,
      `project: ${edge}\ntimeout: 1s\ntraefik: { proxy: proxy }\nexpect:\n  - from: { network: public }\n    to: ["http://proxy:8080/"]\n    reachable: true\n`,
    );
    const { exitCode, report, stderr } = await cliJson(['test', file]);
    t.equal(exitCode, 1, stderr);
    const route = (service: string) => report?.verdicts.find((v) => v.target.startsWith(`route ${service}`));
    t.same(
      Object.fromEntries(['good', 'ambiguous', 'ignored'].map((s) => [s, [route(s)?.status, route(s)?.code]])),
      {
        good: ['pass', 'traefik-route-reached'],
        ambiguous: ['fail', 'traefik-network-ambiguous'],
        ignored: ['fail', 'traefik-label-ignored'],
      },
      JSON.stringify(
        report?.verdicts.map((v) => [v.target, v.status, v.code, v.reason]),
        null,
        1,
      ),
    );
    t.match(route('ignored')?.reason, /traefik\.swarm\.network/);
  },
);

t.test(
  'docker stack rm leaves a network a running container holds: networks --stale names it, the holder and the commands',
  async (t) => {
    const stale = projectName('dpstale').replace(/-/g, '');
    const staleEnv = { ...env, DOCKPROBE_RUN: `test-${stale}` };
    const deploy = await execa(
      'docker',
      ['stack', 'deploy', '--resolve-image', 'never', '-c', join(PACKAGE_ROOT, 'test/fixtures/swarm/infra.yml'), stale],
      { env: staleEnv, timeout: 120_000, reject: false },
    );
    t.equal(deploy.exitCode, 0, deploy.stderr);
    const network = `${stale}_public-facing`;
    // A plain container on the stack's attachable overlay, as an operator's debugging shell would be.
    const holder = `dptest-holder-${stale}`;
    const run = await docker([
      'run',
      '-d',
      '--name',
      holder,
      '--network',
      network,
      '--label',
      `dockprobe.run=test-${stale}`,
      '--read-only',
      '--cap-drop',
      'ALL',
      '--user',
      '65534:65534',
      image,
      'serve',
      '--name',
      'holder',
      '--tcp',
      '7000',
    ]);
    t.equal(run.exitCode, 0, run.stderr);
    teardown(t, `remove ${holder} and ${network}`, async () => {
      await docker(['rm', '-f', holder]);
      await docker(['network', 'rm', network]);
      return removeStack(stale);
    });
    await docker(['stack', 'rm', stale]);
    // The stack's services go at once; its tasks end within their grace period. Wait (bounded) until only the held
    // network is left of it.
    for (let i = 0; i < 60; i++) {
      const services = (
        await docker(['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stale}`])
      ).stdout.trim();
      const tasks = (
        await docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stale}`])
      ).stdout.trim();
      if (!services && !tasks) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    t.equal((await docker(['network', 'inspect', network])).exitCode, 0, 'the held network outlived `docker stack rm`');

    const listed = await cliJson(['networks', '--stale']);
    t.equal(listed.exitCode, 1, `a stale network is left\n${listed.stderr}`);
    const report = JSON.parse(listed.stdout) as {
      stale: {
        name: string;
        owner: { kind: string; name: string };
        holders: { kind: string; name: string; blocks: boolean; command: string }[];
        steps: string[];
      }[];
    };
    const found = report.stale.find((n) => n.name === network);
    t.ok(found, `${network} is listed as stale`);
    t.same(found?.owner, { kind: 'swarm-stack', name: stale });
    t.same(
      found?.holders.map((h) => [h.kind, h.name, h.blocks]),
      [['running-container', holder, true]],
      'held by the running container',
    );
    t.match(found?.steps.join('\n') ?? '', new RegExp(`docker network rm ${network}`), 'the command that removes it');

    const refused = await cli(['networks', '--remove', network, '--yes']);
    t.equal(refused.exitCode, 1, `a network in use is never removed\n${refused.stderr}${refused.stdout}`);
    t.equal((await docker(['network', 'inspect', network])).exitCode, 0);
    await docker(['rm', '-f', holder]);
    const removed = await cli(['networks', '--remove', network, '--yes']);
    t.equal(removed.exitCode, 0, `${removed.stderr}${removed.stdout}`);
    t.not((await docker(['network', 'inspect', network])).exitCode, 0, 'gone once nothing held it');
  },
);
