import t from 'tap';
import type { NetworkInfo } from '../../src/docker/network-client.js';
import { addressPoolWarning, freePoolSubnets } from '../../src/topology/address-pools.js';

const net = (subnets: string[]): NetworkInfo => ({
  id: subnets.join(),
  name: 'n',
  driver: 'bridge',
  scope: 'local',
  internal: false,
  attachable: false,
  subnets,
  labels: {},
});

t.test('31 default pools; each network takes the pool its subnet overlaps', async (t) => {
  t.same(freePoolSubnets([]), { free: 31, total: 31 });
  t.same(freePoolSubnets([net(['172.17.0.0/16']), net(['192.168.16.0/20']), net(['fd00::/64'])]), {
    free: 29,
    total: 31,
  });
  // A smaller subnet inside a pool uses it up; one outside every pool changes nothing.
  t.same(freePoolSubnets([net(['172.20.5.0/24']), net(['10.1.0.0/16'])]), { free: 30, total: 31 });
});

t.test('a warning, naming the count and what frees pools, only when few are left', async (t) => {
  const many = Array.from({ length: 26 }, (_, i) =>
    net([i < 15 ? `172.${17 + i}.0.0/16` : `192.168.${(i - 15) * 16}.0/20`]),
  );
  t.equal(addressPoolWarning(many.slice(0, 10)), undefined);
  t.match(addressPoolWarning(many), /^only 5 of the engine's 31 default address pools are free .*dockprobe cleanup/);
});
