import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { containerNameserver, firstNameserver } from '../../probes/agent/resolv-conf.js';

t.test('the first nameserver of a resolv.conf, as Podman and Docker write it', async (t) => {
  t.equal(firstNameserver('search dns.podman\nnameserver 10.89.0.1\n'), '10.89.0.1');
  t.equal(firstNameserver('nameserver 127.0.0.11\noptions ndots:0\n'), '127.0.0.11');
  t.equal(firstNameserver('# comment\nnameserver fe80::1%eth0\nnameserver 10.0.0.1\n'), 'fe80::1');
  t.equal(firstNameserver('nameserver not-an-address\nnameserver 10.89.1.1\n'), '10.89.1.1');
  t.equal(firstNameserver('search example\n'), undefined);
});

t.test('no resolv.conf, or none named in it: the fallback, whose lookups fail closed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-resolv-'));
  t.equal(containerNameserver('127.0.0.11', join(dir, 'missing')), '127.0.0.11');
  await writeFile(join(dir, 'empty'), 'search x\n');
  t.equal(containerNameserver('127.0.0.11', join(dir, 'empty')), '127.0.0.11');
  await writeFile(join(dir, 'podman'), 'nameserver 10.89.2.1\n');
  t.equal(containerNameserver('127.0.0.11', join(dir, 'podman')), '10.89.2.1');
});
