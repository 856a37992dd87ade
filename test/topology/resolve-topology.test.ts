import t from 'tap';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { UnknownNameError } from '../../src/errors/unknown-name-error.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { resolveTopology } from '../../src/topology/resolve-topology.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// What is deployed, read through Compose's labels from the fake engine: two projects, a plain Docker network.

const compose = (project: string, extra: Record<string, string> = {}) => ({
  'com.docker.compose.project': project,
  ...extra,
});

function deployment() {
  const engine = new FakeEngine();
  const pub = engine.networks.add({
    name: 'shop_public-facing',
    labels: compose('shop', { 'com.docker.compose.network': 'public-facing' }),
    subnets: ['172.18.0.0/16'],
  });
  const internal = engine.networks.add({
    name: 'shop_internal-backend',
    labels: compose('shop', { 'com.docker.compose.network': 'internal-backend' }),
    internal: true,
  });
  engine.networks.add({ name: 'blog_default', labels: compose('blog', { 'com.docker.compose.network': 'default' }) });
  engine.networks.add({ name: 'legacy-net' });
  const service = (name: string, labels: Record<string, string>, on = [pub]) =>
    engine.containers.add({ name, labels: compose('shop', labels) }, on);
  service('shop-proxy-1', { 'com.docker.compose.service': 'proxy', 'com.docker.compose.version': '2.40.3' });
  service('shop-redis-2', { 'com.docker.compose.service': 'redis', 'com.docker.compose.version': '1.29.2' }, [
    internal,
  ]);
  service('shop-redis-1', { 'com.docker.compose.service': 'redis', 'com.docker.compose.version': '2.40.3' }, [
    internal,
  ]);
  // `compose run` and dockprobe's own probes carry the project's labels too; neither is the deployment.
  service('shop-redis-run-3f2a', {
    'com.docker.compose.service': 'redis',
    'com.docker.compose.oneoff': 'True',
    'com.docker.compose.version': '2.40.3',
  });
  service('dockprobe-ab12-1', { 'com.docker.compose.service': 'prober', 'dockprobe.role': 'probe' });
  engine.containers.add({
    name: 'blog-web-1',
    labels: compose('blog', { 'com.docker.compose.service': 'web', 'com.docker.compose.version': '1.0.0' }),
  });
  return { engine, pub, internal };
}

const scenario = (body: string, file = 'stack.yml') => parseScenario(body, file);

t.test('services by Compose labels, one-off and probe containers left out, Compose versions collected', async (t) => {
  const { engine, pub } = deployment();
  const topology = await resolveTopology(
    [
      scenario(
        'project: shop\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379]\n    reachable: false\n',
      ),
    ],
    engine,
  );
  t.same(topology.engine, engine.system.answer);
  t.same(topology.projects, ['shop']);
  t.same(
    topology.services.map((s) => [s.project, s.name, s.containers.map((c) => c.name)]),
    [
      ['shop', 'proxy', ['shop-proxy-1']],
      ['shop', 'redis', ['shop-redis-1', 'shop-redis-2']],
    ],
    'containers of a service sorted by name; the one-off and the probe are not services',
  );
  t.same(
    topology.composeVersions,
    ['1.29.2', '2.40.3'],
    "the projects' versions, sorted, once each; other projects' are not read",
  );
  t.match(
    topology.networks.find((n) => n.id === pub.id),
    { name: 'shop_public-facing', project: 'shop', composeName: 'public-facing', subnets: ['172.18.0.0/16'] },
  );
  t.match(
    topology.networks.find((n) => n.name === 'legacy-net'),
    { project: undefined, composeName: undefined },
  );
});

t.test('an unknown project lists the projects that exist and suggests the closest', async (t) => {
  const { engine } = deployment();
  const error = await resolveTopology(
    [scenario('project: shopp\nexpect:\n  - from: host\n    to: [proxy:80]\n    reachable: false\n')],
    engine,
  ).catch((e: unknown) => e);
  t.type(error, UnknownNameError);
  t.match(error, { kind: 'project', unknown: 'shopp', available: ['blog', 'shop'], hint: "did you mean 'shop'?" });
  t.match(
    (error as Error).message,
    "unknown project 'shopp' (no container or network carries its Compose label); projects that exist: blog, shop",
  );
});

t.test(
  'a network by its Compose name in the project, or by its Docker name; an unknown one lists those of the project',
  async (t) => {
    const { engine } = deployment();
    const ok = (from: string) =>
      resolveTopology(
        [scenario(`project: shop\nexpect:\n  - from: { network: ${from} }\n    to: [proxy:80]\n    reachable: true\n`)],
        engine,
      );
    await t.resolves(ok('internal-backend'), 'Compose name');
    await t.resolves(ok('shop_internal-backend'), 'Docker name');
    await t.resolves(ok('legacy-net'), 'a network Compose did not make');
    const error = await ok('public').catch((e: unknown) => e);
    t.type(error, UnknownNameError);
    t.match(error, { kind: 'network', unknown: 'public', available: ['internal-backend', 'public-facing'] });
    t.match(
      (error as Error).message,
      "unknown network 'public' in project 'shop'; networks that exist: internal-backend, public-facing",
    );
  },
);

t.test('an unknown service names where the scenario says it', async (t) => {
  const { engine } = deployment();
  const text =
    'project: shop\nexpect:\n  - from: { network: public-facing }\n    to: [redis:6379, rediss:6379]\n    reachable: false\n';
  const error = await resolveTopology([scenario(text)], engine).catch((e: unknown) => e);
  t.match(error, { kind: 'service', unknown: 'rediss', available: ['proxy', 'redis'], hint: "did you mean 'redis'?" });
  t.match(
    (error as Error).message,
    "unknown service 'rediss' in project 'shop' (stack.yml:4:22); services that exist: proxy, redis",
  );
});

t.test('a service named without a project is a scenario error with its problem at file:line:col', async (t) => {
  const { engine } = deployment();
  const fromService = scenario(
    'expect:\n  - name: a compromised proxy\n    from: { service: proxy }\n    to: [tcp://10.0.0.5:5432]\n    reachable: false\n',
    'a.yml',
  );
  const e1 = await resolveTopology([fromService], engine).catch((e: unknown) => e);
  t.type(e1, ScenarioError);
  const hint1 = 'set `project:` in the scenario or pass --project';
  t.same((e1 as ScenarioError).problems, [
    { file: 'a.yml', line: 2, col: 5, message: "'from: { service: proxy }' needs a project", hint: hint1 },
  ]);
  t.equal(
    (e1 as Error).message,
    `a.yml:2:5: 'from: { service: proxy }' needs a project\n  hint: ${hint1}`,
    'what the user sees is unchanged',
  );
  t.match(e1, { code: 'DP_SCENARIO_INVALID' });

  const toService = scenario(
    'expect:\n  - from: { network: legacy-net }\n    to:\n      - tcp://10.0.0.5:5432\n      - redis:6379\n    reachable: false\n',
    'b.yml',
  );
  const e2 = await resolveTopology([toService], engine).catch((e: unknown) => e);
  t.type(e2, ScenarioError);
  t.match((e2 as ScenarioError).problems, [
    {
      file: 'b.yml',
      line: 5,
      col: 9,
      message: "target 'redis:6379' names a service, but no project is set",
      hint: /^set `project:` in the scenario or pass --project; a host outside the project/,
    },
  ]);
  t.equal((e2 as ScenarioError).problems.length, 1);
  t.match(
    (e2 as Error).message,
    /^b\.yml:5:9: target 'redis:6379' names a service, but no project is set\n  hint: set `project:`/,
  );
});

t.test('the host network and none are not zones: scenario errors that say what to write', async (t) => {
  const { parseScenario } = await import('../../src/scenario/parse-scenario.js');
  const { resolveTopology } = await import('../../src/topology/resolve-topology.js');
  const { FakeEngine } = await import('../fixtures/fake-engine.js');
  const engine = new FakeEngine();
  engine.networks.add({ name: 'host', driver: 'host' });
  engine.networks.add({ name: 'none', driver: 'null' });
  const from = (network: string) =>
    parseScenario(
      `expect:\n  - from: { network: ${network} }\n    to: [tcp://10.0.0.5:5432]\n    reachable: false\n`,
      'n.yml',
    );
  await t.rejects(resolveTopology([from('host')], engine), {
    code: 'DP_SCENARIO_INVALID',
    problems: [{ line: 2, message: /is the host's own network namespace/, hint: /from: host/ }],
  });
  await t.rejects(resolveTopology([from('none')], engine), {
    code: 'DP_SCENARIO_INVALID',
    problems: [{ line: 2, message: /has no network at all/ }],
  });
});

t.test(
  'traefik: the proxy named must exist in its project, the project is read, and a project is needed',
  async (t) => {
    const { engine } = deployment();
    const routes = (head: string) =>
      scenario(
        `${head}\nexpect:\n  - from: { network: legacy-net }\n    to: [tcp://10.0.0.5:80]\n    reachable: false\n`,
        't.yml',
      );
    await t.resolves(resolveTopology([routes('project: shop\ntraefik: { proxy: proxy }')], engine));
    const unknown = await resolveTopology([routes('project: shop\ntraefik: { proxy: proxi }')], engine).catch(
      (e: unknown) => e,
    );
    t.match(unknown, {
      kind: 'service',
      unknown: 'proxi',
      available: ['proxy', 'redis'],
      hint: "did you mean 'proxy'?",
    });
    t.match((unknown as Error).message, "unknown service 'proxi' in project 'shop' (t.yml:2:10)");
    const elsewhere = await resolveTopology([routes('project: shop\ntraefik: { proxy: web, project: blog }')], engine);
    t.same(elsewhere.projects, ['shop', 'blog'], "the proxy's own project is read too");
    await t.rejects(resolveTopology([routes('traefik: {}')], engine), {
      code: 'DP_SCENARIO_INVALID',
      problems: [
        {
          file: 't.yml',
          line: 1,
          col: 10,
          message: "'traefik' needs a project: the proxy and the services it routes are found in it",
        },
      ],
    });
  },
);

// The engine's description, its networks and the projects' containers are asked for at once; an engine that fails
// them all says so by the description's error, as when it was asked first.
t.test("the projects' containers are listed without waiting for the engine's description", async (t) => {
  const { engine } = deployment();
  const info = engine.system.info.bind(engine.system);
  let listedFirst = false;
  engine.system.info = async () => {
    // Answered only after a few turns of the event loop, by when a read that did not wait for it has begun.
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    listedFirst = engine.calls.includes('containers.list');
    return info();
  };
  const topology = await resolveTopology(
    [
      scenario(
        'project: shop\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:80]\n    reachable: true\n',
      ),
    ],
    engine,
  );
  t.ok(listedFirst, "the containers were asked for before the description's answer");
  t.same(
    topology.services.map((s) => s.name),
    ['proxy', 'redis'],
  );

  const down = deployment().engine;
  down.faults.set('networks.list', new Error('networks refused'));
  down.faults.set('system.info', new Error('engine down'));
  await t.rejects(
    resolveTopology(
      [
        scenario(
          'project: shop\nexpect:\n  - from: { network: public-facing }\n    to: [proxy:80]\n    reachable: true\n',
        ),
      ],
      down,
    ),
    { message: 'engine down' },
  );
});
