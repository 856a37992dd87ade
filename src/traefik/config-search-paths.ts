import { posix } from 'node:path';

/** Where Traefik looks for its configuration file, in order (pkg/cli/loader_file.go: cli.Finder). */
const BASES = ['/etc/traefik/traefik', '$XDG_CONFIG_HOME/traefik', '$HOME/.config/traefik', './traefik'];
const EXTENSIONS = ['toml', 'yaml', 'yml'];

/**
 * The paths Traefik's file finder tries, in its order, the first that exists winning: `--configFile` when given, then
 * each base path with each extension (toml, yaml, yml). Each is expanded as Go's os.ExpandEnv does (an unset variable
 * is empty: with no XDG_CONFIG_HOME the second base is /traefik) and taken relative to the working directory, as
 * os.Stat takes it. `env` holds the process's variables, HOME included.
 */
export function configSearchPaths(
  configFile: string | undefined,
  env: Readonly<Record<string, string>>,
  workingDir: string,
): string[] {
  const raw = [
    ...(configFile !== undefined && configFile.trim() !== '' ? [configFile] : []),
    ...BASES.flatMap((base) => EXTENSIONS.map((extension) => `${base}.${extension}`)),
  ];
  const cwd = workingDir.startsWith('/') ? workingDir : posix.resolve('/', workingDir);
  return [...new Set(raw.map((path) => posix.resolve(cwd, expandEnv(path, env))))];
}

// Go's os.ExpandEnv: $NAME and ${NAME}, an unset variable read as empty.
function expandEnv(path: string, env: Readonly<Record<string, string>>): string {
  return path.replace(
    /\$\{([^}]*)\}|\$([A-Za-z0-9_]+)/g,
    (_, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ''] ?? '',
  );
}
