import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { PLAN_VERSION, type AgentLine, type Observation } from '../../probes/agent/protocol.js';
import { DockerUnavailableError } from '../../src/errors/docker-unavailable-error.js';
import { DockprobeError, ErrorCodes, isDockprobeError } from '../../src/errors/dockprobe-error.js';
import type { Placement, ProbeSpec } from '../../src/plan/plan.js';
import { CleanupStack } from '../../src/run/cleanup-stack.js';
import { Probe, waitFailureCode } from '../../src/run/probe.js';
import { runProbes } from '../../src/run/run-probes.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// A probe on the fake engine: what its agent prints decides its result. A probe that joined a service's namespace
// and saw only lo there (at its start or at its end) lost that namespace: nothing it observed counts.

const observation: Observation = {
  id: 'c1',
  kind: 'tcp',
  target: 'redis:6379',
  outcome: 'timeout',
  latencyMs: 1000,
  errorCode: 'DP_CONNECT_TIMEOUT',
};
const ETH = ['lo 127.0.0.1/8', 'eth0 172.18.0.5/16'];
const LO = ['lo 127.0.0.1/8'];

function agent(lines: AgentLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n');
}
const hello = (interfaces: string[]): AgentLine => ({
  type: 'hello',
  agent: '1',
  node: 'v20.19.0',
  interfaces,
  defaultRoute: { iface: 'eth0', gateway: '172.18.0.1' },
});
const done = (interfaces: string[]): AgentLine => ({ type: 'done', elapsedMs: 1012, interfaces });

function setup(kind: 'container' | 'network' = 'container') {
  const engine = new FakeEngine();
  const net = engine.networks.add({ name: 'shop_public-facing' });
  const api = engine.containers.add({ name: 'shop-api-1' }, [net]);
  const placement: Placement =
    kind === 'container'
      ? { kind: 'container', container: api, service: 'api' }
      : { kind: 'network', network: { ...net, project: 'shop', composeName: 'public-facing' } };
  const spec: ProbeSpec = {
    key: `${kind}:shop/api`,
    label: kind === 'container' ? 'service api (shop-api-1)' : 'network public-facing',
    containerName: 'dockprobe-r1-1',
    placement,
    networks: [],
    dnsUpstream: 'inherit',
    plan: {
      version: PLAN_VERSION,
      dnsServer: '127.0.0.11',
      timeoutMs: 1000,
      deadlineMs: 5000,
      concurrency: 32,
      controls: [],
      checks: [{ id: 'c1', kind: 'tcp', host: 'redis', port: 6379, subnets: [] }],
    },
    controls: { dnsCheckId: undefined, reachCheckIds: [], reach6CheckIds: [] },
  };
  const cleanup = new CleanupStack();
  const start = () => new Probe(spec, { runtime: engine, runId: 'r1', image: 'dockprobe-probe:test', cleanup }).start();
  return { engine, spec, cleanup, start };
}

t.test('a normal run completes with its observations', async (t) => {
  const { engine, start } = setup();
  engine.containers.agentOutput.set(
    'dockprobe-r1-1',
    agent([hello(ETH), { type: 'observation', observation }, done(ETH)]),
  );
  const probe = await start();
  const result = await probe.result(0);
  t.match(result, {
    status: 'completed',
    error: undefined,
    errorCode: undefined,
    interfaces: ETH,
    defaultRoute: { iface: 'eth0' },
    containerId: probe.id.slice(0, 12),
  });
  t.same([...result.observations.values()], [observation]);
  await probe.stop();
  t.notOk(engine.containers.byId.has(probe.id), 'stop removes the container');
});

for (const [when, lines] of [
  ['when it started', [hello(LO), { type: 'observation', observation }, done(ETH)]],
  ['when it finished', [hello(ETH), { type: 'observation', observation }, done(LO)]],
] as const) {
  t.test(`a joined namespace with only lo ${when}: failed, its observations dropped`, async (t) => {
    const { engine, start } = setup();
    engine.containers.agentOutput.set('dockprobe-r1-1', agent([...lines]));
    const probe = await start();
    const result = await probe.result(0);
    t.equal(result.status, 'failed');
    t.equal(result.errorCode, 'namespace-lost');
    t.equal(
      result.error,
      `probe dockprobe-r1-1 (${probe.id.slice(0, 12)}) found only lo in the namespace of shop-api-1 ${when}: the container restarted or stopped mid-run`,
    );
    t.equal(result.observations.size, 0, 'nothing seen from a lost namespace counts');
  });
}

t.test('only lo on a network probe is not a lost namespace (there is none to lose)', async (t) => {
  const { engine, start } = setup('network');
  engine.containers.agentOutput.set(
    'dockprobe-r1-1',
    agent([hello(LO), { type: 'observation', observation }, done(LO)]),
  );
  const result = await (await start()).result(0);
  t.equal(result.status, 'completed');
  t.equal(result.errorCode, undefined);
  t.equal(result.observations.size, 1);
});

t.test('no done line: failed, naming the exit code and why', async (t) => {
  const { engine, start } = setup();
  engine.containers.agentOutput.set('dockprobe-r1-1', {
    exitCode: 137,
    stdout: agent([hello(ETH), { type: 'observation', observation }]),
  });
  const probe = await start();
  const killed = await probe.result(0);
  t.equal(killed.status, 'failed');
  t.equal(killed.errorCode, 'exited-early');
  t.equal(
    killed.error,
    `probe dockprobe-r1-1 (${probe.id.slice(0, 12)}) ended with exit code 137 before finishing: killed (out of memory?)`,
  );
  t.equal(killed.observations.size, 1, 'what it saw before is kept');

  engine.containers.agentOutput.set('dockprobe-r1-1', {
    exitCode: 4,
    stdout: agent([hello(ETH), { type: 'fatal', message: 'deadline of 5000 ms reached; pending checks abandoned' }]),
    stderr: 'ignored when fatal says why',
  });
  const late = await probe.result(0);
  t.equal(late.errorCode, 'agent-deadline');
  t.match(late.error, /ended with exit code 4 before finishing: deadline of 5000 ms reached/);

  engine.containers.agentOutput.set('dockprobe-r1-1', {
    exitCode: 1,
    stdout: '',
    stderr: 'node: bad option\nError: cannot find module\n',
  });
  const crashed = await probe.result(0);
  t.equal(crashed.errorCode, 'exited-early');
  t.match(crashed.error, /ended with exit code 1 before finishing: Error: cannot find module$/);
});

t.test('an agent that refuses its plan: plan-refused, told by its exit code, not its words', async (t) => {
  const { engine, start } = setup();
  const probe = await start();
  engine.containers.agentOutput.set('dockprobe-r1-1', {
    exitCode: 2,
    stdout: agent([{ type: 'fatal', message: 'plan version 3 is not 4: orchestrator and probe image differ' }]),
  });
  t.match(await probe.result(0), { status: 'failed', errorCode: 'plan-refused' });
  // Exit 2 with no fatal line is node's own (a bad option), not the agent refusing anything.
  engine.containers.agentOutput.set('dockprobe-r1-1', { exitCode: 2, stdout: '', stderr: 'node: bad option' });
  t.match(await probe.result(0), { status: 'failed', errorCode: 'exited-early' });
  // A fatal line beside an exit code the agent never gives with one: it was killed after saying it, not by its word.
  engine.containers.agentOutput.set('dockprobe-r1-1', {
    exitCode: 137,
    stdout: agent([hello(ETH), { type: 'fatal', message: 'deadline' }]),
  });
  t.match(await probe.result(0), { status: 'failed', errorCode: 'exited-early' });
});

t.test(
  'an engine error while waiting is a failed result, never an exception, with the cause as its code',
  async (t) => {
    const { engine, start } = setup();
    const probe = await start();
    engine.faults.set(`containers.wait ${probe.id}`, new Error('docker: wait for container failed (HTTP 500): oops'));
    t.match(await probe.result(0), {
      status: 'failed',
      errorCode: 'engine-error',
      error: /^probe dockprobe-r1-1 \([0-9a-f]{12}\): docker: wait for container failed/,
    });
    engine.faults.set(
      `containers.wait ${probe.id}`,
      new DockprobeError(ErrorCodes.DOCKER_API, 'docker: wait for container failed (HTTP 500): oops'),
    );
    t.match(await probe.result(0), { status: 'failed', errorCode: 'engine-error' });
    engine.faults.set(
      `containers.wait ${probe.id}`,
      new DockerUnavailableError(engine.endpoint, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    );
    t.match(await probe.result(0), { status: 'failed', errorCode: 'engine-unreachable' });
    // DP_TIMEOUT at once: one engine call went unanswered (the log read after the wait), not the probe's deadline.
    engine.faults.set(
      `containers.wait ${probe.id}`,
      new DockprobeError(
        ErrorCodes.TIMEOUT,
        `read logs of container ${probe.id.slice(0, 12)}: no answer within 5000 ms`,
      ),
    );
    t.match(await probe.result(0), { status: 'failed', errorCode: 'engine-unreachable' });
  },
);

t.test('DP_TIMEOUT is the probe past its deadline only once the whole wait has run', async (t) => {
  const timeout = new DockprobeError(ErrorCodes.TIMEOUT, 'wait for container 0123456789ab: no answer within 5000 ms');
  t.equal(waitFailureCode(timeout, true), 'deadline-exceeded');
  t.equal(waitFailureCode(timeout, false), 'engine-unreachable');
  const { engine, spec, start } = setup();
  const probe = await start();
  // A deadline of nothing: the wait has run its whole course by the time its failure is read.
  spec.plan = { ...spec.plan, deadlineMs: 0 };
  engine.faults.set(`containers.wait ${probe.id}`, timeout);
  t.match(await probe.result(0), { status: 'failed', errorCode: 'deadline-exceeded' });
});

t.test('the host perspective in a container is a programming error, not the engine’s', async (t) => {
  const { start, spec } = setup();
  spec.placement = { kind: 'host' };
  const error = await start().catch((e: unknown) => e);
  t.type(error, Error);
  t.match(error, { message: 'the host probe runs as a process on this host, not in a container' });
  t.notOk(isDockprobeError(error), 'not DP_DOCKER_API: the CLI reports it as an internal error');
});

t.test('probe containers are removed together, and only after what was deferred after them', async (t) => {
  const { engine, cleanup, start, spec } = setup('network');
  const events: string[] = [];
  cleanup.defer('tear down project', async () => void events.push('teardown'));
  const first = await start();
  spec.containerName = 'dockprobe-r1-2';
  const second = await start();
  cleanup.defer('a newer action', async () => {
    await sleep(20);
    events.push('newer');
  });
  const remove = engine.containers.remove.bind(engine.containers);
  engine.containers.remove = async (id) => {
    events.push(`remove ${id === first.id ? 1 : 2} start`);
    await sleep(id === first.id ? 30 : 10);
    await remove(id);
    events.push(`remove ${id === first.id ? 1 : 2} end`);
  };
  t.same(await cleanup.runAll(), []);
  t.same(events, ['newer', 'remove 2 start', 'remove 1 start', 'remove 2 end', 'remove 1 end', 'teardown']);
  t.notOk(engine.containers.byId.has(first.id) || engine.containers.byId.has(second.id));
});

// A probe on another node runs as a swarm job: hardened like a container, pinned to its node, removed with its service.
function jobSetup(nodeWithoutImage = false) {
  const engine = new FakeEngine();
  const node = engine.swarm.join({ nodeId: 'node-a', hostname: 'vps-1' });
  const other = engine.swarm.addNode({ id: 'node-b', hostname: 'vps-2' });
  if (nodeWithoutImage) engine.swarm.nodesWithoutImage.add(other.id);
  const net = engine.networks.add({ name: 'glasck_public-facing', driver: 'overlay', scope: 'swarm' });
  const network = { ...net, project: 'glasck', composeName: 'public-facing' };
  const spec: ProbeSpec = {
    key: 'network:glasck/public-facing@vps-2',
    label: 'network public-facing @ vps-2',
    containerName: 'dockprobe-r1-2',
    placement: { kind: 'job', node: other, network },
    networks: [network],
    dnsUpstream: 'isolated',
    plan: {
      version: PLAN_VERSION,
      dnsServer: '127.0.0.11',
      timeoutMs: 1000,
      deadlineMs: 5000,
      concurrency: 32,
      controls: [],
      checks: [{ id: 'c1', kind: 'tcp', host: 'redis', port: 6379, subnets: [] }],
    },
    controls: { dnsCheckId: undefined, reachCheckIds: [], reach6CheckIds: [] },
  };
  const cleanup = new CleanupStack();
  const start = () => new Probe(spec, { runtime: engine, runId: 'r1', image: 'dockprobe-probe:test', cleanup }).start();
  return { engine, node, other, spec, cleanup, start };
}

t.test(
  'a job: pinned to its node, on its network, hardened, read from its task, removed with its service',
  async (t) => {
    const { engine, start } = jobSetup();
    engine.containers.agentOutput.set(
      'dockprobe-r1-2',
      agent([hello(ETH), { type: 'observation', observation }, done(ETH)]),
    );
    const probe = await start();
    const spec = engine.swarm.jobSpecs.get(probe.id)!;
    t.match(spec, {
      name: 'dockprobe-r1-2',
      nodeId: 'node-b',
      networks: [engine.networks.byId.values().next().value!.id],
      user: '65534:65534',
      dns: ['127.0.0.1'],
      labels: { 'dockprobe.run': 'r1', 'dockprobe.role': 'probe' },
    });
    t.ok(spec.memoryBytes > 0 && spec.pidsLimit > 0, 'memory and pid limits');
    const result = await probe.result(0);
    t.match(result, { status: 'completed', error: undefined, containerId: `job-container-${probe.id}`.slice(0, 12) });
    t.same([...result.observations.values()], [observation]);
    await probe.stop();
    t.equal(engine.swarm.services.size, 0, 'the job is gone');
    t.same(
      engine.calls.filter((c) => /Job|Service/.test(c)),
      ['swarm.createJob dockprobe-r1-2 on node-b', `swarm.waitJob ${probe.id}`, `swarm.removeService ${probe.id}`],
    );
  },
);

t.test('a job the swarm rejects (no probe image on the node): failed, with the reason and what to do', async (t) => {
  const { engine, start } = jobSetup(true);
  const probe = await start();
  const result = await probe.result(0);
  t.equal(result.status, 'failed');
  t.equal(result.errorCode, 'job-rejected');
  t.match(
    result.error,
    /ended rejected: No such image: dockprobe-probe:test: the probe image dockprobe-probe:test must be on every node probed from \(give dockprobe the node.s engine with --node-engine NODE=ENDPOINT and it loads it there; or docker save dockprobe-probe:test \| docker -H <node> load/,
  );
  t.equal(result.observations.size, 0);
  await probe.stop();
  t.equal(engine.swarm.services.size, 0);
});

t.test(
  "a job's task that ran a container but printed nothing: the agent's failure (exited-early), not a rejection",
  async (t) => {
    const { engine, start } = jobSetup();
    engine.containers.agentOutput.set('dockprobe-r1-2', { exitCode: 137, stdout: '', stderr: '' });
    const probe = await start();
    const task = engine.swarm.tasks.find((candidate) => candidate.serviceId === probe.id)!;
    task.state = 'failed';
    task.error = 'task: non-zero exit (137)';
    const result = await probe.result(0);
    t.match(result, {
      status: 'failed',
      errorCode: 'exited-early',
      error: /ended with exit code 137 before finishing: killed \(out of memory\?\)/,
    });
    await probe.stop();
  },
);

t.test('a signal while the job is being created: the job is removed, nothing is left', async (t) => {
  const { engine, cleanup, start } = jobSetup();
  const starting = start();
  const failures = await cleanup.runAll();
  t.same(failures, []);
  await t.rejects(starting, { code: 'DP_ABORTED' });
  t.equal(engine.swarm.services.size, 0);
});

// A probe's results come back through its log: a fixed 1 MB json-file once kept only the last few hundred lines of a
// 2,872-check probe, and the rest read as unfinished while the probe said "completed".
t.test("the log holds all of the agent's output, and an output whose beginning is gone fails the probe", async (t) => {
  const { engine, spec, start } = setup('network');
  spec.plan = {
    ...spec.plan,
    checks: Array.from({ length: 6000 }, (_, i) => ({
      id: `c${i + 1}`,
      kind: 'tcp' as const,
      host: '172.18.0.9',
      port: 1000 + i,
      subnets: [],
    })),
  };
  engine.containers.agentOutput.set('dockprobe-r1-1', agent([{ type: 'observation', observation }, done(ETH)]));
  const probe = await start();
  const created = [...engine.containers.specs.values()][0]!;
  // Each line of the agent is a few hundred bytes, wrapped by the json-file driver: 2 KB a line is room enough.
  t.ok(created.logBytes >= 6000 * 2048, `log of ${created.logBytes} bytes for 6,000 checks`);
  const result = await probe.result(0);
  t.equal(result.status, 'failed');
  t.equal(result.errorCode, 'log-truncated');
  t.match(
    result.error,
    /finished, but the start of its output is missing \(its log was cut\): only 1 of its results were read/,
  );
  t.same([...result.observations.keys()], ['c1'], 'what was read still counts');
});

t.test(
  'a create whose answer was lost: the probe made all the same is removed by its name, or named as left',
  async (t) => {
    for (const removable of [true, false]) {
      const { engine, cleanup, start } = setup('network');
      const create = engine.containers.create.bind(engine.containers);
      // The engine created the container, then the connection dropped before its answer came back.
      engine.containers.create = async (spec) => {
        await create(spec);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      };
      if (!removable)
        engine.faults.set(
          'containers.remove dockprobe-r1-1',
          Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }),
        );
      await t.rejects(start(), { message: /socket hang up/ });
      const failures = await cleanup.runAll();
      const left = [...engine.containers.byId.values()]
        .filter((c) => c.labels['dockprobe.run'] === 'r1')
        .map((c) => c.name);
      if (removable) {
        t.same(left, [], 'removed by its name');
        t.same(failures, []);
      } else {
        t.same(left, ['dockprobe-r1-1']);
        t.match(failures, [/remove probe container dockprobe-r1-1/], 'named as left behind, for `cleanup --run`');
      }
    }
  },
);

t.test('a create the engine refused with an answer made nothing: no name is removed on a guess', async (t) => {
  const { engine, cleanup, start } = setup('network');
  engine.faults.set(
    'containers.create dockprobe-r1-1',
    Object.assign(new Error('Conflict. The container name "/dockprobe-r1-1" is already in use'), { statusCode: 409 }),
  );
  await t.rejects(start(), { message: /already in use/ });
  await cleanup.runAll();
  t.notOk(
    engine.calls.some((c) => c.startsWith('containers.remove')),
    'nothing removed',
  );
});

// A probe that never ran says why too: the run's codes, never its text, tell a refused create from a stopping run.
t.test(
  'a probe that does not start: not-started; a run that is stopping: aborted; a LAN view this host cannot make: lan-unsupported',
  async (t) => {
    const { engine, spec, cleanup } = setup('network');
    const context = { runtime: engine, runId: 'r1', image: 'dockprobe-probe:test', cleanup };
    engine.faults.set(
      'containers.create dockprobe-r1-1',
      Object.assign(new Error('No such image: dockprobe-probe:test'), { statusCode: 404 }),
    );
    const [refused] = await runProbes({ runId: 'r1', probes: [spec], cells: [] }, context, { graceMs: 0 });
    t.match(refused, { status: 'failed', errorCode: 'not-started', error: /did not start: No such image/ });

    const lan: ProbeSpec = {
      ...spec,
      key: 'lan',
      placement: { kind: 'lan', host: '169.254.0.1', neighbour: '169.254.0.2', controlPort: 9, routes: [] },
    };
    // The fake engine is no unix socket: whether or not this runs as root, the neighbour cannot stand beside it.
    const [far] = await runProbes({ runId: 'r1', probes: [lan], cells: [] }, context, { graceMs: 0 });
    t.match(far, { status: 'failed', errorCode: 'lan-unsupported' });

    engine.faults.clear();
    await cleanup.runAll();
    const [stopping] = await runProbes({ runId: 'r1', probes: [spec], cells: [] }, context, { graceMs: 0 });
    t.match(stopping, { status: 'failed', errorCode: 'aborted' });
    t.equal(engine.containers.byId.size, 1, "nothing created once the run stops (shop-api-1 is the deployment's own)");
  },
);

// The agent answers DNS on the probe's loopback (its stub resolver) only where the probe's upstream is that loopback:
// never in a service's namespace, whose upstream is the service's, nor where the run names another upstream.
t.test(
  "a network probe's agent is told to answer its own upstream; a service probe's, or another upstream, not",
  async (t) => {
    const cases: [string, 'container' | 'network', 'isolated' | 'inherit', string[] | undefined, string | undefined][] =
      [
        ['a network probe, isolated upstream', 'network', 'isolated', undefined, '1'],
        ['a network probe, --dns-upstream 127.0.0.1', 'network', 'isolated', ['127.0.0.1'], '1'],
        ['a network probe, --dns-upstream 10.0.0.2', 'network', 'isolated', ['10.0.0.2'], undefined],
        ["a network probe that needs the engine's upstream", 'network', 'inherit', undefined, undefined],
        ["a probe in a service's namespace", 'container', 'isolated', undefined, undefined],
      ];
    for (const [what, kind, upstream, dnsUpstream, expected] of cases) {
      const { engine, spec, cleanup } = setup(kind);
      spec.dnsUpstream = upstream;
      engine.containers.agentOutput.set('dockprobe-r1-1', agent([hello(ETH), done(ETH)]));
      const probe = await new Probe(spec, {
        runtime: engine,
        runId: 'r1',
        image: 'dockprobe-probe:test',
        cleanup,
        ...(dnsUpstream ? { dnsUpstream } : {}),
      }).start();
      t.equal(engine.containers.specs.get(probe.id)?.env?.['DOCKPROBE_DNS_STUB'], expected, what);
      await probe.stop();
    }
  },
);
