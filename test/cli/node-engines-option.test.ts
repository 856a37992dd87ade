import t from 'tap';
import { nodeEnginesOption } from '../../src/cli/common-options.js';
import { endpointOptions } from '../../src/docker/docker-endpoint.js';

// --node-engine NODE=ENDPOINT, validated at the boundary: the option and the value received are named.

t.test('NODE=ENDPOINT, repeated or comma-separated', async (t) => {
  t.same(nodeEnginesOption(['vps-2=ssh://root@vps-2', 'vps-3=unix:///run/b.sock,vps-4=tcp://10.0.0.4:2376']), {
    'vps-2': 'ssh://root@vps-2',
    'vps-3': 'unix:///run/b.sock',
    'vps-4': 'tcp://10.0.0.4:2376',
  });
  t.equal(nodeEnginesOption(undefined), undefined);
});

t.test('bad values: exit 2 naming what was received', async (t) => {
  t.throws(() => nodeEnginesOption(['vps-2']), {
    code: 'DP_USAGE',
    message: "--node-engine must be NODE=ENDPOINT, got 'vps-2'",
  });
  t.throws(() => nodeEnginesOption(['vps-2=/run/docker.sock']), {
    code: 'DP_USAGE',
    message: "--node-engine vps-2: the endpoint must be unix://, tcp://, ssh:// or http(s)://, got '/run/docker.sock'",
  });
  t.throws(() => nodeEnginesOption(['all=ssh://x']), { code: 'DP_USAGE', message: /one node per engine/ });
  t.throws(() => nodeEnginesOption(['a=ssh://x', 'a=ssh://y']), {
    code: 'DP_USAGE',
    message: "--node-engine names node 'a' twice",
  });
});

t.test('an endpoint as DOCKER_HOST takes it becomes dockerode options', async (t) => {
  t.same(endpointOptions('unix:///var/cache/x/docker.sock'), { socketPath: '/var/cache/x/docker.sock' });
  t.same(endpointOptions('tcp://10.0.0.3:2375'), { protocol: 'http', host: '10.0.0.3', port: 2375 });
  t.same(endpointOptions('ssh://root@vps-2'), { protocol: 'ssh', host: 'vps-2', port: 22, username: 'root' });
  t.throws(() => endpointOptions('ftp://x'), /unsupported engine endpoint/);
});
