import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One key line of an OpenSSH known_hosts file (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT). */
export interface KnownHostLine {
  /** Where it was read: `file:line`, for messages. */
  readonly where: string;
  /** `@revoked` and `@cert-authority` lines; absent for a plain key. */
  readonly marker?: 'revoked' | 'cert-authority';
  /** The host field, split at commas: patterns (`*`, `?`, `!`), `[host]:port`, or hashed `|1|salt|hash`. */
  readonly patterns: readonly string[];
  /** The key type the line names (`ssh-ed25519` …). */
  readonly keyType: string;
  /** The public key blob, as the server sends it in the key exchange. */
  readonly key: Buffer;
}

/**
 * What a known_hosts file says of the key a server presented:
 * - `known`: a line for this host has this key;
 * - `changed`: lines for this host have another key of the same type (what OpenSSH warns of as a possible
 *   man-in-the-middle);
 * - `revoked`: a `@revoked` line for this host has this key;
 * - `unknown`: no line for this host has a key of this type.
 */
export type HostKeyVerdict = 'known' | 'changed' | 'revoked' | 'unknown';

/** A verdict on a presented key, with what a message needs. */
export interface HostKeyCheck {
  readonly verdict: HostKeyVerdict;
  /** The presented key's type and SHA-256 fingerprint, as `ssh-keygen -lf` prints it. */
  readonly keyType: string;
  readonly fingerprint: string;
  /** The line that decided a `known`, `changed` or `revoked` verdict. */
  readonly where?: string;
}

/** Parses known_hosts text; comments, blank and malformed lines are skipped (as ssh does). */
export function parseKnownHosts(text: string, source: string): KnownHostLine[] {
  const lines: KnownHostLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]?.startsWith('#')) return;
    let marker: KnownHostLine['marker'];
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    if (key.length === 0) return;
    lines.push({
      where: `${source}:${index + 1}`,
      ...(marker ? { marker } : {}),
      patterns: hosts.split(','),
      keyType,
      key,
    });
  });
  return lines;
}

/** The name ssh looks a server up by: `host` on port 22, `[host]:port` on any other; lower case. */
export function knownHostName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** Whether a line's host field covers `name` (knownHostName's form): a negated pattern that matches excludes it. */
export function hostMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (!patternMatches(body, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  const glob = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${glob}$`).test(name);
}

/** The type a key blob names (its first SSH string), or undefined for a blob too short to hold one. */
export function keyTypeOf(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const length = key.readUInt32BE(0);
  return key.length >= 4 + length ? key.subarray(4, 4 + length).toString('latin1') : undefined;
}

/** The SHA-256 fingerprint of a key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** What `lines` say of `key`, presented by the server at `host`:`port`. */
export function checkHostKey(lines: readonly KnownHostLine[], host: string, port: number, key: Buffer): HostKeyCheck {
  const name = knownHostName(host, port);
  const keyType = keyTypeOf(key) ?? 'unknown';
  const base = { keyType, fingerprint: fingerprintOf(key) };
  const forHost = lines.filter((line) => hostMatches(line.patterns, name));
  const revoked = forHost.find((line) => line.marker === 'revoked' && line.key.equals(key));
  if (revoked) return { ...base, verdict: 'revoked', where: revoked.where };
  const plain = forHost.filter((line) => line.marker === undefined);
  const known = plain.find((line) => line.key.equals(key));
  if (known) return { ...base, verdict: 'known', where: known.where };
  const other = plain.find((line) => line.keyType === keyType);
  if (other) return { ...base, verdict: 'changed', where: other.where };
  return { ...base, verdict: 'unknown' };
}

/**
 * The key types known for `host`:`port`, in the order of the lines: what the client should ask the server for, so
 * that a server with several keys presents one that can be checked (as OpenSSH orders its host key algorithms).
 */
export function knownKeyTypes(lines: readonly KnownHostLine[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = lines
    .filter((line) => line.marker === undefined && hostMatches(line.patterns, name))
    .map((line) => line.keyType);
  return [...new Set(types)];
}
