import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cli, cliJson, projectName, teardown, upProject } from './helpers.js';

// UDP targets live: a listener that answers (syslog) and one that never answers (statsd) on an internal network,
// reached from their own zone and blocked from the public one; their twins, on the public network as well, FAIL for
// both. Silence is never blocked by itself: the silent listener is reached through its address's reference ports,
// and the public probe's "blocked" rests on its UDP control hearing back from a peer.

t.setTimeout(240_000);
const project = projectName('dptest-udp');
teardown(t, `tear down ${project}`, await upProject('test/fixtures/compose/udp.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-udp-'));

const scenario = async (name: string, body: string) => {
  const file = join(tmp, name);
  await writeFile(file, `project: ${project}\ntimeout: 1s\nexpect:\n${body}`);
  return file;
};

t.test('reached from their own zone, blocked from the public one: exit 0', async (t) => {
  const file = await scenario(
    'udp.yml',
    `  - from: { network: internal }\n    to: ['udp://syslog:5514', 'udp://statsd:8125']\n    reachable: true\n` +
      `  - from: { network: public }\n    to: ['udp://syslog:5514', 'udp://statsd:8125']\n    reachable: false\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', file]);
  const verdicts = report!.verdicts.map((v) => `${v.source} ${v.target} ${v.status} ${v.code}`);
  t.equal(exitCode, 0, `${stderr}\n${verdicts.join('\n')}`);
  t.same(
    report!.verdicts.map((v) => [v.expected, v.target, v.status, v.code]),
    [
      ['reachable', 'udp://syslog:5514', 'pass', 'reached'],
      ['reachable', 'udp://statsd:8125', 'pass', 'udp-host-reached'],
      ['blocked', 'udp://syslog:5514', 'pass', 'blocked'],
      ['blocked', 'udp://statsd:8125', 'pass', 'blocked'],
    ],
  );
  const statsd = report!.verdicts.find((v) => v.expected === 'reachable' && v.target === 'udp://statsd:8125')!;
  t.match(statsd.reason, /33434\/udp.*udp-port-unreachable.*the port itself stayed silent/, statsd.reason);
});

t.test('the broken twin, also on the public network, FAILs for both: exit 1', async (t) => {
  const file = await scenario(
    'broken.yml',
    `  - from: { network: public }\n    to: ['udp://syslog-leak:5514', 'udp://statsd-leak:8125']\n    reachable: false\n`,
  );
  const { exitCode, report, stderr } = await cliJson(['test', file]);
  t.equal(exitCode, 1, stderr);
  t.same(
    report!.verdicts.map((v) => [v.target, v.status, v.code]),
    [
      ['udp://syslog-leak:5514', 'fail', 'reached'],
      ['udp://statsd-leak:8125', 'fail', 'udp-host-reached'],
    ],
  );
});

t.test('drill --udp-ports: the twins reached from the public network, the listeners blocked', async (t) => {
  const { exitCode, stdout, stderr } = await cli([
    'drill',
    '--from',
    'network:public',
    '--project',
    project,
    '--ports',
    'none',
    '--no-host-ports',
    '--internet',
    'none',
    '--udp-ports',
    '5514,8125',
    // At the default concurrency, every datagram in flight at once: each target's kernel answers a burst of about six
    // with port unreachables, then one a second, and the agent's ICMP error budget paces them to that.
    '--format',
    'json',
  ]);
  t.equal(exitCode, 0, `a drill lists what it finds, nothing inconclusive: ${stderr}`);
  const drill = JSON.parse(stdout) as { rows: { target: string; kind: string; status: string; code: string }[] };
  const udp = drill.rows
    .filter((r) => r.kind === 'udp')
    .map((r) => `${r.target.replace(/ on .*/, '')} ${r.status} ${r.code}`)
    .sort();
  const leak = (s: string) => s.startsWith('syslog-leak') || s.startsWith('statsd-leak');
  t.ok(
    udp.filter(leak).includes('syslog-leak:5514/udp reached reached'),
    `syslog-leak answers on every network: ${udp.join('; ')}`,
  );
  t.ok(
    udp.filter(leak).some((r) => r.startsWith('statsd-leak:8125/udp path-open udp-host-reached')),
    `statsd-leak's address answers at a reference port: ${udp.join('; ')}`,
  );
  for (const r of udp.filter((r) => r.startsWith('syslog:') || r.startsWith('statsd:')))
    t.match(r, / blocked blocked$/, `${r}: not on the public network`);
});
