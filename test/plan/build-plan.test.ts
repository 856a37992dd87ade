import t from 'tap';
import { planFor, scenarioOf } from '../fixtures/pipeline.js';
import { checkHost } from '../../probes/agent/protocol.js';
import { applyOverrides } from '../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { container, INTERNAL, referenceTopology } from '../fixtures/reference-topology.js';

t.test('one probe per source; reachable targets are tried by name only', async (t) => {
  const s = scenarioOf(
    `  - from: { network: public-facing }\n    to: [frontend:3000, "http://api:3001/health"]\n    reachable: true\n  - from: { network: public-facing }\n    to: [proxy:8080]\n    reachable: true\n`,
  );
  const plan = planFor(s, referenceTopology(), { runId: 'r1' });
  t.equal(plan.probes.length, 1);
  t.equal(plan.probes[0]!.containerName, 'dockprobe-r1-1');
  t.match(plan.probes[0]!.placement, { kind: 'network', network: { id: 'net-public-facing' } });
  t.same(
    plan.cells.map((c) => c.attempts.map((a) => a.via)),
    [['name'], ['name'], ['name']],
  );
  const checks = plan.probes[0]!.plan.checks;
  const frontend = checks.find((c) => c.kind === 'tcp' && c.host === 'frontend');
  t.same(
    frontend,
    {
      id: frontend!.id,
      kind: 'tcp',
      host: 'frontend',
      port: 3000,
      subnets: ['172.18.0.0/16', '172.19.0.0/16'],
      timeoutMs: 1000,
    },
    'answers must fall in the target networks',
  );
});

t.test('a target expected blocked is tried by name and by each address on each of its networks', async (t) => {
  const s = scenarioOf(
    `  - from: { network: public-facing }\n    to: [redis:6379, "http://api:3001/x"]\n    reachable: false\n`,
  );
  const plan = planFor(s, referenceTopology(), { runId: 'r' });
  const [redis, api] = plan.cells;
  t.same(
    redis!.attempts.map((a) => a.description),
    ['redis:6379 by name', '172.19.0.2:6379 (ref_redis_1 on internal-backend)'],
  );
  t.same(
    api!.attempts.map((a) => a.via),
    ['name', 'address', 'address'],
  );
  const byId = new Map(plan.probes[0]!.plan.checks.map((c) => [c.id, c]));
  t.match(byId.get(api!.attempts[1]!.checkId), { kind: 'http', url: 'http://172.18.0.3:3001/x' });
});

t.test('probes carry a DNS control for their own name and reach controls to peers on their network', async (t) => {
  const s = scenarioOf(`  - from: { network: internal-backend }\n    to: [dns:proxy]\n    reachable: false\n`);
  const plan = planFor(s, referenceTopology(), { runId: 'abc' });
  const probe = plan.probes[0]!;
  const byId = new Map(probe.plan.checks.map((c) => [c.id, c]));
  t.same(byId.get(probe.controls.dnsCheckId!), {
    id: probe.controls.dnsCheckId,
    kind: 'dns',
    name: 'dockprobe-abc-1',
    subnets: ['172.19.0.0/16'],
    timeoutMs: 1000,
  });
  t.equal(probe.controls.reachCheckIds.length, 2, 'two peers');
  for (const id of probe.controls.reachCheckIds) t.match(byId.get(id), { kind: 'tcp', host: /^172\.19\./ });
  // Its slowest checks are the connects: a DNS step and a connect step of 1 s each, then 1 s of slack.
  t.equal(probe.plan.deadlineMs, 2 * 1000 + 1000, 'deadline covers DNS plus connect, plus slack');
});

t.test('identical checks are shared; --timeout overrides the scenario', async (t) => {
  const s = scenarioOf(
    `  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`,
  );
  const plan = planFor(applyOverrides(s, { timeoutMs: 300 }), referenceTopology());
  t.same(
    plan.cells[0]!.attempts.map((a) => a.checkId),
    plan.cells[1]!.attempts.map((a) => a.checkId),
  );
  t.ok(plan.probes[0]!.plan.checks.every((c) => c.timeoutMs === 300));
});

t.test('a target with no running container gets a precondition, not checks', async (t) => {
  const s = scenarioOf(`  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`);
  const plan = planFor(
    s,
    referenceTopology({ redis: [container('redis', 6379, [[INTERNAL, '172.19.0.2']], 'exited')] }),
  );
  t.equal(plan.cells[0]!.precondition?.code, 'target-not-running');
  t.match(plan.cells[0]!.precondition?.text, /target service 'redis' has no running container \(ref_redis_1 exited\)/);
  t.equal(plan.cells[0]!.attempts.length, 0);
});

t.test('a service named without a port stands for each port it exposes', async (t) => {
  const s = scenarioOf(`  - from: { network: internal-backend }\n    to: [redis]\n    reachable: true\n`);
  const plan = planFor(s, referenceTopology(), { runId: 'r' });
  t.equal(plan.cells[0]!.targetLabel, 'redis:6379');
});

t.test(
  'zone names never share a probe with outside names: those get a probe of their own, with the real upstream',
  async (t) => {
    const s = parseScenario(
      `project: ref\ntimeout: 1s\ninternet: ["http://outside.example:8080/", "tcp://198.51.100.10:443"]\nexpect:\n  - from: { network: public-facing }\n    to: [dns:redis, redis:6379]\n    reachable: false\n  - from: { network: public-facing }\n    to: [internet]\n    reachable: true\n  - from: { service: api }\n    to: [internet]\n    reachable: true\n`,
      's.yml',
    );
    const plan = planFor(s, referenceTopology(), { runId: 'r' });
    const zone = plan.probes.find((p) => p.key === 'network:ref/public-facing')!;
    const outside = plan.probes.find((p) => p.key === 'network:ref/public-facing#outside')!;
    t.equal(zone.dnsUpstream, 'isolated', 'the zone probe forwards unknown names nowhere');
    t.equal(outside.dnsUpstream, 'inherit', 'the outside-name probe keeps the engine upstream');
    t.match(outside.placement, { kind: 'network', network: { id: 'net-public-facing' } }, 'on the same network');
    t.equal(outside.label, 'network public-facing (outside names)');
    const names = (p: typeof zone) => p.plan.checks.map(checkHost);
    t.notOk(
      names(outside).some((n) => n === 'redis'),
      'no zone name is asked through the real upstream',
    );
    t.ok(names(outside).includes('outside.example'));
    t.notOk(names(zone).includes('outside.example'));
    t.same(
      plan.cells.filter((c) => c.kind === 'egress').map((c) => c.probeKey),
      ['network:ref/public-facing#outside', 'service:ref/api/ref_api_1'],
      'a service probe resolves as the service does: no split',
    );
    const ipOnly = planFor(
      parseScenario(
        `project: ref\ntimeout: 1s\ninternet: ["tcp://198.51.100.10:443"]\nexpect:\n  - from: { network: public-facing }\n    to: [internet, redis:6379]\n    reachable: false\n`,
        's.yml',
      ),
      referenceTopology(),
    );
    t.same(
      ipOnly.probes.map((p) => [p.key, p.dnsUpstream]),
      [['network:ref/public-facing', 'isolated']],
      'an address needs no upstream: one probe',
    );
  },
);

t.test(
  'a probe planned to run past six hours is refused before anything starts: no timer ever overflows',
  async (t) => {
    // 10 min per step, 10 retries, one check at a time: each value is allowed, together they would plan a probe of
    // weeks, past node's 2^31-1 ms timers (which then fire at once: every check unfinished).
    const targets = Array.from({ length: 20 }, (_, i) => `"http://proxy:8080/p${i}"`).join(', ');
    const s = applyOverrides(
      scenarioOf(`  - from: { network: public-facing }\n    to: [${targets}]\n    reachable: true\n`),
      { timeoutMs: 600_000, retries: 10 },
    );
    t.throws(() => planFor(s, referenceTopology(), { runId: 'r', concurrency: 1 }), {
      code: 'DP_USAGE',
      message:
        /^the probe network public-facing would be planned to run up to [\d.]+h \(\d+ checks, 1 at once, the slowest 5.5h with its steps and retries\): over the 6h a probe may run$/,
    });
    const fine = planFor(s, referenceTopology(), { runId: 'r', concurrency: 64 });
    t.ok(fine.probes[0]!.plan.deadlineMs <= 6 * 3_600_000, 'all at once, the same checks fit');
  },
);
