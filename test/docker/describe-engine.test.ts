import t from 'tap';
import { describeEngine } from '../../src/docker/describe-engine.js';

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
