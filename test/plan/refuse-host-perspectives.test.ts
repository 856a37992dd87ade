import t from 'tap';
import type { EngineInfo } from '../../src/docker/system-client.js';
import { isDockprobeError } from '../../src/errors/dockprobe-error.js';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { planFrom } from '../fixtures/plan-from.js';
import {
  hostPerspectiveRefusal,
  refuseHostPlacements,
  refuseHostSources,
} from '../../src/plan/refuse-host-perspectives.js';
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
  const error = t.throws(() => refuseHostSources([scenario], remote)) as ScenarioError;
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
  t.doesNotThrow(() => refuseHostSources([scenario], { ...remote, remote: false }));
  t.doesNotThrow(() => refuseHostSources([scenario], { endpoint: 'unix:///var/run/docker.sock' }));
  const zones = { ...scenario, expectations: scenario.expectations.filter((e) => e.from.kind === 'service') };
  t.doesNotThrow(() => refuseHostSources([zones], remote));
});

t.test("a plan's host placements (a drill's --from lan): exit 2 naming them and the endpoint", async (t) => {
  try {
    refuseHostPlacements(planFrom('network', 'lan'), remote);
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
  t.doesNotThrow(() => refuseHostPlacements(planFrom('network'), remote));
  t.doesNotThrow(() => refuseHostPlacements(planFrom('host', 'lan'), { ...remote, remote: false }));
});

// A rootless engine (docker info: name=rootless) on this host: `from: lan` is refused with its reason (the host has no
// route to the containers behind RootlessKit); `from: host` stays, since RootlessKit binds the published ports on the
// host's addresses (run/rootless-host-place.ts refuses it from RootlessKit's own namespace).
const rootless: Pick<EngineInfo, 'endpoint' | 'context' | 'remote' | 'rootless'> = {
  endpoint: 'unix:///run/user/1000/docker.sock',
  remote: false,
  rootless: true,
};

t.test('rootless: from: lan refused at its file:line:col with the reason; from: host and the zones run', async (t) => {
  const error = t.throws(() => refuseHostSources([scenario], rootless)) as ScenarioError;
  t.ok(error instanceof ScenarioError);
  t.same(
    error.problems.map((p) => `${p.file}:${p.line}:${p.col}`),
    ['remote.yml:11:5'],
    'only the LAN expectation',
  );
  t.match(
    error.problems[0]!.message,
    /^'neighbour': from: lan makes a LAN neighbour beside the engine's host .*, and the engine at unix:\/\/\/run\/user\/1000\/docker\.sock \(local\) is rootless: its bridges and container addresses live in RootlessKit's network namespace, behind slirp4netns or pasta, and the host has no route to them/,
  );
  t.match(
    error.problems[0]!.hint,
    /^what the LAN reaches of a rootless engine is the ports RootlessKit binds on the host's addresses: `from: host` knocks on them instead of these expectations .*; the others run from here$/,
  );
  const withoutLan = { ...scenario, expectations: scenario.expectations.filter((e) => e.from.kind !== 'lan') };
  t.doesNotThrow(() => refuseHostSources([withoutLan], rootless));
});

t.test("rootless: a plan's LAN placement (drill --from lan) is exit 2 with the reason; host is not", async (t) => {
  t.throws(() => refuseHostPlacements(planFrom('host', 'lan'), rootless), {
    code: 'DP_USAGE',
    message:
      /^from lan makes a LAN neighbour .*; and the engine at unix:\/\/\/run\/user\/1000\/docker\.sock \(local\) is rootless: .*RootlessKit's network namespace/,
    hint: /`from: host` knocks on them instead of it/,
  });
  t.doesNotThrow(() => refuseHostPlacements(planFrom('host', 'network'), rootless));
});

t.test('each perspective on each kind of engine: the position in one table', async (t) => {
  const engines = {
    local: { endpoint: 'unix:///var/run/docker.sock', remote: false },
    remote,
    rootless,
    'remote and rootless': { ...remote, rootless: true },
  };
  const table = Object.fromEntries(
    Object.entries(engines).map(([name, engine]) => [
      name,
      {
        host: hostPerspectiveRefusal('host', engine) ? 'refused' : 'runs',
        lan: hostPerspectiveRefusal('lan', engine) ? 'refused' : 'runs',
      },
    ]),
  );
  t.same(table, {
    local: { host: 'runs', lan: 'runs' },
    remote: { host: 'refused', lan: 'refused' },
    rootless: { host: 'runs', lan: 'refused' },
    'remote and rootless': { host: 'refused', lan: 'refused' },
  });
  t.match(hostPerspectiveRefusal('lan', { ...remote, rootless: true })?.why, /runs on another host$/, 'remote first');
});
