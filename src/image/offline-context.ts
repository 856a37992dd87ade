import { chmod, copyFile, mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
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

/** What a `FROM scratch` image holds: each file at its path in the image (`to`). */
export interface RootfsLayout {
  /** Executables: each comes with the shared libraries `ldd` lists for it. */
  binaries: { from: string; to: string }[];
  /** Files as they are (`from`), or written from `content`. */
  files: ({ from: string; to: string } | { content: string; to: string })[];
  /** Empty directories to make, with their modes (a world-writable /tmp: 0o1777). */
  directories?: { to: string; mode: number }[];
  dockerfile: string;
}

/**
 * Lays out a `FROM scratch` build context from this host's own node runtime and the libraries `ldd` lists, so the
 * image builds with no registry. Linux only, and only when the engine runs the same architecture.
 */
export async function offlineContext(agentBundle: string, nodeBinary = process.execPath): Promise<BuildContext> {
  return rootfsContext({
    binaries: [{ from: nodeBinary, to: IMAGE_NODE }],
    files: [{ from: agentBundle, to: IMAGE_AGENT }],
    dockerfile: OFFLINE_DOCKERFILE,
  });
}

/** Lays out the build context of a `FROM scratch` image: `rootfs/` (copied to `/`) and the Dockerfile. */
export async function rootfsContext(layout: RootfsLayout): Promise<BuildContext> {
  const libraries = new Set<string>();
  const binaries: { from: string; to: string }[] = [];
  for (const binary of layout.binaries) {
    const from = await realpath(binary.from);
    binaries.push({ from, to: binary.to });
    for (const lib of await librariesOf(from)) libraries.add(lib);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dockprobe-image-'));
  const files: string[] = ['Dockerfile'];
  const put = async (from: string | { content: string }, to: string) => {
    const target = join(dir, 'rootfs', to);
    await mkdir(dirname(target), { recursive: true });
    if (typeof from === 'string') await copyFile(from, target);
    else await writeFile(target, from.content);
    files.push(join('rootfs', to));
  };
  for (const { from, to } of binaries) await put(from, to);
  for (const lib of libraries) await put(lib, lib);
  for (const file of layout.files) await put('from' in file ? file.from : file, file.to);
  for (const { to, mode } of layout.directories ?? []) {
    const target = join(dir, 'rootfs', to);
    await mkdir(target, { recursive: true });
    await chmod(target, mode);
    files.push(join('rootfs', to));
  }
  await writeFile(join(dir, 'Dockerfile'), layout.dockerfile);
  return { dir, files };
}

/**
 * The shared libraries a binary loads, as `ldd` lists them; where there is no `ldd` (inside dockprobe's own image),
 * as the dynamic loader lists them when asked to trace instead of run (what `ldd` does itself).
 */
async function librariesOf(binary: string): Promise<string[]> {
  try {
    let output: string;
    try {
      output = (await execa('ldd', [binary], { timeout: 10_000 })).stdout;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      output = (await execa(binary, [], { timeout: 10_000, env: { LD_TRACE_LOADED_OBJECTS: '1' } })).stdout;
    }
    return parseLdd(output);
  } catch (error) {
    throw new DockprobeError(ErrorCodes.IMAGE_BUILD, `cannot list the libraries of ${binary} with ldd`, {
      cause: error,
      hint: 'use --image with a probe image built from probes/Dockerfile',
    });
  }
}
