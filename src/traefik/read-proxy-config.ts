import type { ContainerClient, ContainerInfo } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import { SWARM_TASK_ID, labelFilter } from '../docker/labels.js';
import type { SwarmContainerSpec } from '../docker/swarm-client.js';
import type { Topology, TopologyService, TopologyTask } from '../topology/topology.js';
import { configSearchPaths } from './config-search-paths.js';
import { detectProxy, proxyKey } from './detect-proxy.js';
import { readFlags } from './read-static-config.js';
import type { ConfigFileSearch, ProxyConfigRead } from './traefik.js';

/** The largest configuration file read; a static configuration is a few kilobytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Links followed from one search path before giving up on it. */
const MAX_LINKS = 8;

/** An engine that can read the proxy's container: this one, or another node's (`--node-engine`). */
export interface ProxyNodeEngine {
  nodeId: string;
  runtime: Pick<Engine, 'containers'>;
}

/**
 * Reads what a Traefik proxy's static configuration can come from, the way Traefik itself looks, with nothing run in
 * the proxy: its command line and environment (inspect), and the configuration file search in Traefik's order, each
 * path looked up where it lives. A swarm config mounted at the path is read through the manager's config API (which
 * also covers a proxy on another node); any other path through the container's archive endpoint, on this node or
 * on another through its engine (`--node-engine`). A proxy task on another node without one is read from its service
 * spec: its configs, its command and environment; a mount there cannot be looked into (the path stays unknown), and
 * the image's own files and environment are taken to hold no configuration, which the result says.
 */
export async function readProxyConfig(
  runtime: Pick<Engine, 'containers' | 'swarm'>,
  service: TopologyService,
  nodeEngines: readonly ProxyNodeEngine[] = [],
): Promise<ProxyConfigRead> {
  const spec = service.swarm?.service?.container;
  const target = await containerToRead(runtime.containers, service, nodeEngines);
  const assumed: string[] = [];
  let command: string[];
  let environment: string[];
  let workingDir: string;
  let user: string;
  if (target) {
    const run = await target.containers.runConfig(target.container.id);
    command = target.container.command;
    environment = run.env;
    workingDir = run.workingDir;
    user = run.user;
  } else {
    const task = remoteTask(service);
    const where = task?.node ? `node ${task.node.hostname}` : 'another node';
    // The image's entrypoint and command stand in when the spec has none: an image's own flags are not seen.
    command = [...(spec?.command ?? []), ...(spec?.args ?? [])];
    if (!spec?.args.length) assumed.push(`the image's own command holds no flag (the proxy runs on ${where})`);
    environment = spec?.env ?? [];
    workingDir = spec?.dir ?? '';
    if (!spec?.dir) assumed.push(`the image's working directory is / (the proxy runs on ${where})`);
    user = spec?.user ?? '';
  }
  const env = Object.fromEntries(
    environment
      .map((entry) => [entry.slice(0, Math.max(0, entry.indexOf('='))), entry.slice(entry.indexOf('=') + 1)])
      .filter(([name]) => name !== '' && (/^TRAEFIK_/i.test(name!) || name === 'HOME' || name === 'XDG_CONFIG_HOME')),
  ) as Record<string, string>;
  if (env['HOME'] === undefined) {
    const home = target ? await homeOf(target, user) : undefined;
    env['HOME'] = home ?? (user === '' || user === 'root' || user.startsWith('0') ? '/root' : '/');
    if (!home) assumed.push(`HOME is ${env['HOME']} (not set, and the user's home was not read)`);
  }
  const paths = configSearchPaths(readFlags(command).values['configfile'], env, workingDir);
  const file = await searchFile(paths, runtime, spec, target, service, assumed);
  return { command, env, envSeen: target ? 'all' : 'spec', file };
}

interface ReadableContainer {
  containers: Pick<ContainerClient, 'runConfig' | 'readFile'>;
  container: ContainerInfo;
}

// The container whose filesystem and settings are read: a running one of the service here, else a running task's on
// another node through that node's engine.
async function containerToRead(
  containers: Pick<ContainerClient, 'runConfig' | 'readFile'>,
  service: TopologyService,
  nodeEngines: readonly ProxyNodeEngine[],
): Promise<ReadableContainer | undefined> {
  const local = service.containers.find((c) => c.running) ?? service.containers[0];
  if (local) return { containers, container: local };
  for (const task of service.swarm?.tasks ?? []) {
    if (task.state !== 'running' || !task.nodeId) continue;
    const engine = nodeEngines.find((n) => n.nodeId === task.nodeId);
    if (!engine) continue;
    const [container] = await engine.runtime.containers.list({ labels: [labelFilter(SWARM_TASK_ID, task.id)] });
    if (container) return { containers: engine.runtime.containers, container };
  }
  return undefined;
}

function remoteTask(service: TopologyService): TopologyTask | undefined {
  return (service.swarm?.tasks ?? []).find((t) => t.state === 'running' && !t.local);
}

// The user's home as runc sets HOME when the environment has none: its /etc/passwd entry, else /.
async function homeOf(target: ReadableContainer, user: string): Promise<string | undefined> {
  const name = user.split(':')[0] ?? '';
  const passwd = await target.containers
    .readFile(target.container.id, '/etc/passwd', MAX_CONFIG_BYTES)
    .catch(() => undefined);
  if (!passwd) return undefined;
  if (passwd.kind !== 'file') return '/';
  const wanted = name === '' ? '0' : name;
  for (const line of passwd.content.toString('utf8').split('\n')) {
    const [login, , uid, , , home] = line.split(':');
    if ((login === wanted || uid === wanted) && home) return home;
  }
  return '/';
}

// The search, path by path: the first that exists is the file Traefik reads.
async function searchFile(
  paths: readonly string[],
  runtime: Pick<Engine, 'swarm'>,
  spec: SwarmContainerSpec | undefined,
  target: ReadableContainer | undefined,
  service: TopologyService,
  assumed: string[],
): Promise<ConfigFileSearch> {
  let imageAssumed = false;
  for (const path of paths) {
    const config = spec?.configs.find((c) => c.target === path);
    if (config) {
      try {
        const read = await runtime.swarm.inspectConfig(config.configId);
        return {
          kind: 'found',
          path,
          text: read.data.toString('utf8'),
          via: `swarm config ${config.configName}`,
          assumed,
        };
      } catch (error) {
        return { kind: 'unreadable', path, why: `swarm config ${config.configName}: ${(error as Error).message}` };
      }
    }
    if (target) {
      const found = await readThroughLinks(target, path);
      if (found.kind === 'missing') continue;
      return found.kind === 'found' ? { ...found, assumed } : found;
    }
    const mount = spec?.mounts.find((m) => path === m.target || path.startsWith(`${m.target.replace(/\/$/, '')}/`));
    const task = remoteTask(service);
    const node = task?.node ? `node ${task.node.hostname}` : 'another node';
    if (mount)
      return {
        kind: 'unknown',
        path,
        why: `a ${mount.type} mount of the proxy on ${node}, which dockprobe reads only through that node's engine (--node-engine)`,
      };
    if (!imageAssumed) {
      assumed.push(
        `the image holds no configuration file of its own (the proxy runs on ${node}, whose files were not read)`,
      );
      imageAssumed = true;
    }
  }
  return { kind: 'none', searched: [...paths], assumed };
}

// One search path in the container, a link followed to what it names (Traefik's os.Stat follows links).
async function readThroughLinks(
  target: ReadableContainer,
  path: string,
): Promise<Exclude<ConfigFileSearch, { kind: 'none' }> | { kind: 'missing' }> {
  const id = target.container.id;
  let at = path;
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    let file: Awaited<ReturnType<ContainerClient['readFile']>>;
    try {
      file = await target.containers.readFile(id, at, MAX_CONFIG_BYTES);
    } catch (error) {
      return { kind: 'unknown', path, why: (error as Error).message };
    }
    const via = `read from container ${target.container.name}${at !== path ? ` through the link to ${at}` : ''}`;
    switch (file.kind) {
      case 'file':
        return { kind: 'found', path, text: file.content.toString('utf8'), via, assumed: [] };
      case 'missing':
        // A link to nothing is no file to os.Stat either.
        return { kind: 'missing' };
      case 'symlink':
        at = file.target.startsWith('/') ? file.target : `${at.slice(0, at.lastIndexOf('/') + 1)}${file.target}`;
        continue;
      case 'not-a-file':
        return {
          kind: 'unreadable',
          path,
          why: `it is a ${file.what}${file.what === 'directory' ? ' (a bind mount of a file missing on the host makes one), and Traefik fails to start on it' : ''}`,
        };
      case 'too-large':
        return { kind: 'unreadable', path, why: `it holds ${file.size} bytes, more than the ${MAX_CONFIG_BYTES} read` };
    }
  }
  return { kind: 'unreadable', path, why: `more than ${MAX_LINKS} links from ${path}` };
}

/**
 * What was read of each proxy the scenarios' `traefik:` checks name (or find), by `<project>/<service>`: the proxy
 * found as planning will find it, then read. A read the engine refuses leaves that proxy's configuration unseen.
 */
export async function readProxyConfigs(
  runtime: Pick<Engine, 'containers' | 'swarm'>,
  topology: Topology,
  checks: readonly { project: string | undefined; proxy: string | undefined }[],
  nodeEngines: readonly ProxyNodeEngine[] = [],
): Promise<Map<string, ProxyConfigRead>> {
  const read = new Map<string, ProxyConfigRead>();
  for (const check of checks) {
    if (!check.project) continue;
    const detection = detectProxy(topology.services, { project: check.project, proxy: check.proxy });
    if (detection.kind !== 'found' || read.has(proxyKey(detection.service))) continue;
    const service = detection.service;
    read.set(
      proxyKey(service),
      await readProxyConfig(runtime, service, nodeEngines).catch((error: unknown) => ({
        command: [],
        env: {},
        envSeen: 'spec' as const,
        file: { kind: 'unknown' as const, path: '/etc/traefik', why: (error as Error).message },
      })),
    );
  }
  return read;
}
