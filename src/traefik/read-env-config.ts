import type { FlatConfig } from './static-config-options.js';

/**
 * The roots of Traefik's static configuration (static.Configuration's fields in v2 and v3, and `configFile`): Traefik's
 * environment loader runs only when a variable begins with TRAEFIK_ and one of them (paerser's FindPrefixedEnvVars,
 * case-sensitive), then decodes every variable whose name begins with TRAEFIK_ in any case.
 */
const ROOTS = [
  'GLOBAL',
  'SERVERSTRANSPORT',
  'TCPSERVERSTRANSPORT',
  'ENTRYPOINTS',
  'PROVIDERS',
  'API',
  'METRICS',
  'PING',
  'LOG',
  'ACCESSLOG',
  'TRACING',
  'HOSTRESOLVER',
  'CERTIFICATESRESOLVERS',
  'PILOT',
  'EXPERIMENTAL',
  'CORE',
  'SPIFFE',
  'CONFIGFILE',
];

/**
 * Traefik's static configuration from its TRAEFIK_* environment variables, flattened as paerser's env decoder does:
 * the name lower-cased, `_` read as `.` (`TRAEFIK_PROVIDERS_SWARM_EXPOSEDBYDEFAULT` is
 * `providers.swarm.exposedbydefault`). Undefined when Traefik's environment loader would not run.
 */
export function readEnvConfig(env: Readonly<Record<string, string>>): FlatConfig | undefined {
  const names = Object.keys(env);
  if (!names.some((name) => ROOTS.some((root) => name.startsWith(`TRAEFIK_${root}`)))) return undefined;
  const values: Record<string, string> = {};
  const written: Record<string, string> = {};
  for (const name of names) {
    if (!name.toUpperCase().startsWith('TRAEFIK_')) continue;
    const key = name.toLowerCase().replace(/_/g, '.').slice('traefik.'.length);
    values[key] = env[name]!;
    written[key] = name;
  }
  return { values, describe: (key) => `${written[key] ?? key}=${values[key]}` };
}
