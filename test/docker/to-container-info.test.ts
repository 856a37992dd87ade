import type Docker from 'dockerode';
import t from 'tap';
import { toContainerInfo } from '../../src/docker/to-container-info.js';

// Port facts from the engine's inspect answer, as Compose v1 and v2 write them.

const inspect = (config: {
  exposed: string[];
  ports?: Record<string, { HostIp: string; HostPort: string }[] | null>;
  bindings?: Record<string, { HostIp?: string; HostPort?: string }[]>;
}) =>
  ({
    Id: 'a'.repeat(64),
    Name: '/shop-db-1',
    Image: 'sha256:1',
    RestartCount: 0,
    State: { Status: 'running', Running: true, Restarting: false, StartedAt: '2026-11-26T10:00:00Z' },
    Config: { Image: 'db', Labels: {}, ExposedPorts: Object.fromEntries(config.exposed.map((k) => [k, {}])) },
    HostConfig: { NetworkMode: 'shop_back', PortBindings: config.bindings ?? {} },
    NetworkSettings: { Networks: {}, Ports: config.ports ?? {} },
  }) as unknown as Docker.ContainerInspectInfo;

t.test('Compose v2 writes "3306" and "3306/tcp": one port, with its bindings', async (t) => {
  // `expose: ["3306"]` and `ports: ["23306:3306"]` under Compose v2.
  const info = toContainerInfo(
    inspect({
      exposed: ['3306', '3306/tcp'],
      ports: {
        '3306/tcp': [
          { HostIp: '0.0.0.0', HostPort: '23306' },
          { HostIp: '::', HostPort: '23306' },
        ],
      },
      bindings: { '3306/tcp': [{ HostIp: '', HostPort: '23306' }] },
    }),
  );
  t.same(info.ports, [
    {
      port: 3306,
      protocol: 'tcp',
      published: [
        { hostIp: '0.0.0.0', hostPort: 23306 },
        { hostIp: '::', hostPort: 23306 },
      ],
      requested: [{ hostIp: '', hostPort: '23306' }],
    },
  ]);
});

t.test('Compose v1 writes only "3306/tcp": the same model', async (t) => {
  const info = toContainerInfo(
    inspect({
      exposed: ['3306/tcp'],
      ports: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '40000' }] },
      bindings: { '3306/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    }),
  );
  t.same(info.ports, [
    {
      port: 3306,
      protocol: 'tcp',
      published: [{ hostIp: '127.0.0.1', hostPort: 40000 }],
      requested: [{ hostIp: '127.0.0.1', hostPort: '' }],
    },
  ]);
});

t.test(
  'udp stays apart from tcp; a port only in the bindings still appears; Docker-dropped ports keep their request',
  async (t) => {
    const info = toContainerInfo(
      inspect({
        exposed: ['53', '53/udp', '6379'],
        ports: {
          '53/udp': [{ HostIp: '10.0.0.5', HostPort: '5353' }],
          '6379/tcp': null,
          '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }],
        },
        bindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      }),
    );
    t.same(
      info.ports.map((p) => [
        p.port,
        p.protocol,
        p.published.map((b) => `${b.hostIp}:${b.hostPort}`),
        p.requested.length,
      ]),
      [
        [53, 'tcp', [], 0],
        [53, 'udp', ['10.0.0.5:5353'], 0],
        [6379, 'tcp', [], 1],
        [8080, 'tcp', ['0.0.0.0:8080'], 0],
      ],
    );
  },
);

t.test('state facts a re-read compares: start time and restart count', async (t) => {
  const info = toContainerInfo(inspect({ exposed: [] }));
  t.equal(info.startedAt, '2026-11-26T10:00:00Z');
  t.equal(info.name, 'shop-db-1');
  t.equal(info.running, true);
});

t.test(
  "the command line as the engine started it: inspect's Path, then Args (a proxy's flags are read from it)",
  async (t) => {
    const base = inspect({ exposed: [] }) as unknown as Record<string, unknown>;
    const info = toContainerInfo({
      ...base,
      Path: '/entrypoint.sh',
      Args: ['--providers.docker=true', '--providers.docker.network=shop_web'],
    } as unknown as Docker.ContainerInspectInfo);
    t.same(info.command, ['/entrypoint.sh', '--providers.docker=true', '--providers.docker.network=shop_web']);
    t.same(toContainerInfo(inspect({ exposed: [] })).command, [], 'an engine that says nothing: no command');
  },
);
