import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import t from 'tap';
import { documentErrors } from '../fixtures/json-documents.js';
import {
  BIN,
  cli,
  cliJson,
  containersLabelled,
  killOnTeardown,
  projectName,
  runtime,
  serviceContainers,
  teardown,
  upProject,
} from './helpers.js';

// A service alone on its network (test/fixtures/compose/lone-service.yml) had nothing to prove reach against: every
// "blocked" from it was inconclusive, whatever the truth. dockprobe now adds a control peer of its own to that network
// for the run: the silence is proven, a leak still fails, a network that refuses the peer stays inconclusive, and
// nothing of it is left, on success, failure, Ctrl-C and SIGTERM, and after a kill, `cleanup`. Where no peer can be
// added (a namespace shared with another container), the silence is no-control-peer, with what to do.

t.setTimeout(240_000);
const project = projectName('dptest-peer');
teardown(t, `tear down ${project}`, await upProject('test/fixtures/compose/lone-service.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-peer-'));

/** A scenario file: `from` expected blocked from each of `to`, each check waiting up to `timeout`. */
async function scenario(name: string, from: string, to: string[], timeout = '1s'): Promise<string> {
  const file = join(tmp, `${name}.yml`);
  await writeFile(
    file,
    `project: ${project}\ntimeout: ${timeout}\nexpect:\n  - from: { service: ${from} }\n    to: [${to.join(', ')}]\n    reachable: false\n`,
  );
  return file;
}

const lone = await scenario('lone', 'mailer', ['shop:8080', 'billing:9000']);

t.test('alone on its network, expected blocked from two services on other networks: proven, exit 0', async (t) => {
  const { exitCode, report, stderr } = await cliJson(['test', lone]);
  t.equal(exitCode, 0, stderr);
  t.same(
    report!.verdicts.map((v) => `${v.target} ${v.status} ${v.code}`),
    ['shop:8080 pass blocked', 'billing:9000 pass blocked'],
  );
  t.same(documentErrors('dockprobe-report', report), [], 'a valid dockprobe-report document (schemas/)');
  const [probe] = report!.probes;
  t.match(probe!.control, {
    dns: true,
    reach: true,
    peer: { kind: 'dockprobe', container: `dockprobe-${report!.runId}-peer-1`, network: 'mail-out', port: 40004 },
  });
  t.match(probe!.control.detail, /\(open [\d.]+:40004\), dockprobe's own control peer dockprobe-\S+-peer-1/);
  t.match(stderr, /control peer dockprobe-\S+-peer-1 \(\w+\) answered on network mail-out at [\d.]+/);
  t.same(await containersLabelled(`dockprobe.run=${report!.runId}`), [], 'no probe, no peer left');
});

t.test('a drill from it: the same proof, the peer named in the report, never a target', async (t) => {
  const { exitCode, stdout, stderr } = await cli([
    'drill',
    '--from',
    'mailer',
    '--project',
    project,
    '--ports',
    '40004',
    '--internet',
    'none',
    '--verbose',
  ]);
  t.equal(exitCode, 0, `${stdout}\n${stderr}`);
  t.match(
    stdout,
    /Control peers of dockprobe's own .*\n {2}dockprobe-\S+-peer-1 \(\w+\) on network mail-out at [\d.]+:40004, for service mailer/,
  );
  t.notMatch(stdout, /Inconclusive \(/, 'no row left undecided');
  t.notMatch(stdout.split('Probes:')[0]!, /dockprobe-\S+-peer/, 'the peer is in no row');
  const run = /drill (\w+)/.exec(stderr)?.[1];
  t.ok(run);
  t.same(await containersLabelled(`dockprobe.run=${run}`), []);
});

t.test('a network that refuses the peer (no address left): inconclusive, what to do said, nothing left', async (t) => {
  const { exitCode, report, stderr } = await cliJson(['test', await scenario('crowded', 'crowded', ['shop:8080'])]);
  t.equal(exitCode, 3, stderr);
  const [verdict] = report!.verdicts;
  t.same([verdict!.status, verdict!.code], ['inconclusive', 'no-control-peer']);
  t.match(
    verdict!.reason,
    /dockprobe could not add a control peer to network full: .+; any running container on full is a peer too/,
  );
  t.same(await containersLabelled(`dockprobe.run=${report!.runId}`), [], 'the refused peer was removed');
});

t.test(
  'a service in the namespace of another (network_mode: service:): no-control-peer, what to do said',
  async (t) => {
    const { exitCode, report, stderr } = await cliJson(['test', await scenario('sidecar', 'sidecar', ['shop:8080'])]);
    t.equal(exitCode, 3, stderr);
    const [verdict] = report!.verdicts;
    t.same([verdict!.status, verdict!.code], ['inconclusive', 'no-control-peer']);
    t.match(
      verdict!.reason,
      /shares the network namespace of service mailer \(\S+\) \(network_mode: container:\).*probe from service mailer \(from: \{ service: mailer \}\)/,
    );
    t.notMatch(stderr, /control peer dockprobe-/, 'no peer tried');
    t.same(await containersLabelled(`dockprobe.run=${report!.runId}`), []);
  },
);

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  t.test(`${signal} while the control peer runs: exit ${code}, the peer and the probe removed`, async (t) => {
    const slow = await scenario(`slow-${signal}`, 'mailer', ['billing:9000'], '8s');
    const child = spawn(process.execPath, [BIN, 'test', slow], {
      stdio: 'ignore',
      env: { ...process.env, NO_COLOR: '1' },
    });
    killOnTeardown(t, child);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const label = `dockprobe.pid=${child.pid}`;
    let seen = 0;
    for (let i = 0; i < 150 && seen === 0; i++) {
      seen = (await runtime.containers.list({ all: false, labels: [label, 'dockprobe.role=control-peer'] })).length;
      if (seen === 0) await new Promise((r) => setTimeout(r, 100));
    }
    t.ok(seen > 0, 'the control peer was running when the signal came');
    child.kill(signal);
    t.equal(await exited, code);
    t.same(await containersLabelled(label), [], 'nothing of that run is left');
  });
}

t.test('a run killed outright leaves its peer; cleanup knows it and removes it', async (t) => {
  const slow = await scenario('killed', 'mailer', ['billing:9000'], '8s');
  const child = spawn(process.execPath, [BIN, 'test', slow], { stdio: 'ignore', env: { ...process.env } });
  killOnTeardown(t, child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const label = `dockprobe.pid=${child.pid}`;
  let peers: Awaited<ReturnType<typeof containersLabelled>> = [];
  for (let i = 0; i < 150 && peers.length === 0; i++) {
    peers = await runtime.containers.list({ all: false, labels: [label, 'dockprobe.role=control-peer'] });
    if (peers.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(peers.length, 1, 'its control peer runs');
  child.kill('SIGKILL');
  await exited;
  const run = peers[0]!.labels['dockprobe.run']!;
  const { exitCode, stdout, stderr } = await cli(['cleanup', '--run', run]);
  t.equal(exitCode, 0, stderr);
  t.match(stdout, new RegExp(`removed control peer ${peers[0]!.name} \\(\\w+, run ${run}\\)`));
  t.same(await containersLabelled(label), [], 'nothing of that run is left');
});

// Last: it changes the deployment. The leak: billing joins the mailer's network.
t.test('with one of them also on its network (the leak): it fails, exit 1, against that real peer', async (t) => {
  const [billing] = await serviceContainers(project, 'billing');
  const network = `${project}_mail-out`;
  await new Docker().getNetwork(network).connect({ Container: billing!.id });
  const { exitCode, report, stderr } = await cliJson(['test', lone]);
  t.equal(exitCode, 1, stderr);
  t.same(
    report!.verdicts.map((v) => `${v.target} ${v.status} ${v.code}`),
    ['shop:8080 pass blocked', 'billing:9000 fail reached'],
  );
  t.match(report!.probes[0]!.control.peer, { kind: 'service', service: 'billing' });
  t.notMatch(stderr, /control peer dockprobe-/, 'a running peer on the network: dockprobe adds none');
  t.same(await containersLabelled(`dockprobe.run=${report!.runId}`), []);
});
