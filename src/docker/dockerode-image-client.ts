import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { DockerodeConnection } from './dockerode-connection.js';
import { statusOf } from './engine-error.js';
import { familiarImageName } from './familiar-image-name.js';
import type { ImageClient, ImageSummary } from './image-client.js';
import { normalisePorts } from './to-container-info.js';

/** {@link ImageClient} on a real engine. */
export class DockerodeImageClient implements ImageClient {
  readonly #connection: DockerodeConnection;

  constructor(connection: DockerodeConnection) {
    this.#connection = connection;
  }

  async exists(reference: string): Promise<boolean> {
    const connection = this.#connection;
    try {
      await connection.timed(connection.docker.getImage(reference).inspect(), `inspect image ${reference}`);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw connection.wrap('inspect image', reference, error);
    }
  }

  async exposedPorts(reference: string): Promise<{ port: number; protocol: string }[] | undefined> {
    const connection = this.#connection;
    try {
      const image = await connection.timed(
        connection.docker.getImage(reference).inspect(),
        `inspect image ${reference}`,
      );
      return exposedPortsOf(Object.keys(image.Config?.ExposedPorts ?? {}));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw connection.wrap('inspect image', reference, error);
    }
  }

  async list(filter: { labels: string[] }): Promise<ImageSummary[]> {
    const connection = this.#connection;
    const list = await connection.call('list images', '', () =>
      connection.docker.listImages({ filters: { label: filter.labels } }),
    );
    return list.map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>').map(familiarImageName),
      sizeBytes: i.Size,
      labels: i.Labels ?? {},
    }));
  }

  async remove(reference: string): Promise<void> {
    const connection = this.#connection;
    try {
      await connection.timed(connection.docker.getImage(reference).remove(), `remove image ${reference}`);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw connection.wrap('remove image', reference, error);
    }
  }

  async save(reference: string): Promise<NodeJS.ReadableStream> {
    const connection = this.#connection;
    return connection.call('save image', reference, () => connection.docker.getImage(reference).get());
  }

  async load(tar: NodeJS.ReadableStream, timeoutMs: number, reference: string): Promise<void> {
    const connection = this.#connection;
    const load = async () =>
      this.#followProgress(await connection.docker.loadImage(tar, { quiet: true }), 'load failed');
    try {
      await connection.timed(load(), `load image ${reference} at ${connection.endpoint}`, timeoutMs);
    } catch (error) {
      // A stalled transfer must not keep reading the source engine's export after the deadline.
      (tar as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw connection.wrap('load image', reference, error);
    }
  }

  async build(options: {
    contextDir: string;
    files: string[];
    tag: string;
    alsoTag?: string[];
    labels: Record<string, string>;
    timeoutMs: number;
  }): Promise<void> {
    const connection = this.#connection;
    const build = async () =>
      this.#followProgress(
        await connection.docker.buildImage(
          { context: options.contextDir, src: options.files },
          // The API takes `t` once per tag; dockerode's types allow one, its query string as many as given.
          {
            t: [options.tag, ...(options.alsoTag ?? [])] as unknown as string,
            labels: options.labels,
            rm: true,
            forcerm: true,
          },
        ),
        'build failed',
      );
    try {
      await connection.timed(build(), `build image ${options.tag}`, options.timeoutMs);
    } catch (error) {
      throw new DockprobeError(
        ErrorCodes.IMAGE_BUILD,
        `building image ${options.tag} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  // The engine streams a build's or a load's progress as JSON lines, and says a failure in one of them, not by status.
  #followProgress(stream: NodeJS.ReadableStream, fallback: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#connection.docker.modem.followProgress(
        stream,
        (error: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
          const failed = output?.find((o) => o.error || o.errorDetail);
          if (error) reject(error);
          else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error ?? fallback));
          else resolve();
        },
      );
    });
  }
}

/** ExposedPorts' keys (`6379/tcp`, `53/udp`, `8080` for tcp) as ports, sorted, each once; a malformed key is left out. */
export function exposedPortsOf(keys: readonly string[]): { port: number; protocol: string }[] {
  return normalisePorts(keys, {}, {}).map(({ port, protocol }) => ({ port, protocol }));
}
