/** The endpoint dockerode will use, as a URL-ish string for messages (mirrors docker-modem's reading of DOCKER_HOST). */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const host = env['DOCKER_HOST'];
  if (!host) return process.platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
  return host;
}
