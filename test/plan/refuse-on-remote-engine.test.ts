import t from 'tap';
import type { EngineInfo } from '../../src/docker/system-client.js';
import { isDockprobeError } from '../../src/errors/dockprobe-error.js';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { planFrom } from '../fixtures/plan-from.js';
import { refuseHostPlacementsOnRemote, refuseHostSourcesOnRemote } from '../../src/plan/refuse-on-remote-engine.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';

// `from: host` and `from: lan` on a remote engine: refused before any probe (exit 2), at each expectation's
// file:line:col, naming the perspective, the endpoint and how to run it on the engine's host; never a check made
// from the wrong machine. On a local engine nothing is refused.

const scenario = parseScenario(
  `project: p
expect:
  - name: zones
    from: { service: api }
    to: [db:5432]
    reachable: true
  - name: published
    from: host
    to: [proxy:8080]
    reachable: true
  - name: neighbour
    from: lan
    to: [proxy:8080]
    reachable: false
`,
  'remote.yml',
);
const remote: Pick<EngineInfo, 'endpoint' | 'context' | 'remote'> = {
  endpoint: 'tcp://203.0.113.7:2376',
  context: 'prod',
  remote: true,
};

t.test('each host perspective at its file:line:col, with the endpoint and the way to run it there', async (t) => {
  const error = t.throws(() => refuseHostSourcesOnRemote([scenario], remote)) as ScenarioError;
  t.ok(error instanceof ScenarioError);
  t.equal(error.code, 'DP_SCENARIO_INVALID');
  t.same(
    error.problems.map((p) => `${p.file}:${p.line}:${p.col}`),
    ['remote.yml:7:5', 'remote.yml:11:5'],
  );
  t.match(
    error.problems[0]!.message,
    /^'published': from: host runs its checks in dockprobe's own process, on the engine's host: the ports the engine publishes/,
  );
  t.match(
    error.problems[0]!.message,
    /the engine at tcp:\/\/203\.0\.113\.7:2376 \(remote, context prod\) runs on another host$/,
  );
  t.match(error.problems[1]!.message, /^'neighbour': from: lan makes a LAN neighbour beside the engine's host/);
  t.match(error.problems[0]!.hint, /dockprobe image build-self.*--network host.*docs\/container\.md/);
});

t.test('a local engine, or a remote one with no host perspective: nothing refused', async (t) => {
  t.doesNotThrow(() => refuseHostSourcesOnRemote([scenario], { ...remote, remote: false }));
  t.doesNotThrow(() => refuseHostSourcesOnRemote([scenario], { endpoint: 'unix:///var/run/docker.sock' }));
  const zones = { ...scenario, expectations: scenario.expectations.filter((e) => e.from.kind === 'service') };
  t.doesNotThrow(() => refuseHostSourcesOnRemote([zones], remote));
});

t.test("a plan's host placements (a drill's --from lan): exit 2 naming them and the endpoint", async (t) => {
  try {
    refuseHostPlacementsOnRemote(planFrom('network', 'lan'), remote);
    t.fail('not refused');
  } catch (error) {
    if (!isDockprobeError(error)) throw error;
    t.equal(error.code, 'DP_USAGE');
    t.match(
      error.message,
      /^from lan makes a LAN neighbour beside the engine's host .*; and the engine at tcp:\/\/203\.0\.113\.7:2376 \(remote, context prod\) runs on another host$/,
    );
    t.match(error.hint, /^run it on the engine's host/);
  }
  t.doesNotThrow(() => refuseHostPlacementsOnRemote(planFrom('network'), remote));
  t.doesNotThrow(() => refuseHostPlacementsOnRemote(planFrom('host', 'lan'), { ...remote, remote: false }));
});
