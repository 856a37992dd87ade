import t from 'tap';
import { engineLocality, isLoopback, type LocalityProbe } from '../../src/docker/engine-locality.js';

// An engine is remote when dockprobe does not run on its host: a tcp:// or ssh:// endpoint whose host is neither
// loopback nor an address of this network namespace. A name that does not resolve counts as remote (fail closed).

const probe = (names: Record<string, string[]>, own: string[] = ['127.0.0.1', '::1', '10.20.0.5']): LocalityProbe => ({
  resolve: async (name) => {
    const found = names[name];
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${name}`);
    return found;
  },
  ownAddresses: () => own,
});

t.test('loopback, IPv4, IPv6 and IPv4-mapped', async (t) => {
  t.ok(isLoopback('127.0.0.1'));
  t.ok(isLoopback('127.3.2.1'));
  t.ok(isLoopback('::1'));
  t.ok(isLoopback('::ffff:127.0.0.1'));
  t.notOk(isLoopback('10.0.0.1'));
  t.notOk(isLoopback('::ffff:10.0.0.1'));
  t.notOk(isLoopback('localhost'));
});

t.test('sockets and loopback are local', async (t) => {
  const p = probe({ localhost: ['127.0.0.1', '::1'] });
  t.same(await engineLocality('unix:///var/run/docker.sock', p), { remote: false });
  t.same(await engineLocality('npipe:////./pipe/docker_engine', p), { remote: false });
  t.same(await engineLocality('tcp://127.0.0.1:2376', p), { remote: false });
  t.same(await engineLocality('tcp://[::1]:2375', p), { remote: false });
  t.same(await engineLocality('tcp://localhost:2376', p), { remote: false });
  t.same(await engineLocality('ssh://me@localhost', p), { remote: false });
});

t.test("an address of this namespace's own interfaces is local; any other is remote", async (t) => {
  const p = probe({ self: ['10.20.0.5'], prod: ['203.0.113.7'], split: ['127.0.0.1', '203.0.113.8'] });
  t.same(await engineLocality('tcp://10.20.0.5:2376', p), { remote: false });
  t.same(await engineLocality('tcp://self:2376', p), { remote: false });
  t.same(await engineLocality('tcp://10.20.0.6:2376', p), { remote: true, host: '10.20.0.6' });
  t.same(await engineLocality('tcp://prod:2376', p), { remote: true, host: 'prod' });
  t.same(await engineLocality('ssh://root@prod:2222', p), { remote: true, host: 'prod' });
  t.same(await engineLocality('tcp://[fd00::7]:2376', p), { remote: true, host: 'fd00::7' });
  // Not every address on this machine: remote (the connection may go to either).
  t.same(await engineLocality('tcp://split:2376', p), { remote: true, host: 'split' });
  // A name that resolves to nothing: remote, never a check made from the wrong machine.
  t.same(await engineLocality('tcp://nowhere.invalid:2376', p), { remote: true, host: 'nowhere.invalid' });
});

t.test('a name the resolver does not answer for within the deadline is remote', async (t) => {
  const silent: LocalityProbe = { resolve: () => new Promise<string[]>(() => undefined), ownAddresses: () => [] };
  t.same(await engineLocality('tcp://slow.example:2376', silent, 10), { remote: true, host: 'slow.example' });
});
