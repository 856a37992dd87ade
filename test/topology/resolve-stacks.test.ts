import t from 'tap';
import { ScenarioError } from '../../src/errors/scenario-error.js';
import { UnknownNameError } from '../../src/errors/unknown-name-error.js';
import { applyOverrides } from '../../src/scenario/apply-overrides.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { resolveNames } from '../../src/topology/resolve-names.js';
import { resolveTopology } from '../../src/topology/resolve-topology.js';
import { containerStates, findNetwork, findService, remoteTasks } from '../../src/topology/topology.js';
import { FakeEngine } from '../fixtures/fake-engine.js';
import { swarmDeployment } from '../fixtures/swarm-deployment.js';

// Swarm stacks as projects: read from the fake manager (and a worker), names resolved across a list of projects.

const scenario = (head: string, body: string, file = 's.yml') => parseScenario(`${head}\nexpect:\n${body}`, file);
const entry = (from: string, to: string, reachable = false) =>
  `  - from: ${from}\n    to: ${to}\n    reachable: ${reachable}\n`;
const both = 'project: [glasck, glasck-app]';

t.test(
  "two stacks: services by their short names, with this node's containers and their tasks on every node",
  async (t) => {
    const { engine, networks, tasks } = swarmDeployment();
    const topology = await resolveTopology([scenario(both, entry('{ network: public-facing }', '[api:3001]'))], engine);
    t.same(topology.projects, ['glasck', 'glasck-app']);
    t.same(topology.stacks, ['glasck', 'glasck-app']);
    t.match(topology.swarm, { nodeId: 'node-a', manager: true, nodes: [{ hostname: 'vps-1' }, { hostname: 'vps-2' }] });
    t.same(
      topology.services.map((s) => [
        s.project,
        s.name,
        s.swarm?.fullName,
        s.containers.length,
        s.swarm?.tasks.map((x) => `${x.node?.hostname}${x.local ? ' (here)' : ''}`),
      ]),
      [
        ['glasck', 'traefik', 'glasck_traefik', 1, ['vps-1 (here)']],
        ['glasck', 'web', 'glasck_web', 1, ['vps-1 (here)']],
        ['glasck-app', 'api', 'glasck-app_api', 1, ['vps-1 (here)', 'vps-2']],
        ['glasck-app', 'db', 'glasck-app_db', 0, ['vps-2']],
        ['glasck-app', 'web', 'glasck-app_web', 1, ['vps-1 (here)']],
      ],
    );
    const db = findService(topology, 'glasck-app', 'db')!;
    t.same(
      remoteTasks(db).map((x) => x.id),
      [tasks.db1.id],
      'the database runs only on vps-2: known from the manager',
    );
    t.equal(containerStates(db), 'no container on this node, task glasck-app_db.1 running on node vps-2');
    t.equal(findService(topology, 'glasck-app', 'glasck-app_api')?.name, 'api', 'a service by its real name too');

    const pub = topology.networks.find((n) => n.id === networks.publicFacing.id)!;
    t.match(
      pub,
      { project: 'glasck', composeName: 'public-facing', joinedBy: ['glasck-app'] },
      "the infra stack's overlay, joined by the app stack",
    );
    t.equal(topology.networks.filter((n) => n.name === 'glasck_public-facing').length, 1, 'one network per id');
    t.equal(
      findNetwork(topology, 'glasck-app', 'public-facing'),
      pub,
      'found by its short name from the stack that joins it',
    );
    t.equal(findNetwork(topology, undefined, 'glasck_public-facing'), pub, 'and by its real name');
    t.match(
      topology.networks.find((n) => n.name === 'ingress'),
      { ingress: true, project: undefined },
    );
    t.notOk(
      topology.networks.find((n) => n.name === 'ingress')?.joinedBy,
      'the routing mesh is joined by nobody: it is not a zone',
    );
    t.same(topology.composeVersions, []);
  },
);

t.test(
  'names resolve across the list and are pinned to the stack that holds them; a single project stays as it was',
  async (t) => {
    const { engine } = swarmDeployment();
    const s = scenario(
      both,
      entry('{ service: api }', '[db:5432, "http://traefik:80/"]') +
        entry('{ network: public-facing }', '[{ service: db, port: 5432 }]') +
        entry('{ network: default }', '[api:3001]', true),
    );
    t.equal(
      s.expectations[0]!.from.kind === 'service' && s.expectations[0]!.from.project,
      undefined,
      'with several projects, nothing is pinned before the engine is read',
    );
    const topology = await resolveTopology([s], engine);
    const resolved = resolveNames(s, topology);
    const [first, second, third] = resolved.expectations;
    t.same(first!.from, { kind: 'service', service: 'api', project: 'glasck-app' });
    t.same(
      first!.to.map((x) => x.kind !== 'internet' && x.host.kind === 'service' && x.host.project),
      ['glasck-app', 'glasck'],
    );
    t.same(
      second!.from,
      { kind: 'network', network: 'public-facing', project: 'glasck' },
      "the overlay is the infra stack's",
    );
    t.same(third!.from, { kind: 'network', network: 'default', project: 'glasck-app' });

    const single = scenario('project: glasck-app', entry('{ network: public-facing }', '[api:3001]'));
    const topology1 = await resolveTopology([single], engine);
    t.same(
      resolveNames(single, topology1),
      single,
      'one project: the joined overlay is found from the app stack, and nothing moves',
    );
  },
);

t.test(
  'a service in two listed stacks is an error listing both, at its position; so is a short network name',
  async (t) => {
    const { engine } = swarmDeployment();
    const error = await resolveTopology(
      [scenario(both, entry('{ network: public-facing }', '[api:3001, web:8080]'))],
      engine,
    ).catch((e: unknown) => e);
    t.type(error, ScenarioError);
    t.same((error as ScenarioError).problems, [
      {
        file: 's.yml',
        line: 4,
        col: 20,
        message: "service 'web' is in 2 of the listed projects: glasck (stack), glasck-app (stack)",
        hint: 'say which: { service: web, port: …, project: glasck }',
      },
    ]);
    const fromBoth = await resolveTopology([scenario(both, entry('{ service: web }', '[api:3001]'))], engine).catch(
      (e: unknown) => e,
    );
    t.match(fromBoth, {
      problems: [
        {
          line: 3,
          message: "service 'web' is in 2 of the listed projects: glasck (stack), glasck-app (stack)",
          hint: 'say which: from: { service: web, project: glasck }',
        },
      ],
    });
    await t.resolves(
      resolveTopology(
        [
          scenario(
            both,
            entry('{ service: web, project: glasck-app }', '[{ service: web, port: 8080, project: glasck }]'),
          ),
        ],
        engine,
      ),
      "an entry's own project settles it",
    );

    engine.networks.add({
      name: 'glasck_default',
      driver: 'overlay',
      scope: 'swarm',
      labels: { 'com.docker.stack.namespace': 'glasck' },
    });
    const net = await resolveTopology([scenario(both, entry('{ network: default }', '[api:3001]'))], engine).catch(
      (e: unknown) => e,
    );
    t.match(net, {
      problems: [
        {
          line: 3,
          message:
            "network 'default' is in 2 of the listed projects: glasck-app (glasck-app_default), glasck (glasck_default)",
          hint: 'say which: name it by its Docker name: { network: glasck-app_default }',
        },
      ],
    });
  },
);

t.test('unknown names across a list: what exists in every listed project, with a suggestion', async (t) => {
  const { engine } = swarmDeployment();
  const service = await resolveTopology(
    [scenario(both, entry('{ network: public-facing }', '[dbb:5432]'))],
    engine,
  ).catch((e: unknown) => e);
  t.type(service, UnknownNameError);
  t.match(service, {
    kind: 'service',
    unknown: 'dbb',
    available: ['api', 'db', 'traefik', 'web'],
    hint: "did you mean 'db'?",
  });
  t.match(
    (service as Error).message,
    "unknown service 'dbb' in projects 'glasck', 'glasck-app' (s.yml:4:10); services that exist: api, db, traefik, web",
  );
  const network = await resolveTopology(
    [scenario(both, entry('{ network: internal-backend }', '[api:3001]'))],
    engine,
  ).catch((e: unknown) => e);
  t.match(network, { kind: 'network', available: ['default', 'internal', 'public-facing'] });
  t.match((network as Error).message, "unknown network 'internal-backend' in projects 'glasck', 'glasck-app'");
});

t.test(
  'a project may be a stack or a Compose project; neither is an error naming both kinds, with suggestions',
  async (t) => {
    const { engine } = swarmDeployment();
    const mixed = await resolveTopology(
      [
        scenario(
          'project: [shop, glasck-app]',
          entry('host', '[db:5432]') + entry('{ service: web, project: shop }', '[web:80]'),
        ),
      ],
      engine,
    );
    t.same(mixed.stacks, ['glasck-app'], 'shop is a Compose project, not a stack');
    t.same(
      mixed.services.map((s) => `${s.project}/${s.name}`),
      ['shop/web', 'glasck-app/api', 'glasck-app/db', 'glasck-app/web'],
    );
    const error = await resolveTopology([scenario('project: glasck-ap', entry('host', '[api:3001]'))], engine).catch(
      (e: unknown) => e,
    );
    t.match(error, {
      kind: 'project',
      unknown: 'glasck-ap',
      available: ['glasck', 'glasck-app', 'shop'],
      hint: "did you mean 'glasck-app'?",
    });
    t.match(
      (error as Error).message,
      "unknown project 'glasck-ap' (no container, network or service carries its Compose label or its stack label); projects that exist: glasck, glasck-app, shop",
    );
  },
);

t.test('the routing mesh and docker_gwbridge are not zones: scenario errors that say what to write', async (t) => {
  const { engine } = swarmDeployment();
  const from = (network: string) =>
    resolveTopology([scenario(both, entry(`{ network: ${network} }`, '[api:3001]'))], engine);
  await t.rejects(from('ingress'), {
    code: 'DP_SCENARIO_INVALID',
    problems: [
      {
        line: 3,
        message:
          "network 'ingress' is the swarm's routing mesh (ingress): it carries published ports to tasks, it is not a zone containers share",
        hint: /from: host/,
      },
    ],
  });
  await t.rejects(from('docker_gwbridge'), {
    code: 'DP_SCENARIO_INVALID',
    problems: [{ line: 3, message: /docker_gwbridge\), not a zone/ }],
  });
});

t.test('--project with a list reaches every name: pinned ones are moved, then resolved across the list', async (t) => {
  const { engine } = swarmDeployment();
  const s = applyOverrides(scenario('project: shop', entry('{ service: api }', '[db:5432]')), {
    project: ['glasck', 'glasck-app'],
  });
  t.same(s.projects, ['glasck', 'glasck-app']);
  t.equal(s.expectations[0]!.from.kind === 'service' && s.expectations[0]!.from.project, undefined);
  const resolved = resolveNames(s, await resolveTopology([s], engine));
  t.same(resolved.expectations[0]!.from, { kind: 'service', service: 'api', project: 'glasck-app' });
  const one = applyOverrides(scenario('project: [a, b]', entry('{ service: api }', '[db:5432]')), {
    project: 'glasck-app',
  });
  t.same(
    [one.projects, one.expectations[0]!.from],
    [['glasck-app'], { kind: 'service', service: 'api', project: 'glasck-app' }],
    'a single project pins every name at once',
  );
});

t.test(
  'traefik across a list: the proxy is found in the one stack where Traefik runs, or where the named service is',
  async (t) => {
    const { engine } = swarmDeployment();
    const routes = (traefik: string) =>
      scenario(`${both}\ntraefik: ${traefik}`, entry('{ network: public-facing }', '[api:3001]'));
    const found = (s: Scenario) => resolveTopology([s], engine).then((topology) => resolveNames(s, topology).traefik);
    t.match(await found(routes('{}')), { proxy: undefined, project: 'glasck' });
    t.match(await found(routes('{ proxy: traefik }')), { proxy: 'traefik', project: 'glasck' });
    await t.rejects(found(routes('{ proxy: web }')), {
      code: 'DP_SCENARIO_INVALID',
      problems: [{ message: "service 'web' is in 2 of the listed projects: glasck (stack), glasck-app (stack)" }],
    });
    const none = scenario('project: [glasck-app, shop]\ntraefik: {}', entry('{ network: default }', '[api:3001]'));
    await t.rejects(found(none), {
      code: 'DP_SCENARIO_INVALID',
      problems: [
        {
          line: 2,
          col: 10,
          message:
            "no Traefik proxy in projects 'glasck-app', 'shop': no service runs a traefik image or a traefik command (services: api, db, web)",
        },
      ],
    });
  },
);

t.test(
  'a worker sees its own task containers only: no swarm-wide call is made, and stacks still resolve',
  async (t) => {
    const { engine } = swarmDeployment({ manager: false });
    const topology = await resolveTopology([scenario(both, entry('{ service: api }', '[traefik:80]'))], engine);
    t.notOk(
      engine.calls.some((c) => /swarm.listServices|swarm.listTasks|swarm.listNodes/.test(c)),
      engine.calls.join(', '),
    );
    t.match(topology.swarm, { nodeId: 'node-a', manager: false, nodes: [] });
    t.same(
      topology.services.map((s) => [s.name, s.swarm?.service, s.swarm?.tasks.length]),
      [
        ['traefik', undefined, 0],
        ['web', undefined, 0],
        ['api', undefined, 0],
        ['web', undefined, 0],
      ],
    );
    t.match(
      topology.networks.find((n) => n.name === 'glasck_public-facing'),
      { joinedBy: ['glasck-app'] },
      'what joins what is seen from the containers here',
    );
    await t.rejects(
      resolveTopology([scenario(both, entry('{ network: public-facing }', '[db:5432]'))], engine),
      { code: 'DP_UNKNOWN_NAME', kind: 'service', unknown: 'db' },
      'a service with no task here is unknown to a worker',
    );
  },
);

t.test(
  'outside a swarm nothing changes: no stack label is asked for, and the topology has no swarm facts',
  async (t) => {
    const engine = new FakeEngine();
    engine.networks.add({
      name: 'shop_default',
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.network': 'default' },
    });
    engine.containers.add({
      name: 'shop-web-1',
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
    });
    const topology = await resolveTopology(
      [scenario('project: shop', entry('{ network: default }', '[web:80]'))],
      engine,
    );
    t.same(engine.calls, ['system.info', 'networks.list', 'containers.list']);
    t.notOk('stacks' in topology || 'swarm' in topology);
    const error = await resolveTopology([scenario('project: glasck', entry('host', '[web:80]'))], engine).catch(
      (e: unknown) => e,
    );
    t.match(
      (error as Error).message,
      "unknown project 'glasck' (no container or network carries its Compose label); projects that exist: shop",
    );
  },
);

t.test('on a swarm, naming a service without a project says that a stack is a project', async (t) => {
  const { engine } = swarmDeployment();
  const error = await resolveTopology(
    [scenario('timeout: 1s', entry('{ network: glasck_public-facing }', '[api:3001]'))],
    engine,
  ).catch((e: unknown) => e);
  t.match(error, {
    problems: [
      {
        message: "target 'api:3001' names a service, but no project is set",
        hint: /on a swarm, a stack is a project: project: STACK, and its services go by their names in the stack file \(api, not STACK_api\)$/,
      },
    ],
  });
});
