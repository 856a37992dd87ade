import { copyFile, mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { parseLdd } from './parse-ldd.js';

/** Where things sit inside the probe image. */
export const IMAGE_NODE = '/usr/local/bin/node';
export const IMAGE_AGENT = '/dockprobe/agent.mjs';

/** The Dockerfile of the offline image: nothing but node, its libraries and the agent. */
export const OFFLINE_DOCKERFILE = `FROM scratch
COPY rootfs/ /
USER 65534:65534
ENTRYPOINT ["${IMAGE_NODE}", "${IMAGE_AGENT}"]
CMD ["run"]
`;

/** A build context on disk: its folder and the files (relative) to send. */
export interface BuildContext {
  dir: string;
  files: string[];
}

/**
 * Lays out a `FROM scratch` build context from this host's own node runtime and the libraries `ldd` lists, so the
 * image builds with no registry. Linux only, and only when the engine runs the same architecture.
 */
export async function offlineContext(agentBundle: string, nodeBinary = process.execPath): Promise<BuildContext> {
  const node = await realpath(nodeBinary);
  let lddOutput: string;
  try {
    lddOutput = (await execa('ldd', [node], { timeout: 10_000 })).stdout;
  } catch (error) {
    throw new DockprobeError(ErrorCodes.IMAGE_BUILD, `cannot list the libraries of ${node} with ldd`, {
      cause: error,
      hint: 'use --image with a probe image built from probes/Dockerfile',
    });
  }
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-image-'));
  const files: string[] = ['Dockerfile'];
  const put = async (from: string, to: string) => {
    const target = join(dir, 'rootfs', to);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(from, target);
    files.push(join('rootfs', to));
  };
  await put(node, IMAGE_NODE);
  for (const lib of parseLdd(lddOutput)) await put(lib, lib);
  await put(agentBundle, IMAGE_AGENT);
  await writeFile(join(dir, 'Dockerfile'), OFFLINE_DOCKERFILE);
  return { dir, files };
}
