import t from 'tap';
import { toNetworkDetail } from '../../src/docker/to-network-detail.js';
import { toNetworkInfo } from '../../src/docker/to-network-info.js';
import { toSwarmNode } from '../../src/docker/to-swarm-node.js';
import { toSwarmService } from '../../src/docker/to-swarm-service.js';
import { toSwarmTask } from '../../src/docker/to-swarm-task.js';
import {
  APP_NET_ID,
  INGRESS_ID,
  nodesJson,
  PUBLIC_ID,
  servicesJson,
  tasksJson,
  verboseNetworkJson,
} from '../fixtures/swarm-json.js';

// The engine's swarm answers, mapped to the port's types: every field dockprobe reads, and what an engine may leave
// out or write as null.

t.test(
  'a replicated vip service of a stack: labels, stack, mode, VIPs without prefix, ingress port, networks',
  async (t) => {
    t.same(toSwarmService(servicesJson[0]), {
      id: '9mnpnzenvg8p8tdbtq4wvbkcz',
      name: 'glasck-app_api',
      labels: {
        'com.docker.stack.image': 'ghcr.io/glasck/api:1.4',
        'com.docker.stack.namespace': 'glasck-app',
        'traefik.enable': 'true',
        'traefik.swarm.network': 'glasck_public-facing',
      },
      stack: 'glasck-app',
      mode: 'replicated',
      replicas: 2,
      endpointMode: 'vip',
      virtualIps: [
        { networkId: INGRESS_ID, address: '10.0.0.5' },
        { networkId: PUBLIC_ID, address: '10.0.1.2' },
        { networkId: APP_NET_ID, address: '10.0.2.2' },
      ],
      ports: [{ targetPort: 3001, publishedPort: 3001, protocol: 'tcp', publishMode: 'ingress' }],
      networkIds: [PUBLIC_ID, APP_NET_ID, INGRESS_ID],
      image: 'ghcr.io/glasck/api:1.4@sha256:5e1f',
      container: { command: [], args: [], env: [], dir: '', user: '', configs: [], mounts: [] },
    });
  },
);

t.test("what a service's tasks run: command, args, env, configs at absolute targets, mounts", async (t) => {
  const service = toSwarmService({
    ID: 'p',
    Spec: {
      Name: 'edge_proxy',
      TaskTemplate: {
        ContainerSpec: {
          Image: 'traefik:v3.0',
          Command: ['/entrypoint.sh'],
          Args: ['traefik'],
          Env: ['TRAEFIK_API_INSECURE=true'],
          Dir: '/srv',
          User: '65534',
          Configs: [
            { File: { Name: '/etc/traefik/traefik.yml' }, ConfigID: 'cfg1', ConfigName: 'edge_static' },
            { File: { Name: 'traefik.toml' }, ConfigID: 'cfg2', ConfigName: 'edge_toml' },
            { Runtime: {}, ConfigID: 'cfg3', ConfigName: 'credential-spec' },
          ],
          Mounts: [{ Type: 'bind', Source: '/srv/traefik.yml', Target: '/etc/traefik/traefik.yml', ReadOnly: true }],
        },
      },
    },
  });
  t.same(service.container, {
    command: ['/entrypoint.sh'],
    args: ['traefik'],
    env: ['TRAEFIK_API_INSECURE=true'],
    dir: '/srv',
    user: '65534',
    configs: [
      { configId: 'cfg1', configName: 'edge_static', target: '/etc/traefik/traefik.yml' },
      { configId: 'cfg2', configName: 'edge_toml', target: '/traefik.toml' },
    ],
    mounts: [{ type: 'bind', source: '/srv/traefik.yml', target: '/etc/traefik/traefik.yml' }],
  });
});

t.test('a global dnsrr service publishing in host mode: no VIP, no replicas', async (t) => {
  t.match(toSwarmService(servicesJson[1]), {
    name: 'glasck_traefik',
    stack: 'glasck',
    mode: 'global',
    replicas: undefined,
    endpointMode: 'dnsrr',
    virtualIps: [],
    ports: [{ targetPort: 80, publishedPort: 80, publishMode: 'host' }],
    networkIds: [PUBLIC_ID],
  });
});

t.test('jobs, a service made by hand, the old Spec.Networks, and an answer missing nearly everything', async (t) => {
  t.equal(
    toSwarmService({
      ID: 'j',
      Spec: { Name: 'migrate', Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } } },
    }).mode,
    'replicated-job',
  );
  t.equal(toSwarmService({ ID: 'g', Spec: { Name: 'scan', Mode: { GlobalJob: {} } } }).mode, 'global-job');
  const old = toSwarmService({
    ID: 'o',
    Spec: {
      Name: 'web',
      Networks: [{ Target: 'net-1' }],
      Mode: { Replicated: {} },
      EndpointSpec: { Ports: [{ TargetPort: 53, Protocol: 'udp' }] },
    },
  });
  t.match(old, {
    stack: undefined,
    networkIds: ['net-1'],
    endpointMode: 'vip',
    replicas: undefined,
    ports: [{ targetPort: 53, publishedPort: undefined, protocol: 'udp', publishMode: 'ingress' }],
  });
  t.same(toSwarmService({ ID: 'x', Spec: null, Endpoint: { VirtualIPs: null, Ports: 'nonsense' } }), {
    id: 'x',
    name: 'x',
    labels: {},
    stack: undefined,
    mode: 'unknown',
    replicas: undefined,
    endpointMode: 'vip',
    virtualIps: [],
    ports: [],
    networkIds: [],
    image: '',
  });
  t.same(toSwarmService(null).id, '', 'not even an object: empty, never a crash');
});

t.test('tasks: node, states, container, addresses per network without prefix; null attachments', async (t) => {
  t.same(toSwarmTask(tasksJson[0]), {
    id: '0kzzo1i0y4jz6027t0k7aezc7',
    serviceId: '9mnpnzenvg8p8tdbtq4wvbkcz',
    slot: 1,
    nodeId: 'node-a',
    desiredState: 'running',
    state: 'running',
    message: 'started',
    error: undefined,
    containerId: 'e5d62702a1b48d01c3e02ca1e0212a250801fa8d67caca0b6f35919ebc12f035',
    networks: [
      { networkId: INGRESS_ID, networkName: 'ingress', addresses: ['10.0.0.10'] },
      { networkId: PUBLIC_ID, networkName: 'glasck_public-facing', addresses: ['10.0.1.3'] },
      { networkId: APP_NET_ID, networkName: 'glasck-app_default', addresses: ['10.0.2.3'] },
    ],
  });
  t.match(toSwarmTask(tasksJson[2]), {
    slot: undefined,
    state: 'failed',
    desiredState: 'shutdown',
    error: 'task: non-zero exit (1)',
    networks: [],
  });
  t.match(toSwarmTask({ ID: 'pending', ServiceID: 's', Status: { State: 'pending' } }), {
    nodeId: undefined,
    containerId: undefined,
    desiredState: 'unknown',
  });
});

t.test(
  'nodes: role, availability, state; a manager whose Status.Addr is 0.0.0.0 is named by its manager address',
  async (t) => {
    t.same(toSwarmNode(nodesJson[0]), {
      id: 'node-a',
      hostname: 'vps-1',
      role: 'manager',
      availability: 'active',
      state: 'ready',
      address: '192.168.1.10',
      leader: true,
    });
    t.same(toSwarmNode(nodesJson[1]), {
      id: 'node-b',
      hostname: 'vps-2',
      role: 'worker',
      availability: 'drain',
      state: 'down',
      address: '192.168.1.11',
      leader: false,
    });
    t.match(
      toSwarmNode({
        ID: 'n',
        Spec: { Role: 'manager' },
        Status: { Addr: '0.0.0.0' },
        ManagerStatus: { Addr: '[fd00::1]:2377' },
      }),
      { hostname: 'n', address: 'fd00::1' },
    );
  },
);

t.test(
  'a verbose inspect: containers here (the load balancer too), services with tasks on every node, peers',
  async (t) => {
    const detail = toNetworkDetail(verboseNetworkJson);
    t.match(detail, {
      id: PUBLIC_ID,
      name: 'glasck_public-facing',
      driver: 'overlay',
      scope: 'swarm',
      attachable: false,
      subnets: ['10.0.1.0/24'],
      labels: { 'com.docker.stack.namespace': 'glasck' },
    });
    t.equal(detail.ingress, undefined, 'only the routing mesh is marked');
    t.same(
      detail.containers.map((c) => c.id),
      ['e5d62702a1b48d01c3e02ca1e0212a250801fa8d67caca0b6f35919ebc12f035', 'lb-glasck_public-facing'],
    );
    t.same(detail.services, [
      {
        name: 'glasck-app_api',
        vip: '10.0.1.2',
        tasks: [
          { name: 'glasck-app_api.1.0kzzo1i0y4jz6027t0k7aezc7', endpointIp: '10.0.1.3', hostIp: '192.168.1.10' },
          { name: 'glasck-app_api.2.7hq2m1x0c9v8b7n6m5l4k3j2h', endpointIp: '10.0.1.4', hostIp: '192.168.1.11' },
        ],
      },
    ]);
    t.same(detail.peers, [
      { name: 'a1b2c3d4e5f6', address: '192.168.1.10' },
      { name: 'f6e5d4c3b2a1', address: '192.168.1.11' },
    ]);
    const plain = toNetworkDetail({ ...verboseNetworkJson, Services: undefined, Peers: null, Containers: null });
    t.same(
      [plain.containers, plain.services, plain.peers],
      [[], [], []],
      'a worker, or a non-verbose answer: nothing more',
    );
  },
);

t.test('the ingress network is marked as the routing mesh', async (t) => {
  const ingress = toNetworkInfo({
    Name: 'ingress',
    Id: INGRESS_ID,
    Driver: 'overlay',
    Scope: 'swarm',
    Ingress: true,
    IPAM: { Config: [{ Subnet: '10.0.0.0/24' }] },
    Labels: {},
  } as never);
  t.equal(ingress.ingress, true);
  t.notOk(
    'ingress' in toNetworkInfo({ Name: 'b', Id: 'b', Driver: 'bridge', Scope: 'local', Labels: {} } as never),
    'other networks keep the shape they always had',
  );
});

t.test(
  "a network's IPv4 gateway is read from IPAM (the host's address on a bridge); none when the engine gives none",
  async (t) => {
    const bridge = toNetworkInfo({
      Name: 'b',
      Id: 'b',
      Driver: 'bridge',
      Scope: 'local',
      IPAM: {
        Config: [
          { Subnet: 'fd00::/64', Gateway: 'fd00::1' },
          { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' },
        ],
      },
      Labels: {},
    } as never);
    t.equal(bridge.gateway, '172.18.0.1', 'the IPv4 one, whatever the order');
    t.notOk(
      'gateway' in
        toNetworkInfo({
          Name: 'c',
          Id: 'c',
          Driver: 'bridge',
          Scope: 'local',
          IPAM: { Config: [{ Subnet: '172.19.0.0/16' }] },
          Labels: {},
        } as never),
    );
  },
);
