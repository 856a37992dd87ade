import { isIP } from 'node:net';
import { parseGoBool } from './parse-go-bool.js';
import type { ProviderOptions, TraefikApi, TraefikStaticConfig } from './traefik.js';

/**
 * One source of Traefik's static configuration, flattened the way Traefik's parser sees every source (paerser: flags,
 * environment and files all become the same tree of case-insensitive names): lower-case dotted keys
 * (`providers.docker.network`), values as text. A section given with nothing in it (`--providers.swarm`,
 * `swarm: {}`, `[providers.swarm]`) is its key with the value `true` or ``.
 */
export interface FlatConfig {
  values: Record<string, string>;
  /** How one setting reads where it was written, for messages: `--providers.docker.network=web`. */
  describe(key: string): string;
}

/** The settings dockprobe reads; everything else (certificates resolvers, credentials …) is left behind. */
const RELEVANT = /^(providers\.(docker|swarm)(\.|$)|api(\.|$)|entrypoints\.traefik\.|configfile$)/;

/** Traefik's own entrypoint when `api.insecure` creates it (static.Configuration.SetEffectiveConfiguration). */
const DEFAULT_API_ADDRESS = ':8080';

/** The static configuration one source gives, once Traefik has chosen that source. */
export function staticConfigFrom(
  flat: FlatConfig,
  how: Pick<TraefikStaticConfig, 'source' | 'where' | 'configFile'> & { assumed?: string[] },
): TraefikStaticConfig {
  const flags = Object.fromEntries(Object.entries(flat.values).filter(([k]) => RELEVANT.test(k)));
  return {
    ...how,
    unseen: undefined,
    docker: provider('docker', flat),
    swarm: provider('swarm', flat),
    api: apiOf(flat, how.where),
    assumed: how.assumed ?? [],
    flags,
  };
}

/** A configuration dockprobe cannot see: every option unknown, nothing guessed. */
export function unseenConfig(
  where: string,
  unseen: string,
  configFile: string | undefined,
  flags: Record<string, string> = {},
): TraefikStaticConfig {
  return {
    source: 'unseen',
    where,
    configFile,
    unseen,
    docker: undefined,
    swarm: undefined,
    api: `the static configuration is not known (${unseen})`,
    assumed: [],
    flags: Object.fromEntries(Object.entries(flags).filter(([k]) => RELEVANT.test(k))),
  };
}

// A provider is on when its section is set (`--providers.docker`, `docker: {}`, `=true`) or any of its options is:
// the parser creates the section for any key under it. A section set to false is off.
function provider(name: 'docker' | 'swarm', flat: FlatConfig): ProviderOptions | undefined {
  const values = flat.values;
  const key = `providers.${name}`;
  const section = values[key];
  const anyOption = Object.keys(values).some((k) => k.startsWith(`${key}.`));
  if (section !== undefined ? parseGoBool(section) === false : !anyOption) return undefined;
  const network = values[`${key}.network`];
  const constraints = values[`${key}.constraints`];
  return {
    network,
    networkFlag: network !== undefined ? flat.describe(`${key}.network`) : undefined,
    exposedByDefault: parseGoBool(values[`${key}.exposedbydefault`]) ?? true,
    swarmMode: parseGoBool(values[`${key}.swarmmode`]) ?? false,
    useBindPortIP: parseGoBool(values[`${key}.usebindportip`]) ?? false,
    constraints: constraints !== undefined && constraints.trim() !== '' ? constraints : undefined,
    allowEmptyServices: parseGoBool(values[`${key}.allowemptyservices`]) ?? false,
  };
}

// Where the API answers inside the proxy: `api.insecure` serves it on the entrypoint named traefik, which Traefik
// creates on :8080 unless the configuration defines it. Without api.insecure the API is reachable only through a
// router the configuration writes (usually behind authentication): not read.
function apiOf(flat: FlatConfig, where: string): TraefikApi | string {
  const values = flat.values;
  if (parseGoBool(values['api.insecure']) !== true)
    return values['api'] !== undefined || Object.keys(values).some((k) => k.startsWith('api.'))
      ? `api.insecure is not set in ${where}: the API is served only through a router of its own (protected, if at all), which dockprobe does not call`
      : `the API is not enabled in ${where}`;
  const written = values['entrypoints.traefik.address'];
  const address = (written ?? DEFAULT_API_ADDRESS).trim().replace(/\/(tcp|udp)$/i, '');
  const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !(port >= 1 && port <= 65535))
    return `the traefik entrypoint's address ${JSON.stringify(written)} is not one dockprobe can read`;
  const host = match[1] ?? match[2] ?? '';
  const wildcard = host === '' || host === '0.0.0.0' || host === '::';
  const ask = wildcard || host === 'localhost' ? '127.0.0.1' : host;
  if (!isIP(ask)) return `the traefik entrypoint listens on a host name (${host}), which dockprobe does not resolve`;
  const basePath = (values['api.basepath'] ?? '').replace(/\/+$/, '');
  return { host: ask, port, basePath: basePath === '' || basePath.startsWith('/') ? basePath : `/${basePath}` };
}
