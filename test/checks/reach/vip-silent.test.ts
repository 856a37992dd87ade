import t from 'tap';
import { planFor, scenarioOf } from '../../fixtures/pipeline.js';
import type { SwarmService } from '../../../src/docker/swarm-client.js';
import { judge } from '../../../src/judge/judge.js';
import type { Topology } from '../../../src/topology/topology.js';
import { fakeResults, healthy, type Oracle } from '../../fixtures/observe.js';
import { referenceTopology } from '../../fixtures/reference-topology.js';

// A swarm service's plain name gives its virtual IP, balanced by IPVS; `tasks.<service>` gives its tasks. On a kernel
// without IPVS (this machine's) every VIP times out while the tasks answer: that is broken load balancing, and a
// verdict must say so rather than "no answer" as if the service were isolated or down.

function withVipApi(endpointMode: 'vip' | 'dnsrr'): Topology {
  const topology = referenceTopology();
  topology.services = topology.services.map((s) =>
    s.name === 'api'
      ? { ...s, swarm: { fullName: 'ref_api', service: { endpointMode } as SwarmService, tasks: [] } }
      : s,
  );
  return topology;
}

const scenario = (reachable: boolean) =>
  scenarioOf(`  - from: { network: public-facing }\n    to: [api:3001]\n    reachable: ${reachable}\n`);
const PEERS = ['proxy', 'frontend', '172.18.0.2', '172.18.0.4'];

/** The VIP (the plain name) as `vip` says; the task name as `tasks` says. */
function oracle(vip: 'open' | 'timeout', tasks: 'open' | 'timeout'): Oracle {
  return (check) => {
    if (check.kind === 'tcp' && check.host === 'api') return { outcome: vip, address: '10.0.1.2', port: 3001 };
    if (check.kind === 'tcp' && check.host === 'tasks.ref_api')
      return { outcome: tasks, address: '10.0.1.5', port: 3001 };
    return healthy(PEERS)(check);
  };
}

t.test('a VIP service is also tried through tasks.<service>; a dnsrr one is not', async (t) => {
  const vip = planFor(scenario(true), withVipApi('vip'));
  t.same(
    vip.cells[0]!.attempts.map((a) => [a.via, a.description]),
    [
      ['name', 'api:3001 by name'],
      ['tasks', 'tasks.ref_api:3001 by name (the task addresses, not the VIP)'],
    ],
  );
  const dnsrr = planFor(scenario(true), withVipApi('dnsrr'));
  t.same(
    dnsrr.cells[0]!.attempts.map((a) => a.via),
    ['name'],
  );
});

t.test('VIP silent while the tasks answer: FAIL vip-silent, naming both', async (t) => {
  const plan = planFor(scenario(true), withVipApi('vip'));
  const { verdicts } = judge(plan, fakeResults(plan, oracle('timeout', 'open')));
  t.same([verdicts[0]!.status, verdicts[0]!.code], ['fail', 'vip-silent']);
  t.match(
    verdicts[0]!.reason,
    /virtual IP 10\.0\.1\.2:3001 did not answer \(timeout\) while its tasks did \(open 10\.0\.1\.5:3001\)/,
  );
});

t.test(
  'both silent is no answer; the VIP answering is a pass; expected blocked, the tasks are one more way in',
  async (t) => {
    const plan = planFor(scenario(true), withVipApi('vip'));
    t.equal(judge(plan, fakeResults(plan, oracle('timeout', 'timeout'))).verdicts[0]!.code, 'no-answer');
    t.equal(judge(plan, fakeResults(plan, oracle('open', 'open'))).verdicts[0]!.code, 'reached');
    const blocked = planFor(scenario(false), withVipApi('vip'));
    const breach = judge(blocked, fakeResults(blocked, oracle('timeout', 'open'))).verdicts[0]!;
    t.same([breach.status, breach.code], ['fail', 'reached'], 'a task reached behind a silent VIP is still a breach');
  },
);
