import t from 'tap';
import { planFor } from '../fixtures/pipeline.js';
import { judge } from '../../src/judge/judge.js';
import { parseAgentOutput } from '../../src/run/parse-agent-output.js';
import type { ProbeResult } from '../../src/run/probe-result.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { fakeResults, healthy, type Oracle } from '../fixtures/observe.js';
import { container, INTERNAL, referenceTopology } from '../fixtures/reference-topology.js';

const PUBLIC_PEERS = ['proxy', 'frontend', 'api', '172.18.0.2', '172.18.0.4', '172.18.0.3'];

function run(
  body: string,
  oracle: Oracle,
  options: { topology?: ReturnType<typeof referenceTopology>; results?: (r: ProbeResult[]) => ProbeResult[] } = {},
) {
  const s = parseScenario(`project: ref\ntimeout: 1s\nexpect:\n${body}`, 's.yml');
  const plan = planFor(s, options.topology ?? referenceTopology());
  const results = fakeResults(plan, oracle);
  return judge(plan, options.results ? options.results(results) : results);
}

const blockedFromPublic = `  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`;
const reachableFromPublic = `  - from: { network: public-facing }\n    to: [frontend:3000, "http://api:3001/health"]\n    reachable: true\n`;

t.test('a healthy topology passes, with the evidence of each attempt', async (t) => {
  const { verdicts, controls } = run(reachableFromPublic + blockedFromPublic, healthy(PUBLIC_PEERS));
  t.same(
    verdicts.map((v) => v.status),
    ['pass', 'pass', 'pass'],
  );
  t.same(
    verdicts.map((v) => v.code),
    ['reached', 'reached', 'blocked'],
  );
  t.equal(verdicts[1]!.observed, 'http 200');
  t.match(
    verdicts[2]!.reason,
    /blocked: redis:6379 by name: blocked by name \(dns-timeout\); 172\.19\.0\.2:6379 .*timeout/,
  );
  t.same(
    controls.map((c) => [c.dns, c.reach]),
    [[true, true]],
  );
});

t.test('one success among the attempts is a breach: reached by address although the name is hidden', async (t) => {
  const { verdicts } = run(blockedFromPublic, (check) =>
    check.kind === 'tcp' && check.host === '172.19.0.2'
      ? { outcome: 'open', address: '172.19.0.2', port: 6379 }
      : healthy(PUBLIC_PEERS)(check),
  );
  t.equal(verdicts[0]!.status, 'fail');
  t.equal(verdicts[0]!.code, 'reached');
  t.match(verdicts[0]!.reason, /reached: 172\.19\.0\.2:6379 \(ref_redis_1 on internal-backend\): open/);
});

t.test('a refused connection to a target expected blocked is a finding: the network path is open', async (t) => {
  const { verdicts } = run(blockedFromPublic, (check) =>
    check.kind === 'tcp' && check.host === 'redis'
      ? { outcome: 'refused', address: '172.19.0.2', port: 6379 }
      : healthy(PUBLIC_PEERS)(check),
  );
  t.equal(verdicts[0]!.status, 'fail');
  t.equal(verdicts[0]!.code, 'path-open');
  t.match(verdicts[0]!.reason, /network path is open/);
});

t.test('fail closed: a probe that did not start makes every cell inconclusive', async (t) => {
  const { verdicts } = run(reachableFromPublic + blockedFromPublic, healthy(PUBLIC_PEERS), {
    results: (rs) =>
      rs.map((r) => ({
        ...r,
        status: 'failed',
        error: 'probe dockprobe-r-1 did not start: no such image',
        errorCode: 'not-started',
        observations: new Map(),
      })),
  });
  t.same(
    verdicts.map((v) => v.status),
    ['inconclusive', 'inconclusive', 'inconclusive'],
  );
  t.same(
    verdicts.map((v) => v.code),
    ['probe-failed', 'probe-failed', 'probe-failed'],
  );
  t.same(
    verdicts.map((v) => v.probeErrorCode),
    ['not-started', 'not-started', 'not-started'],
    "the probe's own code beside the verdict's",
  );
  t.match(verdicts[2]!.reason, /did not start: no such image/);
});

t.test('fail closed: a silent DNS server never makes a name "blocked"', async (t) => {
  const silent: Oracle = (check) =>
    check.kind === 'dns' || (check.kind === 'tcp' && !/^\d/.test(check.host))
      ? { outcome: 'dns-timeout' }
      : healthy(PUBLIC_PEERS)(check);
  const { verdicts, controls } = run(
    `${blockedFromPublic}  - from: { network: public-facing }\n    to: [dns:redis]\n    reachable: false\n`,
    silent,
  );
  t.equal(controls[0]!.dns, false);
  t.same(
    verdicts.map((v) => v.status),
    ['inconclusive', 'inconclusive'],
  );
  t.same(
    verdicts.map((v) => v.code),
    ['dns-control-failed', 'dns-control-failed'],
  );
  t.match(verdicts[1]!.reason, /DNS control failed too/);
});

t.test('fail closed: a probe that never reached anything cannot prove "blocked"', async (t) => {
  const isolated: Oracle = (check) =>
    check.kind === 'dns' ? healthy([])(check) : { outcome: 'timeout', address: '10.0.0.1', port: 1 };
  const { verdicts, controls } = run(blockedFromPublic, isolated);
  t.equal(controls[0]!.reach, false);
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'reach-control-failed');
  t.match(verdicts[0]!.reason, /never proved it can reach anything/);
});

t.test('fail closed: a stopped target is inconclusive, never blocked', async (t) => {
  const topology = referenceTopology({ redis: [container('redis', 6379, [[INTERNAL, '172.19.0.2']], 'exited')] });
  const { verdicts } = run(blockedFromPublic, healthy(PUBLIC_PEERS), { topology });
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'target-not-running');
  t.match(verdicts[0]!.reason, /no running container \(ref_redis_1 exited\)/);
});

t.test('fail closed: an attempt the probe never reported leaves the cell inconclusive', async (t) => {
  const cutOff: Oracle = (c) => (c.kind === 'tcp' && c.host === '172.19.0.2' ? undefined : healthy(PUBLIC_PEERS)(c));
  const { verdicts } = run(blockedFromPublic, cutOff, {
    results: (rs) =>
      rs.map((r) => ({ ...r, status: 'failed', error: 'deadline of 3000 ms reached', errorCode: 'agent-deadline' })),
  });
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'check-unfinished');
  t.equal(verdicts[0]!.probeErrorCode, 'agent-deadline');
  t.match(
    verdicts[0]!.reason,
    /ended before 172\.19\.0\.2:6379 \(ref_redis_1 on internal-backend\) finished \(deadline of 3000 ms reached\)/,
  );
});

t.test('an answer from outside the target networks counts as not resolved on this network', async (t) => {
  const upstream: Oracle = (check) =>
    check.kind === 'dns' && check.name === 'redis'
      ? { outcome: 'resolved-elsewhere', addresses: ['203.0.113.7'] }
      : healthy(PUBLIC_PEERS)(check);
  const { verdicts } = run(
    `  - from: { network: public-facing }\n    to: [dns:redis]\n    reachable: false\n  - from: { network: public-facing }\n    to: [dns:redis]\n    reachable: true\n`,
    upstream,
  );
  t.same(
    verdicts.map((v) => v.status),
    ['pass', 'fail'],
  );
  t.same(
    verdicts.map((v) => v.code),
    ['blocked-by-name', 'not-resolved'],
  );
  t.match(verdicts[1]!.reason, /resolves only outside the target's networks/);
});

t.test('reachable expectations fail with the precise reason', async (t) => {
  const cases: [Oracle, string, RegExp][] = [
    [
      (c) =>
        c.kind === 'tcp' && c.host === 'frontend'
          ? { outcome: 'refused', address: '172.18.0.4', port: 3000 }
          : healthy(PUBLIC_PEERS)(c),
      'path-open',
      /nothing listens on the port/,
    ],
    [
      (c) =>
        c.kind === 'tcp' && c.host === 'frontend'
          ? { outcome: 'timeout', address: '172.18.0.4', port: 3000 }
          : healthy(PUBLIC_PEERS)(c),
      'no-answer',
      /did not answer \(timeout/,
    ],
    // Engines 26+ have no route where 20.10 let the connect time out: the same code, each engine's own words.
    [
      (c) =>
        c.kind === 'tcp' && c.host === 'frontend'
          ? { outcome: 'unreachable', address: '172.18.0.4', port: 3000, errorCode: 'ENETUNREACH' }
          : healthy(PUBLIC_PEERS)(c),
      'no-answer',
      /did not answer \(unreachable, ENETUNREACH/,
    ],
    [
      (c) => (c.kind === 'tcp' && c.host === 'frontend' ? { outcome: 'nxdomain' } : healthy(PUBLIC_PEERS)(c)),
      'not-resolved',
      /does not resolve on this network/,
    ],
    [
      (c) =>
        c.kind === 'tcp' && c.host === 'frontend'
          ? { outcome: 'dns-error', errorCode: 'ESERVFAIL' }
          : healthy(PUBLIC_PEERS)(c),
      'not-resolved',
      /no record for it and answered with an error \(ESERVFAIL\)/,
    ],
  ];
  for (const [oracle, code, reason] of cases) {
    const { verdicts } = run(reachableFromPublic, oracle);
    t.equal(verdicts[0]!.status, 'fail');
    t.equal(verdicts[0]!.code, code);
    t.match(verdicts[0]!.reason, reason);
  }
});

t.test('an HTTP status that differs from the expected one fails; any status passes when none is given', async (t) => {
  const bad: Oracle = (c) =>
    c.kind === 'http' ? { outcome: 'http', status: 502, address: '172.18.0.3', port: 3001 } : healthy(PUBLIC_PEERS)(c);
  const strict = run(
    `  - from: { network: public-facing }\n    to: [{ url: "http://api:3001/health", status: 200 }]\n    reachable: true\n`,
    bad,
  );
  t.equal(strict.verdicts[0]!.status, 'fail');
  t.equal(strict.verdicts[0]!.code, 'http-status-mismatch');
  t.match(strict.verdicts[0]!.reason, /HTTP 502, expected 200/);
  const lax = run(reachableFromPublic, bad);
  t.equal(lax.verdicts[1]!.status, 'pass');
});

t.test(
  'an answer that is not HTTP: a breach toward a target expected blocked, a failure toward one expected reachable',
  async (t) => {
    const notHttp: Oracle = (c) =>
      c.kind === 'http'
        ? { outcome: 'open', address: '172.18.0.3', port: 3001, errorCode: 'DP_NOT_HTTP' }
        : healthy(PUBLIC_PEERS)(c);
    const blocked = run(
      `  - from: { network: public-facing }\n    to: ["http://api:3001/"]\n    reachable: false\n`,
      notHttp,
    );
    t.same([blocked.verdicts[0]!.status, blocked.verdicts[0]!.code], ['fail', 'reached']);
    const reachable = run(
      `  - from: { network: public-facing }\n    to: ["http://api:3001/"]\n    reachable: true\n`,
      notHttp,
    );
    t.same([reachable.verdicts[0]!.status, reachable.verdicts[0]!.code], ['fail', 'not-http']);
  },
);

t.test('an unclassified error is inconclusive, not blocked', async (t) => {
  const weird: Oracle = (c) =>
    c.kind === 'tcp' && c.host === '172.19.0.2' ? { outcome: 'error', detail: 'EMFILE' } : healthy(PUBLIC_PEERS)(c);
  const { verdicts } = run(blockedFromPublic, weird);
  t.equal(verdicts[0]!.status, 'inconclusive');
  t.equal(verdicts[0]!.code, 'unclassified');
  t.match(verdicts[0]!.reason, /unexpected way: EMFILE/);
});

t.test(
  'fail closed under load: a DNS control that fails in a later run (among or after the checks) proves nothing',
  async (t) => {
    const s = `  - from: { network: public-facing }\n    to: [dns:frontend]\n    reachable: false\n`;
    // frontend does resolve on public-facing; under load its answer was lost (a timeout): never "blocked".
    const lost: Oracle = (c) =>
      c.kind === 'dns' && c.name === 'frontend'
        ? { outcome: 'dns-timeout', errorCode: 'ETIMEOUT' }
        : healthy(PUBLIC_PEERS)(c);
    const { verdicts, controls } = run(s, lost, {
      results: (rs) =>
        rs.map((r) => {
          const observations = new Map(r.observations);
          for (const [id, o] of observations)
            if (id.endsWith('@3') && o.kind === 'dns')
              observations.set(id, { ...o, outcome: 'dns-timeout', addresses: [], errorCode: 'ETIMEOUT' });
          return { ...r, observations };
        }),
    });
    t.equal(controls[0]!.dns, false);
    t.match(controls[0]!.detail, /DNS control failed \(run 3: dns-timeout\)/);
    t.same([verdicts[0]!.status, verdicts[0]!.code], ['inconclusive', 'dns-control-failed']);
    const healthyRun = run(s, lost);
    t.same(
      [healthyRun.verdicts[0]!.status, healthyRun.verdicts[0]!.code],
      ['pass', 'blocked-by-name'],
      'with every control run answered, the same lookup counts as blocked',
    );
  },
);

t.test(
  'fail closed: a control run with an error code dockprobe does not know fails the control, never vanishes from it',
  async (t) => {
    const s = `  - from: { network: public-facing }\n    to: [dns:frontend]\n    reachable: false\n`;
    const lost: Oracle = (c) =>
      c.kind === 'dns' && c.name === 'frontend'
        ? { outcome: 'dns-timeout', errorCode: 'ETIMEOUT' }
        : healthy(PUBLIC_PEERS)(c);
    // The probe's output as the agent printed it, its DNS control's second run failing with a code off the list (an
    // older or other agent: EMFILE, out of sockets under load), read back by the orchestrator's parser.
    const { verdicts, controls } = run(s, lost, {
      results: (rs) =>
        rs.map((r) => {
          const lines = [...r.observations.values()].map((o) =>
            JSON.stringify({
              type: 'observation',
              observation:
                o.id.endsWith('@2') && o.kind === 'dns'
                  ? { ...o, outcome: 'dns-error', addresses: [], errorCode: 'EMFILE' }
                  : o,
            }),
          );
          return { ...r, observations: parseAgentOutput(lines.join('\n')).observations };
        }),
    });
    t.equal(controls[0]!.dns, false);
    t.same([verdicts[0]!.status, verdicts[0]!.code], ['inconclusive', 'dns-control-failed']);
  },
);

t.test(
  'fail closed under load: a reach control that reached no peer in a run among the checks proves nothing',
  async (t) => {
    // The peers answered at first and after the checks, but not in the control's second run, among the checks: silence
    // in that stretch may be the probe's own SYNs lost under load.
    const { verdicts, controls } = run(blockedFromPublic, healthy(PUBLIC_PEERS), {
      results: (rs) =>
        rs.map((r) => {
          const observations = new Map(r.observations);
          for (const [id, o] of observations)
            if (id.endsWith('@2') && o.kind === 'tcp')
              observations.set(id, { ...o, outcome: 'timeout', errorCode: 'DP_CONNECT_TIMEOUT' });
          return { ...r, observations };
        }),
    });
    t.equal(controls[0]!.reach, false);
    t.match(controls[0]!.detail, /reached \S+ at first, but nothing in its run 2 among the checks \(.*timeout/);
    t.same([verdicts[0]!.status, verdicts[0]!.code], ['inconclusive', 'reach-control-failed']);
    t.same(
      [run(blockedFromPublic, healthy(PUBLIC_PEERS)).verdicts[0]!.status],
      ['pass'],
      'with every run reaching a peer, the same silence counts as blocked',
    );
  },
);
