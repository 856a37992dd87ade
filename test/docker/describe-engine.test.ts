import t from 'tap';
import { describeEndpoint, describeEngine } from '../../src/docker/describe-engine.js';

t.test('an engine in one phrase names its firewall backend where it reports one', async (t) => {
  t.equal(
    describeEngine({ version: '28.5.2', apiVersion: '1.51', firewallBackend: 'nftables' }),
    'engine 28.5.2 (API 1.51, firewall nftables)',
  );
  t.equal(describeEngine({ version: '20.10.24', apiVersion: '1.41' }), 'engine 20.10.24 (API 1.41)');
});

t.test('Podman is named as Podman', async (t) => {
  t.equal(describeEngine({ version: '5.4.2', apiVersion: '1.41', product: 'podman' }), 'Podman 5.4.2 (API 1.41)');
});

t.test('a rootless engine says so', async (t) => {
  t.equal(
    describeEngine({ version: '26.1.5', apiVersion: '1.45', rootless: true }),
    'engine 26.1.5 (API 1.45, rootless)',
  );
  t.equal(
    describeEngine({ version: '28.5.2', apiVersion: '1.51', firewallBackend: 'iptables', rootless: true }),
    'engine 28.5.2 (API 1.51, firewall iptables, rootless)',
  );
});

t.test('the endpoint says whether the engine is remote, and the Docker context it comes from', async (t) => {
  t.equal(
    describeEndpoint({ endpoint: 'unix:///var/run/docker.sock', remote: false }),
    'unix:///var/run/docker.sock (local)',
  );
  t.equal(
    describeEndpoint({ endpoint: 'tcp://203.0.113.7:2376', remote: true, context: 'prod' }),
    'tcp://203.0.113.7:2376 (remote, context prod)',
  );
});
