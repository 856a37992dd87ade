import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import { IMAGE_NODE } from '../../src/image/offline-context.js';
import { cli, cliJson, projectName, runtime, serviceContainers, teardown, upProject } from './helpers.js';

// Two dual-stack networks: isolated over IPv4 everywhere, over IPv6 only where the engine writes ip6tables rules
// (27 and later by default). dockprobe must tell each engine's own truth: a FAIL naming IPv6 where IPv6 leaks, a
// pass where both families are blocked. What is true on this engine is observed independently first, with a plain
// connection from the web container, so the test asserts agreement with the world, not a result written down.

t.setTimeout(180_000);
const project = projectName('dptest-ipv6');
teardown(t, `tear down ${project}`, await upProject('test/fixtures/compose/ipv6.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-ipv6-'));
const [web] = await serviceContainers(project, 'web');
const [db] = await serviceContainers(project, 'db');
const db6 = db!.networks[0]!.ipv6!;
const db4 = db!.networks[0]!.ipv4!;
const major = Number((await runtime.system.info()).version.split('.')[0]);

/**
 * Whether a TCP connection from the web container to address:5432 opens, seen with node in that container: three
 * tries of 3 s, since the first packets to a just-started IPv6 neighbour wait for neighbour discovery.
 */
async function opensFromWeb(address: string): Promise<boolean> {
  const script = `const s=require('net').connect({host:${JSON.stringify(address)},port:5432});s.setTimeout(3000);s.on('connect',()=>{console.log('open');process.exit(0)});s.on('timeout',()=>{console.log('timeout');process.exit(0)});s.on('error',(e)=>{console.log(e.code);process.exit(0)})`;
  for (let i = 0; i < 3; i++) {
    const { stdout } = await execa('docker', ['exec', web!.id, IMAGE_NODE, '-e', script], { timeout: 20_000 });
    if (stdout.trim() === 'open' || stdout.trim() === 'ECONNREFUSED') return true;
  }
  return false;
}

t.test('the fixture is dual-stack', async (t) => {
  t.match(db6, /^fd00:d0c6:b::/, `db has an IPv6 address on back (${db!.name})`);
  t.ok(web!.networks[0]!.ipv6, 'web has one on front');
});

t.test(
  'front → db over both families: the verdict agrees with what a plain connection sees on this engine',
  async (t) => {
    // dockprobe first, right after `up`, as a post-deploy smoke test runs: the target's IPv6 neighbour is not yet
    // resolved, and nothing has warmed the path (a 1 s timeout once read the leak as blocked here).
    const file = join(tmp, 'ipv6.yml');
    await writeFile(
      file,
      `project: ${project}\ntimeout: 1s\nexpect:\n  - from: { network: front }\n    to: [db:5432]\n    reachable: false\n  - from: { network: back }\n    to: [db:5432]\n    reachable: true\n`,
    );
    const { exitCode, report, stderr } = await cliJson(['test', file]);

    const leaks6 = await opensFromWeb(db6);
    t.equal(await opensFromWeb(db4), false, 'IPv4 is isolated on every engine');
    // Docker's documented default: no ip6tables rules before engine 27, so IPv6 is not isolated between networks.
    // Podman's netavark writes the same rules for both families.
    const open6 = process.env.DOCKPROBE_ENGINE_KIND === 'podman' ? false : major < 27;
    t.equal(leaks6, open6, `engine ${major}: IPv6 between networks is ${leaks6 ? 'open' : 'blocked'}`);

    const cell = report!.verdicts.find((v) => v.source === 'network front')!;
    const attempts = cell.evidence.map((e) => e.attempt);
    t.same([...new Set(attempts.map((a) => a.family))].sort(), [4, 6], 'tried over both families');
    t.ok(
      attempts.some((a) => a.via === 'address' && a.description.startsWith(`[${db6}]:5432`)),
      "at db's IPv6 address",
    );
    t.ok(
      attempts.some((a) => a.via === 'name' && a.family === 6),
      'and by AAAA record',
    );
    if (leaks6) {
      t.equal(exitCode, 1, stderr);
      t.equal(cell.status, 'fail');
      t.equal(cell.code, 'reached-over-ipv6');
      t.match(cell.reason, new RegExp(`open over IPv6: .*\\[${db6.replace(/:/g, ':')}\\]:5432`));
    } else {
      t.equal(exitCode, 0, stderr);
      t.equal(cell.status, 'pass');
      t.equal(cell.code, 'blocked');
      t.equal(
        report!.probes.find((p) => p.label === 'network front')?.control.reach6,
        true,
        'the IPv6 control proved IPv6 reach first',
      );
    }
    t.equal(report!.verdicts.find((v) => v.source === 'network back')!.status, 'pass', 'same network: reachable');
  },
);

t.test('drill from front: db blocked over IPv4 on every engine, over IPv6 as a plain connection sees it', async (t) => {
  const { exitCode, stdout, stderr } = await cli([
    'drill',
    '--from',
    'network:front',
    '--project',
    project,
    '--ports',
    'none',
    '--no-host-ports',
    '--internet',
    'none',
    '--format',
    'json',
  ]);
  const result = JSON.parse(stdout) as {
    rows: { target: string; status: string; code: string; address: string }[];
    probes: { reach: boolean }[];
  };
  const row = (target: string) => result.rows.find((r) => r.target === target);
  t.match(row('db:5432 on back'), { status: 'blocked', code: 'no-answer', address: db4 }, stderr);
  const leaks6 = await opensFromWeb(db6);
  t.match(
    row('db:5432 on back over IPv6'),
    leaks6
      ? { status: 'reached', code: 'reached', address: db6 }
      : { status: 'blocked', code: 'no-answer', address: db6 },
    `engine ${major}: ${leaks6 ? 'open' : 'blocked'} over IPv6, as a plain connection sees it`,
  );
  t.match(
    row('web:8080 on front over IPv6'),
    { status: 'reached', address: web!.networks[0]!.ipv6 },
    'its own network answers over IPv6',
  );
  t.equal(exitCode, 0, stderr);
});
