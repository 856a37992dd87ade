import type { SshHostKeyOptions } from './ssh-host-keys.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** The engine endpoint when nothing names one. */
const DEFAULT_ENDPOINT =
  process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';

/** TLS for a tcp:// endpoint: the directory holding ca.pem, cert.pem and key.pem (each optional), and whether to verify. */
export interface EndpointTls {
  dir: string;
  verify: boolean;
}

/**
 * The engine to talk to and what chose it, read as the docker CLI reads it: DOCKER_HOST (with DOCKER_TLS_VERIFY,
 * DOCKER_TLS and DOCKER_CERT_PATH), else the Docker context DOCKER_CONTEXT names, else the config file's
 * `currentContext`, else the default socket.
 */
export interface ResolvedEndpoint {
  /** As DOCKER_HOST takes it: unix:///path, tcp://host:port, ssh://user@host. */
  url: string;
  /** The Docker context it comes from; absent for DOCKER_HOST and the default socket. */
  context?: string | undefined;
  /** How to speak TLS to a tcp:// endpoint; absent: plain HTTP. */
  tls?: EndpointTls | undefined;
}

/** What {@link resolveEndpoint} reads besides the environment (tests give fixtures). */
export interface EndpointFiles {
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
  home: string;
}

const realFiles: EndpointFiles = {
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: existsSync,
  home: homedir(),
};

const TLS_FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/** The docker CLI's directory of a context's data: the SHA-256 of its name, in hex. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/**
 * The engine the docker CLI would talk to with this environment and config directory (DOCKER_CONFIG, else ~/.docker):
 * DOCKER_HOST first (it beats any context, as in the CLI), then DOCKER_CONTEXT, then `currentContext` in config.json;
 * a context is read from contexts/meta/<sha256 of its name>/meta.json and its TLS material from
 * contexts/tls/<same>/docker/. The context `default` is DOCKER_HOST's, i.e. the default socket. Throws a usage error
 * (exit 2) for a context that does not exist or has no Docker endpoint, and for a config file that is no JSON.
 */
export function resolveEndpoint(
  env: NodeJS.ProcessEnv = process.env,
  files: EndpointFiles = realFiles,
): ResolvedEndpoint {
  const host = env['DOCKER_HOST'];
  if (host) {
    if (!/^(tcp|https?):/.test(host)) return { url: host };
    // Docker's TLS port without DOCKER_TLS_VERIFY or DOCKER_TLS: TLS, verified, as docker-modem speaks it (and
    // dockprobe did through it); the docker CLI would speak plain HTTP there, which a TLS listener refuses.
    const tls =
      tlsFromEnv(env, files.home) ??
      (portOf(host) === '2376' ? { dir: certDir(env, files.home), verify: true } : undefined);
    return { url: host, ...(tls ? { tls } : {}) };
  }
  const configDir = env['DOCKER_CONFIG'] || join(files.home, '.docker');
  const name = env['DOCKER_CONTEXT'] || currentContext(configDir, files);
  if (!name || name === 'default') return { url: DEFAULT_ENDPOINT };
  const how = env['DOCKER_CONTEXT'] ? 'DOCKER_CONTEXT' : `currentContext in ${join(configDir, 'config.json')}`;
  const dir = contextDirName(name);
  const metaPath = join(configDir, 'contexts', 'meta', dir, 'meta.json');
  const text = files.readFile(metaPath);
  if (text === undefined)
    throw new DockprobeError(ErrorCodes.USAGE, `Docker context '${name}' (${how}) does not exist: no ${metaPath}`, {
      hint: '`docker context ls` lists the contexts; `docker context use default` goes back to the local socket',
    });
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(text) as typeof meta;
  } catch (error) {
    throw new DockprobeError(ErrorCodes.USAGE, `Docker context '${name}': ${metaPath} is not JSON`, { cause: error });
  }
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '')
    throw new DockprobeError(ErrorCodes.USAGE, `Docker context '${name}' has no Docker endpoint (in ${metaPath})`, {
      hint: '`docker context inspect` shows it; `docker context update --docker host=…` sets one',
    });
  const tlsDir = join(configDir, 'contexts', 'tls', dir, 'docker');
  const hasTls = TLS_FILES.some((f) => files.exists(join(tlsDir, f)));
  const tls =
    hasTls && /^(tcp|https?):/.test(docker.Host) ? { dir: tlsDir, verify: docker.SkipTLSVerify !== true } : undefined;
  return { url: docker.Host, context: name, ...(tls ? { tls } : {}) };
}

/**
 * TLS for a tcp:// endpoint as the docker CLI reads the environment: DOCKER_TLS_VERIFY (any value) verifies the
 * engine's certificate, DOCKER_TLS alone speaks TLS without verifying; the material is in DOCKER_CERT_PATH, else the
 * config directory (DOCKER_CONFIG, else ~/.docker). Undefined: plain HTTP.
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): EndpointTls | undefined {
  const verify = Boolean(env['DOCKER_TLS_VERIFY']);
  if (!verify && !env['DOCKER_TLS']) return undefined;
  return { dir: certDir(env, home), verify };
}

/** Where the TLS material is: DOCKER_CERT_PATH, else the config directory (DOCKER_CONFIG, else ~/.docker). */
function certDir(env: NodeJS.ProcessEnv, home: string): string {
  return env['DOCKER_CERT_PATH'] || env['DOCKER_CONFIG'] || join(home, '.docker');
}

function portOf(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).port;
  } catch {
    return undefined;
  }
}

function currentContext(configDir: string, files: EndpointFiles): string | undefined {
  const path = join(configDir, 'config.json');
  const text = files.readFile(path);
  if (text === undefined) return undefined;
  try {
    const value = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    throw new DockprobeError(ErrorCodes.USAGE, `${path} is not JSON`, { cause: error });
  }
}

/** The endpoint dockerode will use, for messages: DOCKER_HOST, the current Docker context's, or the default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return resolveEndpoint(env).url;
}

/** dockerode's connection options: a socket, or a protocol, host and port (with TLS material, or an ssh user). */
export type EndpointOptions =
  | { socketPath: string }
  | {
      protocol: 'http' | 'https' | 'ssh';
      host: string;
      port: number;
      username?: string;
      sshOptions?: { agent?: string } & Partial<SshHostKeyOptions>;
      ca?: Buffer;
      cert?: Buffer;
      key?: Buffer;
      agent?: Agent;
    };

/**
 * dockerode's connection options for an endpoint given as DOCKER_HOST takes it (`unix:///path`, `tcp://host:port`,
 * `ssh://user@host`). TLS for `tcp://` as `tls` says (none: plain HTTP; {@link tlsFromEnv} reads it as the docker CLI
 * does); `https://` always speaks TLS.
 */
export function endpointOptions(
  endpoint: string,
  tls?: EndpointTls,
  readFile: (path: string) => Buffer | undefined = readOptional,
): EndpointOptions {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(
      `not an engine endpoint: ${JSON.stringify(endpoint)} (unix:///path, tcp://host:port or ssh://user@host)`,
    );
  }
  switch (url.protocol) {
    case 'unix:':
      if (!url.pathname || url.pathname === '/') throw new TypeError(`no socket path in ${JSON.stringify(endpoint)}`);
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const useTls = url.protocol === 'https:' || (url.protocol === 'tcp:' && tls !== undefined);
      if (!url.hostname) throw new TypeError(`no host in ${JSON.stringify(endpoint)}`);
      const base = {
        protocol: useTls ? ('https' as const) : ('http' as const),
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : useTls ? 2376 : 2375,
      };
      if (!useTls || !tls) return base;
      const [ca, cert, key] = TLS_FILES.map((f) => readFile(join(tls.dir, f)));
      return {
        ...base,
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        ...(tls.verify ? {} : { agent: new Agent({ rejectUnauthorized: false }) }),
      };
    }
    case 'ssh:':
      if (!url.hostname) throw new TypeError(`no host in ${JSON.stringify(endpoint)}`);
      return {
        protocol: 'ssh',
        // An IPv6 address without its URL brackets, as the ssh client and known_hosts name it.
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : 22,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        // ssh keys come from the agent, as docker-modem offers them (no ~/.ssh/config, no key files).
        ...(process.env['SSH_AUTH_SOCK'] ? { sshOptions: { agent: process.env['SSH_AUTH_SOCK'] } } : {}),
      };
    default:
      throw new TypeError(
        `unsupported engine endpoint ${JSON.stringify(endpoint)}: use unix:///path, tcp://host:port or ssh://user@host`,
      );
  }
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
