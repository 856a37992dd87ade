import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SshHostKeyError } from '../errors/ssh-host-key-error.js';
import {
  checkHostKey,
  hostMatches,
  type KnownHostLine,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
} from './known-hosts.js';

/**
 * The known_hosts files an `ssh://` endpoint's host key is checked against: `DOCKPROBE_SSH_KNOWN_HOSTS` (paths
 * separated by `:`) when set, else OpenSSH's defaults, the user's `~/.ssh/known_hosts` and the system's
 * `/etc/ssh/ssh_known_hosts`.
 */
export function knownHostsFiles(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const given = env['DOCKPROBE_SSH_KNOWN_HOSTS'];
  if (given !== undefined && given.trim() !== '') return given.split(':').filter((p) => p !== '');
  return [join(home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

/** The host key algorithms the ssh client (ssh2) speaks. */
export type ServerHostKeyAlgorithm =
  | 'ssh-ed25519'
  | 'ecdsa-sha2-nistp256'
  | 'ecdsa-sha2-nistp384'
  | 'ecdsa-sha2-nistp521'
  | 'rsa-sha2-512'
  | 'rsa-sha2-256'
  | 'ssh-rsa';

/** The host key algorithms that present a key of each type (RSA keys sign with SHA-2 first, as OpenSSH asks). */
const ALGORITHMS_OF_TYPE: Readonly<Record<string, readonly ServerHostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** What the ssh client is given: the check of the server's key, and the key types to ask the server for. */
export interface SshHostKeyOptions {
  hostVerifier: (key: Buffer) => boolean;
  algorithms?: { serverHostKey: ServerHostKeyAlgorithm[] };
}

/**
 * The host key check of one `ssh://` endpoint, as OpenSSH's `StrictHostKeyChecking yes` does it: the server's key
 * must be listed for its host in a known_hosts file; an unknown, changed or revoked key ends the connection before
 * anything is sent. `refusal` holds the error of the last key refused, for the connection to throw in place of the
 * ssh client's bare `Host denied`.
 */
export class SshHostKeys {
  readonly #endpoint: string;
  readonly #host: string;
  readonly #port: number;
  readonly #files: readonly string[];
  readonly #read: (path: string) => string | undefined;
  #lines: KnownHostLine[] | undefined;
  #refusal: SshHostKeyError | undefined;

  constructor(
    endpoint: string,
    host: string,
    port: number,
    files: readonly string[] = knownHostsFiles(),
    read: (path: string) => string | undefined = readOptionalText,
  ) {
    this.#endpoint = endpoint;
    this.#host = host;
    this.#port = port;
    this.#files = files;
    this.#read = read;
  }

  /** The error of the last key refused, if the last key presented was refused. */
  get refusal(): SshHostKeyError | undefined {
    return this.#refusal;
  }

  /** The ssh client's options: the verifier, and the algorithms of the key types known for this host. */
  options(): SshHostKeyOptions {
    const algorithms = knownKeyTypes(this.#knownLines(), this.#host, this.#port).flatMap(
      (type) => ALGORITHMS_OF_TYPE[type] ?? [],
    );
    return {
      hostVerifier: (key) => this.verify(key),
      ...(algorithms.length > 0 ? { algorithms: { serverHostKey: algorithms } } : {}),
    };
  }

  /** Whether `key`, presented by the server, is the host's known key; a refusal is kept in {@link refusal}. */
  verify(key: Buffer): boolean {
    const check = checkHostKey(this.#knownLines(), this.#host, this.#port, key);
    this.#refusal =
      check.verdict === 'known'
        ? undefined
        : new SshHostKeyError(this.#endpoint, check, this.#files, knownHostName(this.#host, this.#port));
    return check.verdict === 'known';
  }

  // Read once, and only this host's lines kept: every engine call over ssh opens a connection and is verified.
  #knownLines(): KnownHostLine[] {
    const name = knownHostName(this.#host, this.#port);
    this.#lines ??= this.#files.flatMap((file) => {
      const text = this.#read(file);
      return text === undefined ? [] : parseKnownHosts(text, file).filter((l) => hostMatches(l.patterns, name));
    });
    return this.#lines;
  }
}

function readOptionalText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
