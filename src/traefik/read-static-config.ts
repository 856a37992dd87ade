import { parseGoBool } from './parse-go-bool.js';
import type { ProviderOptions, TraefikStaticConfig } from './traefik.js';

// Flags that take no value when written without `=`: paerser (Traefik's flag parser) knows them by their Go type, a
// bool or a pointer to a section. Any other flag without `=` takes the next argument as its value.
const BOOLEAN_FLAGS = new Set([
  'providers.docker',
  'providers.swarm',
  'providers.docker.swarmmode',
  'providers.docker.exposedbydefault',
  'providers.swarm.exposedbydefault',
  'providers.docker.usebindportip',
  'providers.swarm.usebindportip',
  'providers.docker.watch',
  'providers.swarm.watch',
  'providers.docker.allowemptyservices',
  'providers.swarm.allowemptyservices',
  'api',
  'api.insecure',
  'api.dashboard',
  'api.debug',
  'ping',
  'accesslog',
  'log',
  'metrics.prometheus',
  'global.checknewversion',
  'global.sendanonymoususage',
]);

/**
 * Reads Traefik's static configuration from the proxy's command line (inspect's Path and Args), the way Traefik's
 * flag parser does: `--key=value` or `--key value`, keys case-insensitive, bool flags bare, parsing ending at `--` or
 * at the first word that is not a flag. Leading words (`/entrypoint.sh`, `traefik`) are the program, not flags.
 *
 * Traefik takes its static configuration from one place: a file if it finds one, else these flags, else the
 * environment. `--configFile` therefore makes the flags moot, and a command line without flags means the
 * configuration is somewhere dockprobe cannot see; either way no provider option is guessed.
 */
export function readStaticConfig(command: readonly string[]): TraefikStaticConfig {
  const { flags, written } = parseFlags(command);
  const configFile = flags['configfile'];
  const unseen = { configFile, docker: undefined, swarm: undefined, flags };
  if (configFile !== undefined) return { source: 'file', ...unseen };
  if (Object.keys(flags).length === 0) return { source: 'unseen', ...unseen };
  return {
    source: 'flags',
    configFile: undefined,
    docker: provider('docker', flags, written),
    swarm: provider('swarm', flags, written),
    flags,
  };
}

// A provider is on when its section is set (`--providers.docker`, `--providers.docker=true`) or any of its options
// is: paerser creates the section for any key under it.
function provider(
  name: 'docker' | 'swarm',
  flags: Record<string, string>,
  written: Record<string, string>,
): ProviderOptions | undefined {
  const key = `providers.${name}`;
  const section = flags[key];
  const anyOption = Object.keys(flags).some((k) => k.startsWith(`${key}.`));
  if (section !== undefined ? parseGoBool(section) === false : !anyOption) return undefined;
  const network = flags[`${key}.network`];
  return {
    network,
    networkFlag: network !== undefined ? `--${written[`${key}.network`]}=${network}` : undefined,
    exposedByDefault: parseGoBool(flags[`${key}.exposedbydefault`]) ?? true,
    swarmMode: parseGoBool(flags[`${key}.swarmmode`]) ?? false,
    useBindPortIP: parseGoBool(flags[`${key}.usebindportip`]) ?? false,
  };
}

function parseFlags(command: readonly string[]): { flags: Record<string, string>; written: Record<string, string> } {
  const flags: Record<string, string> = {};
  const written: Record<string, string> = {};
  let i = 0;
  while (i < command.length && !command[i]!.startsWith('-')) i++;
  while (i < command.length) {
    const arg = command[i]!;
    if (arg === '--' || !arg.startsWith('-') || arg.length < 2) break;
    const body = arg.replace(/^--?/, '');
    i++;
    const eq = body.indexOf('=', 1);
    const name = eq > 0 ? body.slice(0, eq) : body;
    const key = name.toLowerCase();
    let value: string;
    if (eq > 0) value = body.slice(eq + 1);
    else if (BOOLEAN_FLAGS.has(key) || i >= command.length || command[i]!.startsWith('-')) value = 'true';
    else value = command[i++]!;
    flags[key] = value;
    written[key] = name;
  }
  return { flags, written };
}
