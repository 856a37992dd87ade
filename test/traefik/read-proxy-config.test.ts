import t from 'tap';
import type { ContainerInfo } from '../../src/docker/container-client.js';
import type { SwarmContainerSpec } from '../../src/docker/swarm-client.js';
import type { Topology, TopologyService } from '../../src/topology/topology.js';
import { readProxyConfig, readProxyConfigs } from '../../src/traefik/read-proxy-config.js';
import { staticConfigOf } from '../../src/traefik/static-config-of.js';
import { FakeEngine } from '../fixtures/fake-engine.js';

// Reading a proxy's static configuration sources through the engine, in Traefik's order: the container's files
// through the archive endpoint, swarm configs through the manager, its environment through inspect; a proxy on
// another node through its node's engine, or from its service spec.

const SWARM_YML = 'providers:\n  swarm:\n    exposedByDefault: false\n';

function proxyService(engine: FakeEngine, options: { command?: string[]; spec?: Partial<SwarmContainerSpec> } = {}) {
  const container = engine.containers.add({
    name: 'edge_proxy.1.abc',
    image: 'traefik:v3.0',
    command: options.command ?? ['/entrypoint.sh', 'traefik'],
  });
  const service: TopologyService = {
    project: 'edge',
    name: 'proxy',
    containers: [container],
    ...(options.spec
      ? {
          swarm: {
            fullName: 'edge_proxy',
            service: engine.swarm.addService({
              name: 'edge_proxy',
              stack: 'edge',
              container: {
                command: [],
                args: [],
                env: [],
                dir: '',
                user: '',
                configs: [],
                mounts: [],
                ...options.spec,
              },
            }),
            tasks: [],
          },
        }
      : {}),
  };
  return { service, container };
}

function files(engine: FakeEngine, container: ContainerInfo, entries: Record<string, string>) {
  engine.containers.files.set(container.id, new Map(Object.entries(entries)));
}

t.test('a bind-mounted file at a default path: read through the archive, and the search stops there', async (t) => {
  const engine = new FakeEngine();
  const { service, container } = proxyService(engine, { command: ['traefik', '--providers.docker=true'] });
  files(engine, container, { '/etc/traefik/traefik.yml': SWARM_YML, '/root/.config/traefik.toml': '[api]\n' });
  engine.containers.runConfigs.set(container.id, { env: ['PATH=/bin', 'TRAEFIK_API_INSECURE=true', 'SECRET=x'] });
  const read = await readProxyConfig(engine, service);
  t.match(read.file, { kind: 'found', path: '/etc/traefik/traefik.yml', text: SWARM_YML });
  t.same(read.env, { TRAEFIK_API_INSECURE: 'true', HOME: '/' }, "only what Traefik's loaders read is kept");
  t.same(
    engine.calls.filter((c) => c.startsWith('containers.readFile')).map((c) => c.split(' ').pop()),
    ['/etc/passwd', '/etc/traefik/traefik.toml', '/etc/traefik/traefik.yaml', '/etc/traefik/traefik.yml'],
    "Traefik's order: toml, yaml, then yml; nothing after the one found",
  );
  t.match(staticConfigOf(read), { source: 'file', swarm: { exposedByDefault: false }, docker: undefined });
});

t.test("HOME as runc sets it: the user's /etc/passwd entry; XDG_CONFIG_HOME and the working directory", async (t) => {
  const engine = new FakeEngine();
  const { service, container } = proxyService(engine);
  engine.containers.runConfigs.set(container.id, {
    user: 'traefik',
    workingDir: '/srv',
    env: ['XDG_CONFIG_HOME=/xdg'],
  });
  files(engine, container, {
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\ntraefik:x:1000:1000::/home/traefik:/sbin/nologin\n',
    '/home/traefik/.config/traefik.yaml': SWARM_YML,
  });
  const read = await readProxyConfig(engine, service);
  t.equal(read.env['HOME'], '/home/traefik');
  t.match(read.file, { kind: 'found', path: '/home/traefik/.config/traefik.yaml' });
  const paths = engine.calls.filter((c) => c.startsWith('containers.readFile')).map((c) => c.split(' ').pop());
  t.ok(paths.includes('/xdg/traefik.toml'), 'XDG_CONFIG_HOME searched before HOME');
});

t.test('--configFile first; a link followed; a directory where the file should be is unreadable', async (t) => {
  const engine = new FakeEngine();
  const { service, container } = proxyService(engine, { command: ['traefik', '--configFile=/conf/t.toml'] });
  files(engine, container, {
    '/conf/t.toml': { kind: 'symlink', target: '/data/traefik.toml' } as never,
    '/data/traefik.toml': '[providers.swarm]\n',
  });
  const linked = await readProxyConfig(engine, service);
  t.match(linked.file, { kind: 'found', path: '/conf/t.toml', via: /through the link to \/data\/traefik\.toml/ });
  files(engine, container, { '/etc/traefik/traefik.yml': { kind: 'not-a-file', what: 'directory' } as never });
  const directory = await readProxyConfig(engine, proxyService(engine, { command: ['traefik'] }).service);
  t.match(directory.file, { kind: 'none' }, 'another container, with nothing at any path');
  const again = await readProxyConfig(engine, { ...service, containers: [{ ...container, command: ['traefik'] }] });
  t.match(again.file, { kind: 'unreadable', path: '/etc/traefik/traefik.yml', why: /directory.*fails to start/ });
});

t.test('a swarm config at a search path: read through the config API, its content decoded', async (t) => {
  const engine = new FakeEngine();
  engine.swarm.join();
  const config = engine.swarm.addConfig('edge_traefik', SWARM_YML);
  const { service } = proxyService(engine, {
    spec: { configs: [{ configId: config.id, configName: 'edge_traefik', target: '/etc/traefik/traefik.yml' }] },
  });
  const read = await readProxyConfig(engine, service);
  t.match(read.file, {
    kind: 'found',
    path: '/etc/traefik/traefik.yml',
    via: 'swarm config edge_traefik',
    text: SWARM_YML,
  });
  t.ok(engine.calls.includes(`swarm.inspectConfig ${config.id}`));
});

t.test(
  'a proxy task on another node: through its node engine, else from its spec, saying what was assumed',
  async (t) => {
    const engine = new FakeEngine();
    engine.swarm.join();
    const config = engine.swarm.addConfig('edge_traefik', SWARM_YML);
    const node = engine.swarm.addNode({ id: 'node-b', hostname: 'vps-2' });
    const spec: SwarmContainerSpec = {
      command: [],
      args: [],
      env: ['TRAEFIK_PROVIDERS_SWARM_NETWORK=edge_public'],
      dir: '',
      user: '',
      configs: [{ configId: config.id, configName: 'edge_traefik', target: '/etc/traefik/traefik.yml' }],
      mounts: [],
    };
    const task = {
      id: 'task-1',
      serviceId: 's',
      slot: 1,
      nodeId: 'node-b',
      desiredState: 'running',
      state: 'running',
      message: '',
      error: undefined,
      containerId: 'remote-c',
      networks: [],
      node,
      local: false,
    };
    const service: TopologyService = {
      project: 'edge',
      name: 'proxy',
      containers: [],
      swarm: {
        fullName: 'edge_proxy',
        service: engine.swarm.addService({ name: 'edge_proxy', container: spec }),
        tasks: [task],
      },
    };
    const fromSpec = await readProxyConfig(engine, service);
    t.match(fromSpec, { envSeen: 'spec', env: { TRAEFIK_PROVIDERS_SWARM_NETWORK: 'edge_public' } });
    t.match(fromSpec.file, { kind: 'found', via: 'swarm config edge_traefik' });
    t.match(
      (fromSpec.file as { assumed: string[] }).assumed.join('; '),
      /the image holds no configuration file of its own \(the proxy runs on node vps-2/,
      'the image paths before the config were not read, and that is said',
    );
    const mounted = await readProxyConfig(engine, {
      ...service,
      swarm: {
        ...service.swarm!,
        service: engine.swarm.addService({
          name: 'edge_proxy2',
          container: { ...spec, configs: [], mounts: [{ type: 'bind', source: '/srv/t.yml', target: '/etc/traefik' }] },
        }),
      },
    });
    t.match(mounted.file, {
      kind: 'unknown',
      path: '/etc/traefik/traefik.toml',
      why: /bind mount.*vps-2.*--node-engine/,
    });

    const other = new FakeEngine();
    const remote = other.containers.add({
      name: 'edge_proxy.1.remote',
      labels: { 'com.docker.swarm.task.id': 'task-1' },
      command: ['/entrypoint.sh', 'traefik'],
    });
    other.containers.files.set(remote.id, new Map([['/etc/traefik/traefik.toml', '[providers.swarm]\n']]));
    const viaNode = await readProxyConfig(engine, { ...service, swarm: { ...service.swarm!, service: undefined } }, [
      { nodeId: 'node-b', runtime: other },
    ]);
    t.match(viaNode, {
      envSeen: 'all',
      file: { kind: 'found', path: '/etc/traefik/traefik.toml', via: /edge_proxy\.1\.remote/ },
    });
  },
);

t.test('readProxyConfigs: each proxy the checks find, once; an engine that fails leaves it unseen', async (t) => {
  const engine = new FakeEngine();
  const { service, container } = proxyService(engine);
  const topology = { services: [service] } as unknown as Topology;
  files(engine, container, { '/etc/traefik/traefik.yml': SWARM_YML });
  const read = await readProxyConfigs(engine, topology, [
    { project: 'edge', proxy: 'proxy' },
    { project: 'edge', proxy: undefined },
  ]);
  t.same([...read.keys()], ['edge/proxy']);
  engine.faults.set(`containers.runConfig ${container.id}`, new Error('engine gone'));
  const failed = await readProxyConfigs(engine, topology, [{ project: 'edge', proxy: 'proxy' }]);
  t.match(staticConfigOf(failed.get('edge/proxy')!), { source: 'unseen', unseen: /engine gone/ });
});
