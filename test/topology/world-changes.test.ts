import t from 'tap';
import { judge } from '../../src/judge/judge.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { worldChanges } from '../../src/topology/world-changes.js';
import { fakeResults, healthy } from '../fixtures/observe.js';
import { container, INTERNAL, PUBLIC, referenceTopology } from '../fixtures/reference-topology.js';

// "Blocked" counts only for the world as it was read: a target that stopped, restarted, moved or gained a replica
// during the run makes a blocked cell inconclusive; what was reached stays reached.

const topology = referenceTopology();
const all = () => topology.services.flatMap((s) => s.containers).map((c) => ({ ...c, networks: [...c.networks] }));
const redisId = topology.services.find((s) => s.name === 'redis')!.containers[0]!.id;

t.test('no change, no entry', async (t) => {
  t.same([...worldChanges(topology, all())], []);
});

t.test('stopped, removed, restarted, moved, and a new replica are each named', async (t) => {
  const after = all();
  const redis = after.find((c) => c.id === redisId)!;
  Object.assign(redis, { state: 'exited', running: false });
  t.match(worldChanges(topology, after).get(redisId), [{ what: 'ref_redis_1 is exited (it was running)' }]);

  t.match(worldChanges(topology, after.filter((c) => c.id !== redisId)).get(redisId), [{ what: 'ref_redis_1 was removed' }]);

  const restarted = all();
  Object.assign(restarted.find((c) => c.id === redisId)!, { startedAt: '2026-11-26T10:00:05Z' });
  t.match(worldChanges(topology, restarted).get(redisId), [{ what: /^ref_redis_1 restarted \(started 2026-11-26T10:00:05Z, was 2026-11-26T10:00:00Z\)$/ }]);

  const moved = all();
  moved.find((c) => c.id === redisId)!.networks.push({ networkId: PUBLIC.id, networkName: PUBLIC.name, ipv4: '172.18.0.9', aliases: [] });
  t.match(worldChanges(topology, moved).get(redisId), [{ what: /^ref_redis_1 changed networks \(now ref_internal-backend=172\.19\.0\.2, ref_public-facing=172\.18\.0\.9/ }]);

  const scaled = [...all(), { ...container('redis', 6379, [[INTERNAL, '172.19.0.22']]), id: 'redis2'.padEnd(64, '0'), name: 'ref_redis_2' }];
  t.match(worldChanges(topology, scaled).get(redisId), [{ what: 'ref_redis_2 of service redis started during the run' }]);
});

t.test('the judge: a blocked cell resting on a changed container is inconclusive; reached stays reached', async (t) => {
  const s = parseScenario(
    `project: ref\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379, postgres:5432]\n    reachable: false\n  - from: { network: internal-backend }\n    to: [redis:6379]\n    reachable: true\n`,
    's.yml',
  );
  const plan = buildPlan(s.expectations, topology, { runId: 'r' });
  // Each probe sees its own zone: the public one reaches the public peers, the internal one reaches redis.
  const publicSide = fakeResults(plan, healthy(['proxy', 'frontend', 'api', '172.18.0.2', '172.18.0.4', '172.18.0.3']));
  const internalSide = fakeResults(plan, healthy(['redis', '172.19.0.2', '172.19.0.3', '172.19.0.4', '172.19.0.5']));
  const results = publicSide.map((r, i) => (r.probeKey.includes('internal-backend') ? internalSide[i]! : r));
  const stopped = all();
  Object.assign(stopped.find((c) => c.id === redisId)!, { state: 'exited', running: false });
  const { verdicts } = judge(plan, results, worldChanges(topology, stopped));
  t.same(verdicts.map((v) => [v.target, v.status, v.code]), [
    ['redis:6379', 'inconclusive', 'world-changed'],
    ['postgres:5432', 'pass', 'blocked'],
    ['redis:6379', 'pass', 'reached'],
  ]);
  t.match(verdicts[0]!.reason, /^the deployment changed during the run \(ref_redis_1 is exited \(it was running\)\), so "blocked: /);
  t.same(judge(plan, results).verdicts.map((v) => v.status), ['pass', 'pass', 'pass'], 'without the change, the same evidence passes');
});
