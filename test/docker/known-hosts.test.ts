import { createHmac, randomBytes } from 'node:crypto';
import t from 'tap';
import {
  checkHostKey,
  fingerprintOf,
  hostMatches,
  keyTypeOf,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/docker/known-hosts.js';

// known_hosts as OpenSSH reads it (sshd(8)): patterns, [host]:port, hashed names, @revoked; a server's key is
// known, changed, revoked or unknown for the name ssh looks it up by.

/** A key blob of `type` with `body` after it, as a server sends one. */
function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const b = Buffer.from(body);
  const out = Buffer.alloc(8 + t.length + b.length);
  out.writeUInt32BE(t.length, 0);
  t.copy(out, 4);
  out.writeUInt32BE(b.length, 4 + t.length);
  b.copy(out, 8 + t.length);
  return out;
}

const ed = blob('ssh-ed25519', 'key-one');
const ed2 = blob('ssh-ed25519', 'key-two');
const rsa = blob('ssh-rsa', 'rsa-key');
const line = (hosts: string, key: Buffer, marker = '') =>
  `${marker}${marker ? ' ' : ''}${hosts} ${keyTypeOf(key)} ${key.toString('base64')} comment`;

/** A hashed host field for `name`, as `ssh-keygen -H` writes it. */
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

t.test('the name looked up: host on port 22, [host]:port otherwise, lower case', async (t) => {
  t.equal(knownHostName('Engine.Example', 22), 'engine.example');
  t.equal(knownHostName('10.0.0.5', 2222), '[10.0.0.5]:2222');
});

t.test('patterns: wildcards, negation, port form', async (t) => {
  t.ok(hostMatches(['a.example', 'b.example'], 'b.example'));
  t.ok(hostMatches(['*.example'], 'node-1.example'));
  t.ok(hostMatches(['node-?.example'], 'node-1.example'));
  t.notOk(hostMatches(['node-?.example'], 'node-10.example'));
  t.notOk(hostMatches(['*.example', '!bad.example'], 'bad.example'), 'a negated match excludes the host');
  t.ok(hostMatches(['[10.0.0.5]:2222'], '[10.0.0.5]:2222'));
  t.notOk(hostMatches(['10.0.0.5'], '[10.0.0.5]:2222'), 'port 22 entries do not cover another port');
  t.notOk(hostMatches(['a.b'], 'axb'), 'a dot is a dot');
  t.ok(hostMatches([hashed('[h]:2222')], '[h]:2222'), 'a hashed name');
  t.notOk(hostMatches([hashed('other')], '[h]:2222'));
});

t.test('parsing skips comments, blanks, unknown markers and malformed lines, and names file:line', async (t) => {
  const text = [
    '# comment',
    '',
    line('a.example', ed),
    '@weird a.example ssh-ed25519 AAAA',
    'a.example ssh-ed25519 !!!notbase64',
    'only-a-host',
    line('b.example', rsa, '@revoked'),
  ].join('\n');
  const lines = parseKnownHosts(text, '/k');
  t.equal(lines.length, 2);
  t.match(lines[0], { where: '/k:3', patterns: ['a.example'], keyType: 'ssh-ed25519' });
  t.ok(lines[0]!.key.equals(ed));
  t.match(lines[1], { where: '/k:7', marker: 'revoked', keyType: 'ssh-rsa' });
});

t.test('a key is known, changed, revoked or unknown for its host', async (t) => {
  const lines = parseKnownHosts(
    [
      line('[engine]:2222', ed),
      line('other', ed2),
      line('rsa-host', rsa),
      line('*', ed2, '@revoked'),
      line('engine', rsa, '@cert-authority'),
    ].join('\n'),
    '/k',
  );
  t.match(checkHostKey(lines, 'engine', 2222, ed), { verdict: 'known', where: '/k:1', keyType: 'ssh-ed25519' });
  t.match(checkHostKey(lines, 'ENGINE', 2222, ed), { verdict: 'known' }, 'case does not matter');
  t.match(checkHostKey(lines, 'engine', 2222, blob('ssh-ed25519', 'impostor')), {
    verdict: 'changed',
    where: '/k:1',
  });
  t.match(checkHostKey(lines, 'engine', 22, ed), { verdict: 'unknown' }, 'another port is another host');
  t.match(checkHostKey(lines, 'other', 22, ed2), { verdict: 'revoked', where: '/k:4' }, 'revoked wins over known');
  t.match(checkHostKey(lines, 'rsa-host', 22, ed), { verdict: 'unknown' }, 'a key of a type not listed');
  t.match(checkHostKey(lines, 'engine', 2222, rsa), { verdict: 'unknown' }, 'a CA line is not a host key');
  t.equal(checkHostKey(lines, 'engine', 2222, ed).fingerprint, fingerprintOf(ed));
  t.match(fingerprintOf(ed), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

t.test('the key types known for a host, to ask the server for', async (t) => {
  const lines = parseKnownHosts([line('h', rsa), line('h', ed), line('h', ed2), line('x', ed)].join('\n'), '/k');
  t.same(knownKeyTypes(lines, 'h', 22), ['ssh-rsa', 'ssh-ed25519']);
  t.same(knownKeyTypes(lines, 'nobody', 22), []);
});

t.test('an IPv6 address is looked up as ssh writes it', async (t) => {
  t.equal(knownHostName('fd00::2', 2222), '[fd00::2]:2222');
  t.equal(knownHostName('FD00::2', 22), 'fd00::2');
  const lines = parseKnownHosts(line('[fd00::2]:2222', ed), '/k');
  t.match(checkHostKey(lines, 'fd00::2', 2222, ed), { verdict: 'known' });
});
