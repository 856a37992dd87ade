import t from 'tap';
import { planFor } from '../../fixtures/pipeline.js';
import { checkHost, type Observation } from '../../../probes/agent/protocol.js';
import type { UdpCell } from '../../../src/checks/udp/udp-cell.js';
import { referencePorts } from '../../../src/checks/udp/reference-ports.js';
import { judge } from '../../../src/judge/judge.js';
import type { Plan } from '../../../src/plan/plan.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import type { Topology } from '../../../src/topology/topology.js';
import { fakeResults, type Oracle } from '../../fixtures/observe.js';
import { container, INTERNAL, referenceTopology } from '../../fixtures/reference-topology.js';

// The udp kind on the reference topology with two UDP listeners on internal-backend: syslog answers (serve --udp),
// statsd never does (serve --udp-silent). Peers of a public-facing probe: proxy, frontend, api.

const SYSLOG = '172.19.0.7';
const STATSD = '172.19.0.8';
const PUBLIC_PEERS = ['172.18.0.2', '172.18.0.4', '172.18.0.3'];

function udpContainer(service: string, port: number, address: string, published = false) {
  const c = container(service, port, [[INTERNAL, address]]);
  return {
    ...c,
    ports: [
      {
        port,
        protocol: 'udp' as const,
        published: published ? [{ hostIp: '0.0.0.0', hostPort: port }] : [],
        requested: published ? [{ hostIp: '', hostPort: String(port) }] : [],
      },
    ],
  };
}

function topology(published = false): Topology {
  return referenceTopology({
    syslog: [udpContainer('syslog', 514, SYSLOG, published)],
    statsd: [udpContainer('statsd', 8125, STATSD)],
  });
}

function plan(body: string, top = topology()): Plan {
  return planFor(body, top);
}

const entry = (from: string, to: string, reachable: boolean) =>
  `  - from: ${from}\n    to: ['${to}']\n    reachable: ${reachable}\n`;

type Seen = Partial<Observation> & { outcome: Observation['outcome'] };
const silent = (address: string, port: number): Seen => ({
  outcome: 'udp-silent',
  address,
  port,
  tries: 2,
  errorCode: 'DP_UDP_SILENT',
});
const closed = (address: string, port: number): Seen => ({
  outcome: 'udp-port-unreachable',
  address,
  port,
  errorCode: 'ECONNREFUSED',
});

/**
 * What a probe sees: names resolve where `names` says; UDP per `udp(address, port)` (undefined: silent); the probe's
 * own DNS control resolves; TCP peers open.
 */
function oracle(udp: (address: string, port: number) => Seen | undefined, names: Record<string, string> = {}): Oracle {
  return (check) => {
    if (check.kind === 'dns') return { outcome: 'resolved', addresses: ['172.18.0.9'] };
    if (check.kind === 'tcp') return { outcome: 'open', address: check.host, port: check.port };
    const host = checkHost(check);
    const address = /^\d/.test(host) ? host : names[host];
    if (address === undefined) return { outcome: 'dns-timeout', errorCode: 'ETIMEOUT' };
    if (check.kind !== 'udp') return { outcome: 'open', address, port: 80 };
    return udp(address, check.port) ?? silent(address, check.port);
  };
}

/** A healthy deployment: syslog answers on 514, statsd is silent on 8125, every other port is closed (ICMP). */
const healthy = (reachable: string[]) =>
  oracle(
    (address, port) => {
      if (!reachable.includes(address)) return undefined;
      if (address === SYSLOG && port === 514) return { outcome: 'udp-answer', address, port, bytes: 7 };
      if (address === STATSD && port === 8125) return undefined;
      return closed(address, port);
    },
    { syslog: SYSLOG, statsd: STATSD },
  );

const verdictOf = (p: Plan, o: Oracle) => judge(p, fakeResults(p, o)).verdicts[0]!;

t.test('target syntax: udp://SERVICE:PORT and udp://ADDRESS:PORT; a port is required', async (t) => {
  const to = parseScenario(
    `project: ref\nexpect:\n  - from: { network: n }\n    to: ['udp://syslog:514', 'udp://10.0.0.9:dns', 'udp://[fd00::9]:53']\n    reachable: false\n`,
    's.yml',
  ).expectations[0]!.to;
  t.same(
    to.map((x) => (x.kind === 'udp' ? [x.kind, x.host, x.port] : x.kind)),
    [
      ['udp', { kind: 'service', service: 'syslog', project: 'ref' }, 514],
      ['udp', { kind: 'external', host: '10.0.0.9' }, 53],
      ['udp', { kind: 'external', host: 'fd00::9' }, 53],
    ],
  );
  const bad = (target: string) => {
    try {
      parseScenario(
        `project: ref\nexpect:\n  - from: { network: n }\n    to: ['${target}']\n    reachable: false\n`,
        's.yml',
      );
      return 'parsed';
    } catch (error) {
      return (error as Error).message;
    }
  };
  t.match(bad('udp://syslog'), /s\.yml:4:\d+.*'udp:\/\/syslog' has no port/s);
  t.match(bad('udp://syslog:99999'), /s\.yml:4:\d+.*port 99999 is out of range/s);
  t.match(bad('udp://a b:53'), /is not a UDP target/);
  t.throws(
    () =>
      parseScenario(
        `project: ref\ninternet: ['udp://1.1.1.1:53']\nexpect:\n  - from: { network: n }\n    to: [internet]\n    reachable: false\n`,
        's.yml',
      ),
    /not UDP/,
    'egress is not proven over UDP',
  );
});

t.test('reference ports: the first two from 33434 the host does not expose, never the target port', async (t) => {
  t.same(referencePorts([]), [33434, 33435]);
  t.same(referencePorts([33434, 80], 33435), [33436, 33437]);
});

t.test('planned reachable: by name, with two reference ports by name; no UDP control', async (t) => {
  const p = plan(entry('{ network: internal-backend }', 'udp://syslog:514', true));
  const cell = p.cells[0] as UdpCell;
  t.equal(cell.kind, 'udp');
  const checks = new Map(p.probes[0]!.plan.checks.map((c) => [c.id, c]));
  t.same(
    cell.attempts.map((a) => {
      const c = checks.get(a.checkId)!;
      return [a.via, c.kind, checkHost(c), c.kind === 'udp' ? [c.port, c.tries] : undefined];
    }),
    [
      ['name', 'udp', 'syslog', [514, 2]],
      ['name', 'udp', 'syslog', [33434, 2]],
      ['name', 'udp', 'syslog', [33435, 2]],
    ],
  );
  t.equal(cell.references.length, 2);
  t.same(cell.controls, { 4: [], 6: [] });
});

t.test(
  'planned blocked: by name and at every address with its reference ports, and a UDP control to peers',
  async (t) => {
    const p = plan(entry('{ network: public-facing }', 'udp://syslog:514', false));
    const cell = p.cells[0] as UdpCell;
    const spec = p.probes[0]!;
    const checks = new Map(spec.plan.checks.map((c) => [c.id, c]));
    t.same(
      cell.attempts.map(
        (a) => `${a.via} ${checkHost(checks.get(a.checkId)!)}:${(checks.get(a.checkId) as { port: number }).port}`,
      ),
      ['name syslog:514', `address ${SYSLOG}:514`, `address ${SYSLOG}:33434`, `address ${SYSLOG}:33435`],
    );
    t.equal(cell.controls[4].length, 2, 'two peers');
    for (const id of cell.controls[4]) {
      const c = checks.get(id)!;
      t.ok(c.kind === 'udp' && PUBLIC_PEERS.includes(c.host) && c.port === 33434, 'a peer at a reference port');
      t.ok(spec.plan.controls.includes(id), 'run as a control: first, among the checks, after them');
    }
    t.ok(spec.plan.deadlineMs > 0);
  },
);

t.test('judged: an answer is reached, a port unreachable is path-open', async (t) => {
  const reach = verdictOf(plan(entry('{ network: internal-backend }', 'udp://syslog:514', true)), healthy([SYSLOG]));
  t.match(reach, { status: 'pass', code: 'reached' });
  const breach = verdictOf(
    plan(entry('{ network: public-facing }', 'udp://syslog:514', false)),
    healthy([SYSLOG, ...PUBLIC_PEERS]),
  );
  t.match(breach, { status: 'fail', code: 'reached' });
  const closedPort = verdictOf(
    plan(entry('{ network: internal-backend }', 'udp://syslog:515', true)),
    healthy([SYSLOG]),
  );
  t.match(closedPort, { status: 'fail', code: 'path-open' });
});

t.test(
  'a silent port whose address answers at a reference port: reachable passes, blocked fails, with their own code',
  async (t) => {
    const reachable = verdictOf(
      plan(entry('{ network: internal-backend }', 'udp://statsd:8125', true)),
      healthy([STATSD]),
    );
    t.match(reachable, { status: 'pass', code: 'udp-host-reached' });
    t.match(reachable.reason, /33434\/udp.*udp-port-unreachable.*the port itself stayed silent/);
    const blocked = verdictOf(
      plan(entry('{ network: public-facing }', 'udp://statsd:8125', false)),
      healthy([STATSD, ...PUBLIC_PEERS]),
    );
    t.match(blocked, { status: 'fail', code: 'udp-host-reached' });
  },
);

t.test('blocked only when the port and both reference ports stay silent and the UDP control heard back', async (t) => {
  const p = plan(entry('{ network: public-facing }', 'udp://statsd:8125', false));
  t.match(verdictOf(p, healthy(PUBLIC_PEERS)), { status: 'pass', code: 'blocked' });
  // The same silence, with peers that never answer either: the probe may not see ICMP at all.
  t.match(verdictOf(p, healthy([])), { status: 'inconclusive', code: 'udp-control-failed' });
  // One reference port heard back: the address takes UDP.
  const oneRef = oracle(
    (address, port) =>
      PUBLIC_PEERS.includes(address) || (address === STATSD && port === 33435) ? closed(address, port) : undefined,
    { statsd: STATSD },
  );
  t.match(verdictOf(p, oneRef), { status: 'fail', code: 'udp-host-reached' });
  // A datagram sent once only (an agent that did not try again): the ICMP rate limit may explain its silence.
  const once = oracle(
    (address, port) =>
      PUBLIC_PEERS.includes(address) ? closed(address, port) : { ...silent(address, port), tries: 1 },
    { statsd: STATSD },
  );
  t.match(verdictOf(p, once), { status: 'inconclusive', code: 'udp-silent' });
  // A result missing: unfinished, never blocked.
  const missing: Oracle = (check) =>
    check.kind === 'udp' && check.host === STATSD && check.port === 33435 ? undefined : healthy(PUBLIC_PEERS)(check);
  t.match(verdictOf(p, missing), { status: 'inconclusive', code: 'check-unfinished' });
  // An error the judge cannot classify.
  const error = oracle(
    (address, port) =>
      PUBLIC_PEERS.includes(address) ? closed(address, port) : { outcome: 'error', address, port, errorCode: 'EPERM' },
    { statsd: STATSD },
  );
  t.match(verdictOf(p, error), { status: 'inconclusive', code: 'unclassified' });
});

t.test('a UDP control run among the checks that heard nothing leaves silence unproven', async (t) => {
  const p = plan(entry('{ network: public-facing }', 'udp://statsd:8125', false));
  const results = fakeResults(p, healthy(PUBLIC_PEERS));
  const cell = p.cells[0] as UdpCell;
  for (const id of cell.controls[4])
    results[0]!.observations.set(`${id}@3`, {
      id: `${id}@3`,
      kind: 'udp',
      target: 'x',
      latencyMs: 5,
      ...silent('172.18.0.2', 33434),
    } as Observation);
  t.match(judge(p, results).verdicts[0], { status: 'inconclusive', code: 'udp-control-failed' });
});

t.test('silence alone never passes a reachable expectation, nor fails it', async (t) => {
  const p = plan(entry('{ network: internal-backend }', 'udp://statsd:8125', true));
  const v = verdictOf(
    p,
    oracle(() => undefined, { statsd: STATSD }),
  );
  t.match(v, { status: 'inconclusive', code: 'udp-silent' });
});

t.test('from the host: only an application answer counts; a port not published for UDP is decided', async (t) => {
  const host = (to: string, reachable: boolean, top = topology(true)) => plan(entry('host', to, reachable), top);
  const answers: Oracle = (check) =>
    check.kind === 'udp' && check.port === 514
      ? { outcome: 'udp-answer', address: '127.0.0.1', port: 514, bytes: 7 }
      : undefined;
  const silentHost: Oracle = (check) => (check.kind === 'udp' ? silent(check.host, check.port) : undefined);
  t.match(verdictOf(host('udp://syslog:514', true), answers), { status: 'pass', code: 'reached' });
  t.match(verdictOf(host('udp://syslog:514', true), silentHost), {
    status: 'inconclusive',
    code: 'udp-published-silent',
  });
  t.match(verdictOf(host('udp://syslog:514', true), silentHost).reason, /docker-proxy swallows ICMP/);
  t.match(verdictOf(host('udp://syslog:514', false), silentHost), { status: 'fail', code: 'udp-published' });
  t.match(verdictOf(host('udp://statsd:8125', false), silentHost), { status: 'pass', code: 'udp-not-published' });
  t.match(verdictOf(host('udp://statsd:8125', true), silentHost), { status: 'fail', code: 'udp-not-published' });
  t.throws(() => host('udp://10.0.0.9:53', false), /cannot be checked from host/);
});

t.test('Podman: a name tried from a network that is not internal says it was forwarded upstream', async (t) => {
  const podman = topology();
  podman.engine = { ...podman.engine, product: 'podman', version: '5.4.2' };
  // The internal zone's names do not resolve on public-facing (aardvark-dns asked the probe's DNS servers on the host).
  const unresolved = oracle((address, port) => (PUBLIC_PEERS.includes(address) ? closed(address, port) : undefined));
  const blocked = verdictOf(plan(entry('{ network: public-facing }', 'udp://statsd:8125', false), podman), unresolved);
  t.match(blocked, { status: 'pass', code: 'blocked' });
  t.match(
    blocked.reason,
    /; the name was forwarded upstream: Podman's aardvark-dns forwards a name it holds no record of from ref_public-facing \(not internal\)/,
  );
  // Must reach and the name does not resolve: the FAIL says where it was asked.
  const mustReach = verdictOf(plan(entry('{ network: public-facing }', 'udp://syslog:514', true), podman), unresolved);
  t.match(mustReach, { status: 'fail', code: 'not-resolved' });
  t.match(mustReach.reason, /; the name was forwarded upstream: Podman's aardvark-dns/);
  // From the internal network aardvark-dns forwards nothing; on Docker nothing is forwarded past the probe.
  const internal = verdictOf(
    plan(entry('{ network: internal-backend }', 'udp://syslog:514', true), podman),
    healthy([SYSLOG]),
  );
  t.notMatch(internal.reason, /forwarded upstream/);
  const docker = verdictOf(plan(entry('{ network: public-facing }', 'udp://statsd:8125', false)), unresolved);
  t.match(docker, { status: 'pass', code: 'blocked' });
  t.notMatch(docker.reason, /forwarded upstream/);
});
