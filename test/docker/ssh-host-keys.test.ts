import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DockerodeConnection } from '../../src/docker/dockerode-connection.js';
import { knownHostsFiles, SshHostKeys } from '../../src/docker/ssh-host-keys.js';
import { isDockprobeError } from '../../src/errors/dockprobe-error.js';
import { SshHostKeyError } from '../../src/errors/ssh-host-key-error.js';

// An ssh:// engine is driven only when its ssh server's host key is the one known_hosts lists for it: the engine's
// API is root on its host, and a man in the middle would get it and answer in its name. An ssh server of this
// file's own on loopback (ssh2, dockerode's) answers `docker system dial-stdio` with an engine's ping.

// ssh2 is dockerode's, through docker-modem.
const require = createRequire(createRequire(import.meta.url).resolve('docker-modem'));
const { Server, utils } = require('ssh2') as {
  Server: new (config: object, onClient: (client: SshClient) => void) => SshServer;
  utils: { generateKeyPairSync(type: 'ed25519'): { private: string; public: string } };
};
interface SshServer {
  listen(port: number, host: string, cb: () => void): void;
  address(): AddressInfo;
  close(): void;
}
interface SshClient {
  on(event: string, listener: (...args: never[]) => void): SshClient;
}

/** An ssh server with host key `hostKey` that lets anyone in and answers every request as an engine's ping. */
async function engineOverSsh(hostKey: string): Promise<{ port: number; close: () => void }> {
  const clients = new Set<SshClient & { end(): void }>();
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    clients.add(client as SshClient & { end(): void });
    client.on('close', () => clients.delete(client as SshClient & { end(): void }));
    client.on('error', () => undefined);
    client.on('authentication', (ctx: { accept(): void }) => ctx.accept());
    client.on('ready', () =>
      client.on('session', (accept: () => SshClient) =>
        accept().on('exec', (acceptExec: () => NodeJS.ReadWriteStream & { exit(c: number): void }) => {
          const stream = acceptExec();
          stream.once('data', () => {
            stream.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK');
            stream.exit(0);
            stream.end();
          });
        }),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => {
      for (const client of clients) client.end();
      server.close();
    },
  };
}

const hostKey = utils.generateKeyPairSync('ed25519');
const impostor = utils.generateKeyPairSync('ed25519');

t.test('the ssh server of an ssh:// engine must present the host key known_hosts lists', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-known-hosts-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const engine = await engineOverSsh(hostKey.private);
  t.teardown(engine.close);
  const endpoint = `ssh://dp@127.0.0.1:${engine.port}`;
  const [type, key] = hostKey.public.split(' ');
  const entry = `[127.0.0.1]:${engine.port} ${type} ${key}\n`;
  const files = { known: join(dir, 'known'), empty: join(dir, 'empty'), other: join(dir, 'other') };
  await writeFile(files.known, `# the engine\n${entry}`);
  await writeFile(files.empty, '');
  await writeFile(files.other, `[127.0.0.1]:${engine.port} ${impostor.public.split(' ').slice(0, 2).join(' ')}\n`);
  const ping = async (knownHosts: string) => {
    const saved = process.env['DOCKPROBE_SSH_KNOWN_HOSTS'];
    process.env['DOCKPROBE_SSH_KNOWN_HOSTS'] = knownHosts;
    try {
      const connection = new DockerodeConnection({ endpoint, connectTimeoutMs: 10_000 });
      return await connection.ping().then(String, (error: unknown) => error);
    } finally {
      if (saved === undefined) delete process.env['DOCKPROBE_SSH_KNOWN_HOSTS'];
      else process.env['DOCKPROBE_SSH_KNOWN_HOSTS'] = saved;
    }
  };

  t.equal(await ping(files.known), 'OK', 'the known key: the engine answers');

  const unknown = await ping(`${files.empty}:${join(dir, 'missing')}`);
  t.ok(unknown instanceof SshHostKeyError, String(unknown));
  t.ok(isDockprobeError(unknown) && unknown.code === 'DP_SSH_HOST_KEY');
  t.match((unknown as SshHostKeyError).check, { verdict: 'unknown', keyType: 'ssh-ed25519' });
  t.match((unknown as Error).message, new RegExp(`ssh host key of ${endpoint} \\(ssh-ed25519 SHA256:.*not in`));
  t.match((unknown as SshHostKeyError).hint, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);

  const changed = await ping(files.other);
  t.match(changed, { code: 'DP_SSH_HOST_KEY', check: { verdict: 'changed', where: `${files.other}:1` } });
  t.match((changed as Error).message, /has CHANGED/);
  t.match((changed as SshHostKeyError).hint, new RegExp(`ssh-keygen -R '\\[127\\.0\\.0\\.1\\]:${engine.port}'`));
});

t.test('the files read: DOCKPROBE_SSH_KNOWN_HOSTS, else the user and system files', async (t) => {
  t.same(knownHostsFiles({}, '/home/u'), ['/home/u/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts']);
  t.same(knownHostsFiles({ DOCKPROBE_SSH_KNOWN_HOSTS: '/a:/b' }, '/home/u'), ['/a', '/b']);
  t.same(knownHostsFiles({ DOCKPROBE_SSH_KNOWN_HOSTS: ' ' }, '/home/u'), [
    '/home/u/.ssh/known_hosts',
    '/etc/ssh/ssh_known_hosts',
  ]);
});

t.test('the client asks for the key types known for the host, and a refusal is cleared by a known key', async (t) => {
  const [type, key] = hostKey.public.split(' ') as [string, string];
  const texts: Record<string, string> = { '/k': `h ${type} ${key}\nh ssh-rsa AAAAB3NzaC1yc2EAAAAB\n` };
  const keys = new SshHostKeys('ssh://h', 'h', 22, ['/k', '/none'], (p) => texts[p]);
  t.same(keys.options().algorithms, { serverHostKey: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] });
  const blob = Buffer.from(key, 'base64');
  t.notOk(keys.verify(Buffer.from(impostor.public.split(' ')[1]!, 'base64')));
  t.match(keys.refusal, { check: { verdict: 'changed' } });
  t.ok(keys.verify(blob));
  t.equal(keys.refusal, undefined);
  const none = new SshHostKeys('ssh://x', 'x', 22, ['/none'], () => undefined);
  t.equal(none.options().algorithms, undefined, 'no key known: the client default, and the key is refused');
});
