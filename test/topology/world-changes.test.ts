import t from 'tap';
import { planFor } from '../fixtures/pipeline.js';
import { judge } from '../../src/judge/judge.js';
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

  t.match(
    worldChanges(
      topology,
      after.filter((c) => c.id !== redisId),
    ).get(redisId),
    [{ what: 'ref_redis_1 was removed' }],
  );

  const restarted = all();
  Object.assign(restarted.find((c) => c.id === redisId)!, { startedAt: '2026-11-26T10:00:05Z' });
  t.match(worldChanges(topology, restarted).get(redisId), [
    { what: /^ref_redis_1 restarted \(started 2026-11-26T10:00:05Z, was 2026-11-26T10:00:00Z\)$/ },
  ]);

  const moved = all();
  moved
    .find((c) => c.id === redisId)!
    .networks.push({ networkId: PUBLIC.id, networkName: PUBLIC.name, ipv4: '172.18.0.9', aliases: [] });
  t.match(worldChanges(topology, moved).get(redisId), [
    { what: /^ref_redis_1 changed networks \(now ref_internal-backend=172\.19\.0\.2, ref_public-facing=172\.18\.0\.9/ },
  ]);

  const scaled = [
    ...all(),
    { ...container('redis', 6379, [[INTERNAL, '172.19.0.22']]), id: 'redis2'.padEnd(64, '0'), name: 'ref_redis_2' },
  ];
  t.match(worldChanges(topology, scaled).get(redisId), [
    { what: 'ref_redis_2 of service redis started during the run' },
  ]);
});

t.test('the judge: a blocked cell resting on a changed container is inconclusive; reached stays reached', async (t) => {
  const s = parseScenario(
    `project: ref\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379, postgres:5432]\n    reachable: false\n  - from: { network: internal-backend }\n    to: [redis:6379]\n    reachable: true\n`,
    's.yml',
  );
  const plan = planFor(s, topology);
  // Each probe sees its own zone: the public one reaches the public peers, the internal one reaches redis.
  const publicSide = fakeResults(plan, healthy(['proxy', 'frontend', 'api', '172.18.0.2', '172.18.0.4', '172.18.0.3']));
  const internalSide = fakeResults(plan, healthy(['redis', '172.19.0.2', '172.19.0.3', '172.19.0.4', '172.19.0.5']));
  const results = publicSide.map((r, i) => (r.probeKey.includes('internal-backend') ? internalSide[i]! : r));
  const stopped = all();
  Object.assign(stopped.find((c) => c.id === redisId)!, { state: 'exited', running: false });
  const { verdicts } = judge(plan, results, { changes: worldChanges(topology, stopped), networkEvents: [] });
  t.same(
    verdicts.map((v) => [v.target, v.status, v.code]),
    [
      ['redis:6379', 'inconclusive', 'world-changed'],
      ['postgres:5432', 'pass', 'blocked'],
      ['redis:6379', 'pass', 'reached'],
    ],
  );
  t.match(
    verdicts[0]!.reason,
    /^the deployment changed during the run \(ref_redis_1 is exited \(it was running\)\), so "blocked: /,
  );
  t.same(
    judge(plan, results).verdicts.map((v) => v.status),
    ['pass', 'pass', 'pass'],
    'without the change, the same evidence passes',
  );
});

t.test(
  'the engine events of the window: a container that died and came back, a network joined; our own probes are not changes',
  async (t) => {
    const { eventChanges } = await import('../../src/topology/world-changes.js');
    const changes = worldChanges(topology, all());
    const base = Date.UTC(2026, 10, 26, 10, 0, 1);
    const networkEvents = eventChanges(
      topology,
      [
        // Up to a second before the window (the API's whole seconds): the deployment starting, not a change.
        {
          type: 'network',
          action: 'connect',
          id: 'net-y',
          attributes: { name: 'ref_internal-backend', container: redisId },
          timeMs: base - 400,
        },
        { type: 'container', action: 'die', id: redisId, attributes: { name: 'ref_redis_1' }, timeMs: base },
        {
          type: 'container',
          action: 'die',
          id: 'probe'.padEnd(64, '0'),
          attributes: { name: 'dockprobe-r-1', 'dockprobe.run': 'r' },
          timeMs: base,
        },
        {
          type: 'network',
          action: 'connect',
          id: 'net-x',
          attributes: { name: 'ref_public-facing', container: redisId },
          timeMs: base + 5,
        },
        { type: 'network', action: 'create', id: 'n2', attributes: { name: 'other_default' }, timeMs: base + 10 },
      ],
      'r',
      changes,
      base,
    );
    t.same(
      changes.get(redisId)?.map((c) => c.what),
      [
        "ref_redis_1 got 'die' at 10:00:01.000",
        'ref_redis_1 was connected to network ref_public-facing at 10:00:01.005',
      ],
    );
    t.same(networkEvents, ['network other_default created at 10:00:01.010']);
    t.equal(changes.size, 1, 'the probe of the run itself is not a change');
  },
);

t.test('a breach seen while a network was created says so, and stays a finding', async (t) => {
  const s = parseScenario(
    `project: ref\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n`,
    's.yml',
  );
  const plan = planFor(s, topology);
  const leaked = fakeResults(plan, (c) =>
    c.kind === 'tcp' && c.host === '172.19.0.2'
      ? { outcome: 'open', address: '172.19.0.2', port: 6379 }
      : healthy(['proxy', 'frontend', 'api', '172.18.0.2', '172.18.0.4', '172.18.0.3'])(c),
  );
  const { verdicts } = judge(plan, leaked, {
    changes: new Map(),
    networkEvents: ['network other_default created at 10:00:01.010'],
  });
  t.equal(verdicts[0]!.status, 'fail');
  t.match(
    verdicts[0]!.reason,
    /\(during the run: network other_default created at 10:00:01\.010; dockerd re-inserts its isolation rules .*moby\/moby#43585.*--repeat\)$/,
  );
});
