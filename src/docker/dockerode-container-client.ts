import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type {
  AttachedContainer,
  ContainerClient,
  ContainerExit,
  ContainerFile,
  ContainerInfo,
  ContainerRunConfig,
  ContainerSpec,
} from './container-client.js';
import { demuxDockerStream } from './demux-stream.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import { containerGone, messageOf, statusOf } from './engine-error.js';
import { firstTarEntry, pathStat } from './read-archive.js';
import { short } from './short-id.js';
import { toContainerInfo } from './to-container-info.js';

/** {@link ContainerClient} on a real engine. */
export class DockerodeContainerClient implements ContainerClient {
  readonly #connection: DockerodeConnection;

  constructor(connection: DockerodeConnection) {
    this.#connection = connection;
  }

  async list(filter: { labels?: string[]; all?: boolean } = {}): Promise<ContainerInfo[]> {
    const connection = this.#connection;
    const filters: Record<string, string[]> = filter.labels?.length ? { label: filter.labels } : {};
    const list = await connection.call('list containers', '', () =>
      connection.docker.listContainers({ all: filter.all ?? true, filters }),
    );
    const inspected = await Promise.all(
      list.map((c) =>
        connection
          .call('inspect container', c.Id, () => connection.docker.getContainer(c.Id).inspect())
          .catch((error: unknown) => {
            // A container removed between list and inspect is simply gone.
            if (containerGone(error)) return undefined;
            throw error;
          }),
      ),
    );
    return inspected.filter((c): c is Docker.ContainerInspectInfo => c !== undefined).map(toContainerInfo);
  }

  async create(spec: ContainerSpec): Promise<string> {
    const connection = this.#connection;
    const container = await connection.call('create container', spec.name, () =>
      connection.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        User: spec.user,
        AttachStdout: spec.stdin === true,
        AttachStderr: spec.stdin === true,
        ...(spec.stdin ? { AttachStdin: true, OpenStdin: true, StdinOnce: true, Tty: false } : {}),
        HostConfig: {
          NetworkMode: spec.networkMode,
          ReadonlyRootfs: true,
          CapDrop: ['ALL'],
          // The `=` form is the one the API documents; engines 26+ log a deprecation warning per container for `:`.
          SecurityOpt: ['no-new-privileges=true'],
          Memory: spec.memoryBytes,
          MemorySwap: spec.memoryBytes,
          PidsLimit: spec.pidsLimit,
          ...(spec.dns.length ? { Dns: spec.dns } : {}),
          AutoRemove: spec.autoRemove === true,
          Privileged: false,
          LogConfig: { Type: 'json-file', Config: { 'max-size': `${Math.ceil(spec.logBytes / 1024)}k` } },
        },
        ...(spec.network ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } } } : {}),
      }),
    );
    return container.id;
  }

  async start(id: string): Promise<void> {
    const connection = this.#connection;
    await connection.call('start container', id, () => connection.docker.getContainer(id).start());
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    const connection = this.#connection;
    try {
      return toContainerInfo(
        await connection.call('inspect container', id, () => connection.docker.getContainer(id).inspect()),
      );
    } catch (error) {
      if (containerGone(error)) return undefined;
      throw error;
    }
  }

  async logs(id: string): Promise<{ stdout: string; stderr: string }> {
    const connection = this.#connection;
    const logs = await connection.call('read logs of container', id, () =>
      connection.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false }),
    );
    return demuxDockerStream(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
  }

  async wait(id: string, timeoutMs: number): Promise<ContainerExit> {
    const connection = this.#connection;
    const container = connection.docker.getContainer(id);
    let exitCode: number;
    try {
      const result = (await connection.whileAlive(
        connection.timed(container.wait(), `wait for container ${short(id)}`, timeoutMs),
        `wait for container ${short(id)}`,
      )) as { StatusCode: number };
      exitCode = result.StatusCode;
    } catch (error) {
      // Bounded like every call: an engine that went silent mid-run (the wait's own failure) would otherwise hold the
      // kill, and with it the run, for ever.
      await connection.timed(container.kill(), `kill container ${short(id)}`).catch(() => undefined);
      throw connection.wrap('wait for container', id, error);
    }
    const logs = await connection.call('read logs of container', id, () =>
      container.logs({ stdout: true, stderr: true, follow: false }),
    );
    return { exitCode, ...demuxDockerStream(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs))) };
  }

  async attach(id: string): Promise<AttachedContainer> {
    const connection = this.#connection;
    const modem = connection.docker.modem;
    // The request carries no body: dockerode's own attach sends its options as a JSON body, which Podman passes on to
    // the container's stdin ahead of the first line written (a warm probe then refuses its first request).
    const stream = await connection.call(
      'attach to container',
      id,
      () =>
        new Promise<NodeJS.ReadWriteStream & { destroy(): void }>((resolve, reject) =>
          modem.dial(
            {
              path: `/containers/${id}/attach?`,
              method: 'POST',
              options: { stream: true, stdin: true, stdout: true, stderr: true },
              headers: { 'Content-Type': 'text/plain' },
              // An empty body, written: it sends the request's headers, which nothing else would while stdin stays open.
              file: Buffer.alloc(0),
              isStream: true,
              hijack: true,
              openStdin: true,
              statusCodes: {
                200: true,
                404: 'no such container',
                409: 'container is not running',
                500: 'server error',
              },
            },
            (error, stream) =>
              error ? reject(error) : resolve(stream as NodeJS.ReadWriteStream & { destroy(): void }),
          ),
        ),
    );
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    connection.docker.modem.demuxStream(stream, stdout, stderr);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      stdout.end();
      stderr.end();
    };
    stream.on('end', end);
    stream.on('close', end);
    // A connection that breaks is the end of the attach, never an unhandled error.
    stream.on('error', end);
    return {
      write: (text) => {
        if (!ended) stream.write(text);
      },
      stdout,
      stderr,
      close: () => {
        stream.destroy();
        end();
      },
    };
  }

  async remove(id: string): Promise<void> {
    const connection = this.#connection;
    try {
      await connection.timed(
        connection.docker.getContainer(id).remove({ force: true, v: true }),
        `remove container ${short(id)}`,
      );
    } catch (error) {
      const status = statusOf(error);
      // 404: already gone; 409: removal already in progress.
      if (status === 404 || status === 409) return;
      throw connection.wrap('remove container', id, error);
    }
  }

  async runConfig(id: string): Promise<ContainerRunConfig> {
    const connection = this.#connection;
    const info = await connection.call('inspect container', id, () => connection.docker.getContainer(id).inspect());
    return { env: info.Config?.Env ?? [], workingDir: info.Config?.WorkingDir ?? '', user: info.Config?.User ?? '' };
  }

  async readFile(id: string, path: string, maxBytes: number): Promise<ContainerFile> {
    const connection = this.#connection;
    const what = `read ${path} from container`;
    let response: IncomingMessage;
    try {
      response = (await connection.timed(
        connection.docker.getContainer(id).getArchive({ path }),
        `${what} ${short(id)}`,
      )) as IncomingMessage;
    } catch (error) {
      // dockerode calls every 404 "no such container"; the engine's own words after it say which one it is.
      const cause = messageOf(error).replace(/^\(HTTP code \d+\)[^-]*- /, '');
      if (statusOf(error) === 404 && !/no such container|no container with name/i.test(cause))
        return { kind: 'missing' };
      throw connection.wrap(what, id, error);
    }
    const stat = pathStat(response.headers['x-docker-container-path-stat']);
    if (stat?.kind === 'symlink' || stat?.kind === 'not-a-file') {
      response.destroy();
      return stat;
    }
    if (stat?.kind === 'file' && stat.size > maxBytes) {
      response.destroy();
      return { kind: 'too-large', size: stat.size };
    }
    try {
      return await connection.timed(firstTarEntry(response, maxBytes), `${what} ${short(id)}`);
    } catch (error) {
      response.destroy();
      throw connection.wrap(what, id, error);
    }
  }
}
