import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import t from 'tap';
import { exitCodeForNetworks } from '../../src/cli/exit-code.js';
import { checkNetworks } from '../../src/networks/check-networks.js';
import { jsonNetworksReport } from '../../src/networks/json-networks-report.js';
import { prettyNetworksReport } from '../../src/networks/pretty-networks-report.js';
import { colors } from '../../src/report/colors.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// `dockprobe networks`: networks that outlived their Compose project, stack or dockprobe run, on the fake engine.
// Each case: what is stale, what holds it, the commands that free it, what a removal does, and the exit code.

const compose = (project: string) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.network': 'default',
});
const stack = (name: string) => ({ 'com.docker.stack.namespace': name });
const deadRun = {
  'dockprobe.run': 'dead0001',
  'dockprobe.pid': String(spawnSync('true').pid),
  'dockprobe.host': hostname(),
};
const liveRun = { 'dockprobe.run': 'live0001', 'dockprobe.pid': String(process.ppid), 'dockprobe.host': hostname() };
const otherHost = { 'dockprobe.run': 'far00001', 'dockprobe.pid': '4242', 'dockprobe.host': 'elsewhere' };

t.test(
  'a Compose project with no container left: its network is stale, nothing holds it, one command frees it',
  async (t) => {
    const engine = new FakeEngine();
    engine.networks.add({ name: 'shop_default', labels: compose('shop') });
    const live = engine.networks.add({ name: 'blog_default', labels: compose('blog') });
    engine.containers.add(
      { name: 'blog-web-1', state: 'exited', running: false, labels: { 'com.docker.compose.project': 'blog' } },
      [live],
    );
    engine.networks.add({ name: 'by-hand' });
    const report = await checkNetworks(engine);
    t.same(
      report.stale.map((s) => [s.name, s.owner, s.why, s.holders, s.steps]),
      [
        [
          'shop_default',
          { kind: 'compose-project', name: 'shop' },
          'Compose project shop has no container left',
          [],
          ['docker network rm shop_default'],
        ],
      ],
      'a project with a stopped container is not gone (compose down removes those); a network no label ties to anyone is not judged',
    );
    t.equal(exitCodeForNetworks(report, true), 1, 'a stale network left: a finding');
    t.notOk(
      engine.calls.some((c) => c.startsWith('networks.remove')),
      'it reports; it removes nothing unasked',
    );
    t.equal(
      prettyNetworksReport(report, colors(false), { listStale: true }),
      [
        'stale network shop_default (net-1, bridge, local scope): Compose project shop has no container left',
        '  nothing holds it',
        '  frees it: docker network rm shop_default',
        '1 stale network: 1 left, 0 held (dockprobe removes its own with --remove-own, any other with --remove NAME)',
        '',
      ].join('\n'),
    );
  },
);

t.test('nothing stale: exit 0, and the report says so', async (t) => {
  const engine = new FakeEngine();
  const net = engine.networks.add({ name: 'blog_default', labels: compose('blog') });
  engine.containers.add({ name: 'blog-web-1', labels: { 'com.docker.compose.project': 'blog' } }, [net]);
  const report = await checkNetworks(engine);
  t.same(report.stale, []);
  t.equal(exitCodeForNetworks(report, true), 0);
  t.match(
    prettyNetworksReport(report, colors(false), { listStale: true }),
    /^no stale network: every network with an owner label still has its Compose project, stack or dockprobe run\n$/,
  );
});

t.test('a removed stack whose network a stopped container still names, and a running one still holds', async (t) => {
  const engine = new FakeEngine();
  engine.swarm.join({ nodeId: 'node-a', hostname: 'vps-1' });
  const net = engine.networks.add({
    name: 'old_backend',
    driver: 'overlay',
    scope: 'swarm',
    attachable: true,
    labels: stack('old'),
  });
  // A task container the stack left stopped, and a container someone ran by hand on the attachable overlay.
  const stopped = engine.containers.add({
    name: 'old_api.1.k2x8',
    state: 'exited',
    running: false,
    labels: { ...stack('old'), 'com.docker.swarm.service.name': 'old_api' },
    networks: [{ networkId: net.id, networkName: net.name, ipv4: undefined, aliases: [] }],
  });
  const debug = engine.containers.add({ name: 'debug-shell' }, [net]);
  const report = await checkNetworks(engine);
  const [s] = report.stale;
  t.match(s, {
    name: 'old_backend',
    owner: { kind: 'swarm-stack', name: 'old' },
    why: 'stack old has no service left',
  });
  t.same(
    s!.holders.map((h) => [h.kind, h.name, h.blocks, h.command]),
    [
      ['stopped-container', 'old_api.1.k2x8', false, 'docker rm old_api.1.k2x8'],
      ['running-container', 'debug-shell', true, 'docker network disconnect -f old_backend debug-shell'],
    ],
    "the stack's own leftover is removed; someone else's container is only disconnected",
  );
  t.match(
    s!.holders[0]!.detail,
    `container old_api.1.k2x8 (${stopped.id.slice(0, 12)}) is exited and still names it: the removal succeeds, and it fails on its next start (network not found)`,
  );
  t.match(s!.holders[1]!.detail, `container debug-shell (${debug.id.slice(0, 12)}) is running with an endpoint on it`);
  t.same(s!.steps, [
    'docker rm old_api.1.k2x8',
    'docker network disconnect -f old_backend debug-shell',
    'docker network rm old_backend',
  ]);
});

t.test(
  "a network in use on another node, seen only in the manager's verbose inspect; a task still ending; a live stack joining",
  async (t) => {
    const engine = new FakeEngine();
    engine.swarm.join({ nodeId: 'node-a', hostname: 'vps-1', address: '192.168.1.10' });
    engine.swarm.addNode({ id: 'node-b', hostname: 'vps-2', address: '192.168.1.11' });
    const net = engine.networks.add({
      name: 'glasck_public-facing',
      driver: 'overlay',
      scope: 'swarm',
      labels: stack('glasck'),
    });
    // The app stack is alive and its api still joins the infra stack's overlay as external.
    const api = engine.swarm.addService({ name: 'glasck-app_api', stack: 'glasck-app', networkIds: [net.id] });
    engine.swarm.addTask({
      serviceId: api.id,
      nodeId: 'node-b',
      networks: [{ networkId: net.id, networkName: net.name, addresses: ['10.0.1.4'] }],
    });
    // A task of the removed stack, on vps-2, told to shut down and not yet ended.
    engine.swarm.addTask({
      id: 'tq1',
      serviceId: 'svc-gone',
      slot: 1,
      nodeId: 'node-b',
      desiredState: 'shutdown',
      state: 'running',
      containerId: 'ab'.repeat(32),
      networks: [{ networkId: net.id, networkName: net.name, addresses: ['10.0.1.7'] }],
    });
    engine.networks.verbose.set(net.id, {
      services: [
        {
          name: 'glasck-app_api',
          vip: '10.0.1.2',
          tasks: [{ name: 'glasck-app_api.1.t1', endpointIp: '10.0.1.4', hostIp: '192.168.1.11' }],
        },
        {
          name: 'glasck_traefik',
          vip: undefined,
          tasks: [
            { name: 'glasck_traefik.node-c.t9', endpointIp: '10.0.1.9', hostIp: '192.168.1.12' },
            { name: 'glasck_traefik.node-b.tq1', endpointIp: '10.0.1.7', hostIp: '192.168.1.11' },
          ],
        },
      ],
      peers: [],
    });
    const report = await checkNetworks(engine);
    const [s] = report.stale;
    t.match(s, { name: 'glasck_public-facing', why: 'stack glasck has no service left' });
    t.same(
      s!.holders.map((h) => [h.kind, h.node, h.blocks, h.command]),
      [
        ['swarm-service', undefined, true, 'docker service update --network-rm glasck_public-facing glasck-app_api'],
        ['task-ending', 'vps-2 (192.168.1.11)', true, `docker rm -f ${'ab'.repeat(6)}`],
        ['remote-endpoint', '192.168.1.12', true, 'docker rm -f glasck_traefik.node-c.t9'],
      ],
      'the service covers its own tasks; the verbose inspect adds what nothing else explains',
    );
    t.match(s!.holders[1]!.detail, 'task tq1 is running (desired shutdown): it has not ended yet');
    t.same(s!.steps, [
      'docker service update --network-rm glasck_public-facing glasck-app_api',
      `on vps-2 (192.168.1.11): docker rm -f ${'ab'.repeat(6)}`,
      'on 192.168.1.12: docker rm -f glasck_traefik.node-c.t9',
      'docker network rm glasck_public-facing',
    ]);
    const json = JSON.parse(jsonNetworksReport(report));
    t.match(json, {
      engine: { swarm: true, manager: true },
      summary: { stale: 1, left: 1, held: 1 },
      stale: [
        {
          owner: { kind: 'swarm-stack' },
          holders: [{ kind: 'swarm-service' }, { kind: 'task-ending' }, { kind: 'remote-endpoint' }],
          removed: false,
        },
      ],
    });
  },
);

t.test(
  "dockprobe's own: a gone run's network is stale and --remove-own removes it; a live run's is not; another host's is not judged",
  async (t) => {
    const engine = new FakeEngine();
    const dead = engine.networks.add({ name: 'dockprobe-dead0001-net', labels: deadRun });
    engine.networks.add({ name: 'dockprobe-live0001-net', labels: liveRun });
    engine.networks.add({ name: 'dockprobe-far00001-net', labels: otherHost });
    const listed = await checkNetworks(engine);
    t.same(
      listed.stale.map((s) => [s.name, s.owner.kind]),
      [['dockprobe-dead0001-net', 'dockprobe-run']],
    );
    t.same(
      listed.undetermined.map((u) => [u.name, u.why]),
      [['dockprobe-far00001-net', 'run far00001 was started on host elsewhere']],
    );
    const asked: string[] = [];
    const report = await checkNetworks(engine, {
      remove: { names: [], own: true },
      confirm: async (q) => Boolean(asked.push(q)),
    });
    t.same(report.removals, [{ network: 'dockprobe-dead0001-net', id: dead.id, status: 'removed', reason: undefined }]);
    t.same(asked, [], 'its own networks are removed without a question, as cleanup does');
    t.notOk(engine.networks.byId.has(dead.id));
    t.equal(exitCodeForNetworks(report, true), 0, 'nothing stale left');
    t.match(
      prettyNetworksReport(report, colors(false), { listStale: true }),
      /removed network dockprobe-dead0001-net \(net-1\)\n1 stale network: 0 left, 0 held, 1 removed\n$/,
    );
  },
);

t.test("dockprobe's own network held by its run's probe: refused, pointing at dockprobe cleanup", async (t) => {
  const engine = new FakeEngine();
  const dead = engine.networks.add({ name: 'dockprobe-dead0001-net', labels: deadRun });
  engine.containers.add({ name: 'dockprobe-dead0001-1', labels: deadRun }, [dead]);
  const report = await checkNetworks(engine, { remove: { names: [], own: true } });
  t.match(report.removals, [
    {
      status: 'refused-in-use',
      reason:
        /held by container dockprobe-dead0001-1 .* is running with an endpoint on it; free it with: `docker rm -f dockprobe-dead0001-1`, then `docker network rm dockprobe-dead0001-net`; dockprobe cleanup --run dead0001 removes/,
    },
  ]);
  t.notOk(
    engine.calls.some((c) => c.startsWith('networks.remove')),
    'never a network in use',
  );
  t.equal(exitCodeForNetworks(report, false), 1);
});

t.test(
  'a network the user names that is in use is refused with what holds it; a free one is removed once confirmed',
  async (t) => {
    const engine = new FakeEngine();
    const busy = engine.networks.add({ name: 'shared' });
    engine.containers.add({ name: 'app-1' }, [busy]);
    const named = engine.networks.add({ name: 'scratch' });
    const stoppedOn = engine.networks.add({ name: 'legacy' });
    engine.containers.add({
      name: 'old-job',
      state: 'exited',
      running: false,
      networks: [{ networkId: stoppedOn.id, networkName: 'legacy', ipv4: undefined, aliases: [] }],
    });
    const questions: string[] = [];
    const report = await checkNetworks(engine, {
      remove: { names: ['shared', named.id, 'legacy'], own: false },
      confirm: async (q) => Boolean(questions.push(q)),
    });
    t.same(
      report.removals.map((r) => [r.network, r.status]),
      [
        ['shared', 'refused-in-use'],
        ['scratch', 'removed'],
        ['legacy', 'refused-in-use'],
      ],
    );
    t.match(
      report.removals[0]!.reason,
      /^held by container app-1 \(c\w+\) is running with an endpoint on it; free it with: `docker network disconnect -f shared app-1`, then `docker network rm shared`$/,
    );
    t.match(
      report.removals[2]!.reason,
      /old-job .* is exited and still names it: the removal succeeds, and it fails on its next start/,
      'a stopped container that would break is reason enough',
    );
    t.same(questions, ['remove network scratch (net-3)?'], 'asked only for the one it would remove');
    t.same(
      engine.calls.filter((c) => c.startsWith('networks.remove')),
      [`networks.remove ${named.id}`],
    );
    t.equal(exitCodeForNetworks(report, false), 1, 'a removal refused');
    t.match(
      prettyNetworksReport(report, colors(false), { listStale: false }),
      /^refused to remove network shared \(net-1\) \[refused-in-use\]: held by/,
    );
  },
);

t.test("declined, the engine's own networks, a race the engine catches, a failure, and an unknown name", async (t) => {
  const engine = new FakeEngine();
  engine.swarm.join();
  engine.networks.add({ name: 'bridge' });
  engine.networks.add({ name: 'ingress', driver: 'overlay', scope: 'swarm', ingress: true });
  const keep = engine.networks.add({ name: 'keep-me' });
  const ghost = engine.networks.add({ name: 'ghosted' });
  engine.networks.ghosts.add(ghost.id);
  const broken = engine.networks.add({ name: 'broken' });
  engine.faults.set(
    `networks.remove ${broken.id}`,
    Object.assign(new Error('docker: remove network broken failed (HTTP 500): driver failed'), { statusCode: 500 }),
  );
  const report = await checkNetworks(engine, {
    remove: { names: ['bridge', 'ingress', 'keep-me', 'ghosted', 'broken'], own: false },
    confirm: async (q) => !q.includes('keep-me'),
  });
  t.same(
    report.removals.map((r) => [r.network, r.status, r.reason]),
    [
      ['bridge', 'refused-system', "it is one of the engine's own networks"],
      ['ingress', 'refused-system', "it is the swarm's routing mesh, which the engine manages"],
      ['keep-me', 'declined', 'not confirmed'],
      [
        'ghosted',
        'refused-in-use',
        `the engine says: error while removing network: network ghosted id ${ghost.id} has active endpoints`,
      ],
      ['broken', 'failed', 'docker: remove network broken failed (HTTP 500): driver failed'],
    ],
  );
  t.ok(engine.networks.byId.has(keep.id));
  t.equal(exitCodeForNetworks(report, false), 1, 'refused outranks failed');
  t.equal(
    exitCodeForNetworks(
      { ...report, removals: report.removals.filter((r) => r.status === 'failed' || r.status === 'declined') },
      false,
    ),
    3,
    'a failure alone: infrastructure',
  );
  await t.rejects(checkNetworks(engine, { remove: { names: ['keep-me', 'kepe-me2'], own: false } }), {
    code: 'DP_UNKNOWN_NAME',
    message: /unknown network 'kepe-me2' to remove; networks that exist: /,
  });
  t.ok(engine.networks.byId.has(keep.id), 'an unknown name stops everything before anything is removed');
});

t.test('a swarm worker cannot tell whether a stack still has services: not judged, and said why', async (t) => {
  const engine = new FakeEngine();
  engine.swarm.join({ manager: false });
  const net = engine.networks.add({
    name: 'glasck_public-facing',
    driver: 'overlay',
    scope: 'swarm',
    labels: stack('glasck'),
  });
  engine.networks.add({ name: 'app_default', driver: 'overlay', scope: 'swarm', labels: stack('app') });
  engine.containers.add({ name: 'glasck_traefik.1.x', labels: stack('glasck') }, [net]);
  const report = await checkNetworks(engine);
  t.same(report.stale, []);
  t.same(
    report.undetermined.map((u) => u.name),
    ['app_default'],
  );
  t.notOk(
    engine.calls.some((c) => /swarm.listServices|swarm.listTasks|swarm.listNodes|networks.inspectVerbose/.test(c)),
    'a worker is asked nothing only a manager answers',
  );
  t.match(
    prettyNetworksReport(report, colors(false), { listStale: true }),
    /not judged network app_default \(net-2\) of stack app: this engine is a swarm worker: only a manager knows whether stack app still has services/,
  );
  t.equal(exitCodeForNetworks(report, true), 0, 'nothing proven stale');
});

t.test('outside a swarm, a network with a stack label has no stack to belong to', async (t) => {
  const engine = new FakeEngine();
  engine.networks.add({ name: 'old_default', labels: stack('old') });
  const report = await checkNetworks(engine);
  t.same(
    report.stale.map((s) => s.why),
    ['this engine is in no swarm, so stack old cannot run here'],
  );
});

t.test('a network that names several owners is stale only when every one is gone, for all their reasons', async (t) => {
  const engine = new FakeEngine();
  engine.swarm.join();
  // A stack deployed from a file that carries a (finished) run's labels: the stack still owns its network.
  engine.networks.add({
    name: 'infra_public',
    driver: 'overlay',
    scope: 'swarm',
    labels: { ...deadRun, ...stack('infra') },
  });
  engine.swarm.addService({ name: 'infra_proxy', stack: 'infra' });
  // The demo's network: its run and its Compose project are both gone; a stopped container of the project names it.
  const demo = engine.networks.add({
    name: 'dockprobe-demo-dead0001_public',
    labels: { ...deadRun, ...compose('dockprobe-demo-dead0001') },
  });
  engine.containers.add({
    name: 'left-over',
    state: 'exited',
    running: false,
    labels: { 'dockprobe.run': 'dead0001' },
    networks: [{ networkId: demo.id, networkName: demo.name, ipv4: undefined, aliases: [] }],
  });
  const report = await checkNetworks(engine);
  t.same(
    report.stale.map((s) => [s.name, s.owner.kind]),
    [['dockprobe-demo-dead0001_public', 'dockprobe-run']],
  );
  t.match(
    report.stale[0]!.why,
    /^run dead0001 is gone \(pid \d+ no longer runs on this host\); Compose project dockprobe-demo-dead0001 has no container left$/,
  );
  t.same(
    report.stale[0]!.holders.map((h) => h.command),
    ['docker rm left-over'],
    "the run's own leftover is removed",
  );
});
