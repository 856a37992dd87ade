/** The endpoint dockerode will use, as a URL-ish string for messages (mirrors docker-modem's reading of DOCKER_HOST). */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const host = env['DOCKER_HOST'];
  if (!host) return process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
  return host;
}

/**
 * dockerode's connection options for an endpoint given as DOCKER_HOST takes it (`unix:///path`, `tcp://host:port`,
 * `ssh://user@host`), for an engine other than the default one: another swarm node's (`--node-engine`). TLS for
 * `tcp://` follows DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does, through docker-modem.
 */
export function endpointOptions(
  endpoint: string,
): { socketPath: string } | { protocol: 'http' | 'https' | 'ssh'; host: string; port: number; username?: string } {
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
      const tls = url.protocol === 'https:' || (url.protocol === 'tcp:' && Boolean(process.env['DOCKER_TLS_VERIFY']));
      if (!url.hostname) throw new TypeError(`no host in ${JSON.stringify(endpoint)}`);
      return {
        protocol: tls ? 'https' : 'http',
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : tls ? 2376 : 2375,
      };
    }
    case 'ssh:':
      if (!url.hostname) throw new TypeError(`no host in ${JSON.stringify(endpoint)}`);
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      };
    default:
      throw new TypeError(
        `unsupported engine endpoint ${JSON.stringify(endpoint)}: use unix:///path, tcp://host:port or ssh://user@host`,
      );
  }
}
