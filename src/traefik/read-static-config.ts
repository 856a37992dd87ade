import { type FlatConfig, staticConfigFrom, unseenConfig } from './static-config-options.js';
import type { TraefikStaticConfig } from './traefik.js';

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
 * Traefik's flags on the proxy's command line (inspect's Path and Args), parsed as Traefik's flag parser does:
 * `--key=value` or `--key value`, keys case-insensitive, bool flags bare, parsing ending at `--` or at the first word
 * that is not a flag. Leading words (`/entrypoint.sh`, `traefik`) are the program, not flags.
 */
export function readFlags(command: readonly string[]): FlatConfig {
  const { flags, written } = parseFlags(command);
  return { values: flags, describe: (key) => `--${written[key] ?? key}=${flags[key]}` };
}

/**
 * Traefik's static configuration as far as the command line alone tells: the flags, unless they may not be what
 * Traefik reads. Traefik takes its static configuration from one place: a file if it finds one, else these flags,
 * else the environment; `--configFile` therefore makes the flags moot, and a command line without flags means the
 * configuration is somewhere the command line does not show. Either way no provider option is guessed. What the
 * engine shows besides (the file, the environment) is read by staticConfigOf.
 */
export function readStaticConfig(command: readonly string[]): TraefikStaticConfig {
  const flags = readFlags(command);
  const configFile = flags.values['configfile'];
  if (configFile !== undefined)
    return unseenConfig(
      `the configuration file ${configFile}`,
      `it reads the configuration file ${configFile}, which was not read`,
      configFile,
      flags.values,
    );
  if (Object.keys(flags.values).length === 0)
    return unseenConfig(
      'a configuration file or TRAEFIK_* variables',
      'its command line has no flag, so it reads a configuration file or TRAEFIK_* variables, which were not read',
      undefined,
    );
  return staticConfigFrom(flags, { source: 'flags', where: 'the command line', configFile: undefined });
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
