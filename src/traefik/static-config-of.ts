import { parseConfigFile } from './parse-config-file.js';
import { readEnvConfig } from './read-env-config.js';
import { readFlags } from './read-static-config.js';
import { staticConfigFrom, unseenConfig } from './static-config-options.js';
import type { ProxyConfigRead, TraefikStaticConfig } from './traefik.js';

/**
 * Traefik's static configuration, taken from where Traefik itself takes it (cmd/traefik's loaders, each run only when
 * the one before it found nothing): the configuration file its search finds, even when flags are given too; else the
 * command line's flags; else its TRAEFIK_* variables; else Traefik's defaults, which enable no provider. A file that
 * is there but cannot be read or parsed, or a path dockprobe could not look at, leaves it unseen: nothing is guessed.
 */
export function staticConfigOf(read: ProxyConfigRead): TraefikStaticConfig {
  const flags = readFlags(read.command);
  const file = read.file;
  switch (file.kind) {
    case 'found': {
      const parsed = parseConfigFile(file.path, file.text);
      const where = `the file ${file.path}`;
      if ('error' in parsed)
        return unseenConfig(
          where,
          `Traefik reads the configuration file ${file.path} (${file.via}), which dockprobe cannot parse: ${parsed.error}`,
          file.path,
        );
      return staticConfigFrom(parsed, {
        source: 'file',
        where: `${where} (${file.via})`,
        configFile: file.path,
        assumed: file.assumed,
      });
    }
    case 'unreadable':
      return unseenConfig(
        `the file ${file.path}`,
        `Traefik reads the configuration file ${file.path}, which dockprobe cannot read: ${file.why}`,
        file.path,
      );
    case 'unknown':
      return unseenConfig(
        `the file ${file.path}, if it is there`,
        `Traefik may read a configuration file at ${file.path}, which dockprobe could not look at: ${file.why}`,
        file.path,
      );
    case 'none':
      break;
  }
  const assumed = [...file.assumed];
  if (Object.keys(flags.values).length > 0)
    return staticConfigFrom(flags, { source: 'flags', where: 'the command line', configFile: undefined, assumed });
  if (read.envSeen === 'spec') assumed.push("the image's own environment holds no TRAEFIK_* variable");
  const env = readEnvConfig(read.env);
  if (env)
    return staticConfigFrom(env, { source: 'env', where: 'its TRAEFIK_* variables', configFile: undefined, assumed });
  return staticConfigFrom(
    { values: {}, describe: (key) => key },
    {
      source: 'defaults',
      where: "Traefik's defaults (no configuration file, flag or TRAEFIK_* variable)",
      configFile: undefined,
      assumed,
    },
  );
}
