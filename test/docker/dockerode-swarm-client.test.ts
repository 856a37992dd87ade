import t from 'tap';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { NetworkInUseError } from '../../src/errors/network-in-use-error.js';
import { fakeEngineSocket, useEngine } from '../fixtures/fake-engine-socket.js';
import { nodesJson, PUBLIC_ID, servicesJson, tasksJson, verboseNetworkJson } from '../fixtures/swarm-json.js';

// The real client's swarm calls against a scripted engine socket: the query each sends, what comes back mapped, and
// how a worker's refusal and a manager's "in use by task" reach the caller.

const version = { Version: '26.1.5', ApiVersion: '1.45', Os: 'linux', Arch: 'amd64' };

t.test('info: the node id and whether it is a manager, only when the engine is in a swarm', async (t) => {
  let swarm: Record<string, unknown> = { LocalNodeState: 'active', NodeID: 'node-a', ControlAvailable: true };
  const engine = await fakeEngineSocket([
    [/^\/_ping/, () => ({ status: 200, body: 'OK' })],
    [/^\/version/, () => ({ status: 200, body: version })],
    [/^\/info/, () => ({ status: 200, body: { Swarm: swarm } })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  t.match(await runtime.system.info(), { swarm: true, swarmNodeId: 'node-a', swarmManager: true });
  swarm = { LocalNodeState: 'active', NodeID: 'node-b', ControlAvailable: false };
  t.match(await runtime.system.info(), { swarm: true, swarmNodeId: 'node-b', swarmManager: false });
  swarm = { LocalNodeState: 'inactive', NodeID: '' };
  const outside = await runtime.system.info();
  t.equal(outside.swarm, false);
  t.notOk(
    'swarmNodeId' in outside || 'swarmManager' in outside,
    'outside a swarm the info keeps the shape it always had',
  );
});

t.test('services (with status), tasks (with filters), nodes, and a verbose network inspect', async (t) => {
  const engine = await fakeEngineSocket([
    [/^\/services\?/, () => ({ status: 200, body: servicesJson })],
    [/^\/tasks\?/, () => ({ status: 200, body: tasksJson })],
    [/^\/nodes/, () => ({ status: 200, body: nodesJson })],
    [/^\/networks\/gone/, () => ({ status: 404, body: { message: 'network gone not found' } })],
    [/^\/networks\/[^/?]+\?verbose=true/, () => ({ status: 200, body: verboseNetworkJson })],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  t.same(
    (await runtime.swarm.listServices()).map((s) => [s.name, s.stack, s.mode]),
    [
      ['glasck-app_api', 'glasck-app', 'replicated'],
      ['glasck_traefik', 'glasck', 'global'],
    ],
  );
  t.same(
    (await runtime.swarm.listTasks({ services: ['9mnpnzenvg8p8tdbtq4wvbkcz'], desiredStates: ['running'] })).map(
      (x) => x.id,
    ),
    tasksJson.map((x) => x.ID),
  );
  t.same(
    (await runtime.swarm.listNodes()).map((n) => n.hostname),
    ['vps-1', 'vps-2'],
  );
  const detail = await runtime.networks.inspectVerbose(PUBLIC_ID);
  t.same(
    detail?.services.map((s) => s.tasks.map((x) => x.hostIp)),
    [['192.168.1.10', '192.168.1.11']],
  );
  t.equal(
    await runtime.networks.inspectVerbose('gone'),
    undefined,
    'a network already gone is undefined, as networks.inspect says',
  );
  const requests = engine.requests.map(decodeURIComponent);
  t.ok(
    requests.some((r) => r.startsWith('GET /services?') && r.includes('status=true')),
    'services are listed with their status',
  );
  t.ok(
    requests.some(
      (r) =>
        r.startsWith('GET /tasks?') &&
        r.includes('"service":["9mnpnzenvg8p8tdbtq4wvbkcz"]') &&
        r.includes('"desired-state":["running"]'),
    ),
    `task filters as the API spells them: ${requests.join(' | ')}`,
  );
  t.ok(
    requests.some((r) => r === `GET /networks/${PUBLIC_ID}?verbose=true`),
    'the inspect asks for the verbose answer',
  );
});

t.test("a worker refuses the swarm calls: DP_DOCKER_API with the engine's words, naming the call", async (t) => {
  const refuse = () => ({
    status: 503,
    body: { message: "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state." },
  });
  const engine = await fakeEngineSocket([
    [/^\/services/, refuse],
    [/^\/tasks/, refuse],
    [/^\/nodes/, refuse],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 5000 });
  await t.rejects(runtime.swarm.listServices(), {
    code: 'DP_DOCKER_API',
    message: /list swarm services failed \(HTTP 503\): This node is not a swarm manager/,
  });
  await t.rejects(runtime.swarm.listTasks(), {
    code: 'DP_DOCKER_API',
    message: /list swarm tasks failed \(HTTP 503\)/,
  });
  await t.rejects(runtime.swarm.listNodes(), {
    code: 'DP_DOCKER_API',
    message: /list swarm nodes failed \(HTTP 503\)/,
  });
});

t.test('a silent manager: every swarm call ends at its deadline, naming what it waited for', async (t) => {
  const engine = await fakeEngineSocket([[/./, () => undefined]]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const runtime = new DockerodeEngine({ apiTimeoutMs: 200 });
  await t.rejects(runtime.swarm.listServices(), {
    code: 'DP_TIMEOUT',
    message: 'list swarm services: no answer within 200 ms',
  });
  await t.rejects(runtime.swarm.listTasks(), {
    code: 'DP_TIMEOUT',
    message: 'list swarm tasks: no answer within 200 ms',
  });
  await t.rejects(runtime.swarm.listNodes(), {
    code: 'DP_TIMEOUT',
    message: 'list swarm nodes: no answer within 200 ms',
  });
  await t.rejects(runtime.networks.inspectVerbose('n1'), {
    code: 'DP_TIMEOUT',
    message: 'inspect network n1: no answer within 200 ms',
  });
});

t.test('a manager refusing to remove a swarm network a task still uses: NetworkInUseError', async (t) => {
  const engine = await fakeEngineSocket([
    [
      /^\/networks\//,
      () => ({
        status: 500,
        body: {
          message: `rpc error: code = FailedPrecondition desc = network ${PUBLIC_ID} is in use by task 7hq2m1x0c9v8b7n6m5l4k3j2h`,
        },
      }),
    ],
  ]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  const error = await new DockerodeEngine({ apiTimeoutMs: 5000 }).networks.remove(PUBLIC_ID).catch((e: unknown) => e);
  t.type(error, NetworkInUseError);
  t.match(error, { engineMessage: /is in use by task 7hq2m1x0c9v8b7n6m5l4k3j2h/ });
});

const JOB = 'j'.repeat(25);
const TASK = 't'.repeat(25);
const task = (state: string, node: string, container?: string) => ({
  ID: TASK,
  ServiceID: JOB,
  Slot: 1,
  NodeID: node,
  DesiredState: 'shutdown',
  Status: { State: state, Message: state, ...(container ? { ContainerStatus: { ContainerID: container } } : {}) },
});

t.test('a job whose task does not end in time: DP_TIMEOUT naming the job, its task and its last state', async (t) => {
  const engine = await fakeEngineSocket([[/^\/tasks\?/, () => ({ status: 200, body: [task('running', 'node-a')] })]]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  await t.rejects(new DockerodeEngine({ apiTimeoutMs: 5000 }).swarm.waitJob(JOB, 300), {
    code: 'DP_TIMEOUT',
    message: `wait for swarm job ${JOB}: its task ${TASK} did not end within 300 ms (last state: running)`,
  });
});

t.test("a job's task that cannot be read: the error names the job, and keeps its class", async (t) => {
  const engine = await fakeEngineSocket([[/^\/tasks\?/, () => ({ status: 500, body: { message: 'raft lost' } })]]);
  t.teardown(engine.close);
  useEngine(t, engine.endpoint);
  await t.rejects(new DockerodeEngine({ apiTimeoutMs: 5000 }).swarm.waitJob(JOB, 300), {
    code: 'DP_DOCKER_API',
    message: `docker: list the tasks of swarm service ${JOB} failed (HTTP 500): raft lost`,
  });
  const silent = await fakeEngineSocket([[/./, () => undefined]]);
  t.teardown(silent.close);
  useEngine(t, silent.endpoint);
  await t.rejects(new DockerodeEngine({ apiTimeoutMs: 200 }).swarm.waitJob(JOB, 5000), {
    code: 'DP_TIMEOUT',
    message: `list the tasks of swarm service ${JOB}: no answer within 200 ms`,
  });
});

t.test(
  "a removed job whose task's container stays on another node: DP_TIMEOUT naming the service, the task, the node",
  async (t) => {
    const container = 'c'.repeat(64);
    const engine = await fakeEngineSocket([
      [/^\/_ping/, () => ({ status: 200, body: 'OK' })],
      [/^\/version/, () => ({ status: 200, body: version })],
      [/^\/info/, () => ({ status: 200, body: { Swarm: { LocalNodeState: 'active', NodeID: 'node-a' } } })],
      [/^\/tasks\?/, () => ({ status: 200, body: [task('complete', 'node-b', container)] })],
      [/^\/services\/j+/, () => ({ status: 200, body: '' })],
    ]);
    t.teardown(engine.close);
    useEngine(t, engine.endpoint);
    const error = await new DockerodeEngine({ apiTimeoutMs: 5000 }).swarm.removeService(JOB).catch((e: unknown) => e);
    t.match(error, {
      code: 'DP_TIMEOUT',
      message: new RegExp(
        `^remove swarm service ${JOB}: the service is gone, but its task's container is still on another node after 10000 ms: container ${container.slice(0, 12)} of task ${TASK} on node node-b \\(there: docker rm -f ${container.slice(0, 12)}\\)$`,
      ),
    });
  },
);
