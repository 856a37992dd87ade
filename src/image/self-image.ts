import { createHash } from 'node:crypto';
import { access, constants, readdir, readFile, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Engine } from '../docker/engine.js';
import { LABEL_IMAGE_HASH, LABEL_IMAGE_KIND, LABEL_ROLE, labelFilter } from '../docker/labels.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { PACKAGE_ROOT, VERSION } from '../package-paths.js';
import { IMAGE_NODE, type RootfsLayout, rootfsContext } from './offline-context.js';

/** The repository of dockprobe's own image: `dockprobe:<version>` and `dockprobe:latest`. */
export const SELF_REPOSITORY = 'dockprobe';

/** Where the package sits inside the image; its command line is the entrypoint. */
const IMAGE_PACKAGE = '/dockprobe';

/**
 * The host tools `from: lan` runs (run/lan-neighbour.ts): copied with their libraries when this host has them, so the
 * image can stand a LAN neighbour beside the engine's host when it is given that host's namespaces.
 */
const LAN_TOOLS = ['ip', 'nsenter', 'setpriv', 'prlimit'];

/** Options for {@link buildSelfImage}. */
export interface SelfImageOptions {
  /** Limit for the build (default 5 min). */
  buildTimeoutMs?: number;
  log?: (message: string) => void;
}

/** What {@link buildSelfImage} made. */
export interface SelfImage {
  tags: string[];
  /** The content hash (its `dockprobe.image-hash` label). */
  hash: string;
  /** Its size, uncompressed, as the engine counts it. */
  sizeBytes: number;
  /** The `from: lan` tools this host lacked (the image then refuses nothing more, but its LAN view fails). */
  missingTools: string[];
}

/**
 * Builds dockprobe's own image offline, `FROM scratch` as the probe image is: this host's node and its libraries, the
 * command line's bundles (dist/cli) with the packages they require, each bundled into one file
 * (dist/image/modules), the probe agent (to build the probe image on the engine it talks to), and the tools of the
 * LAN view. It runs as root (the Docker socket's group differs from host to host), in /work.
 */
export async function buildSelfImage(
  runtime: Pick<Engine, 'endpoint' | 'images'>,
  options: SelfImageOptions = {},
): Promise<SelfImage> {
  if (process.platform !== 'linux')
    throw new DockprobeError(
      ErrorCodes.IMAGE_BUILD,
      `dockprobe's image is built from this host's node runtime, and needs a Linux host (this is ${process.platform})`,
    );
  const layout = await selfImageLayout();
  const hash = await contentHash(layout);
  const tags = [`${SELF_REPOSITORY}:${VERSION}`, `${SELF_REPOSITORY}:latest`];
  options.log?.(`building ${tags.join(' and ')} from this host's node ${process.version} (offline, FROM scratch)`);
  if (layout.missingTools.length > 0)
    options.log?.(
      `warning: ${layout.missingTools.join(', ')} not found on this host: the image's LAN view (from: lan) will fail`,
    );
  const context = await rootfsContext(layout);
  try {
    await runtime.images.build({
      contextDir: context.dir,
      files: context.files,
      tag: tags[0]!,
      alsoTag: tags.slice(1),
      labels: { [LABEL_ROLE]: 'image', [LABEL_IMAGE_KIND]: 'cli', [LABEL_IMAGE_HASH]: hash },
      timeoutMs: options.buildTimeoutMs ?? 300_000,
    });
  } finally {
    await rm(context.dir, { recursive: true, force: true });
  }
  const built = await runtime.images.list({ labels: [labelFilter(LABEL_IMAGE_HASH, hash)] });
  const image = built.find((i) => i.tags.includes(tags[0]!));
  if (!image)
    throw new DockprobeError(ErrorCodes.IMAGE_BUILD, `the engine at ${runtime.endpoint} built no image ${tags[0]}`);
  return { tags, hash, sizeBytes: image.sizeBytes, missingTools: layout.missingTools };
}

// The image's files. The package.json gives the version (package-paths.ts); every other file the command line reads
// at run time is among these.
async function selfImageLayout(): Promise<RootfsLayout & { missingTools: string[] }> {
  const dist = join(PACKAGE_ROOT, 'dist');
  const cli = await listDir(join(dist, 'cli'));
  const modules = await listDir(join(dist, 'image', 'modules'));
  const files: RootfsLayout['files'] = [
    {
      content: `${JSON.stringify({ name: 'dockprobe', version: VERSION, private: true })}\n`,
      to: '/dockprobe/package.json',
    },
    ...cli.map((f) => ({ from: join(dist, 'cli', f), to: `${IMAGE_PACKAGE}/dist/cli/${f}` })),
    { from: join(dist, 'probe', 'agent.mjs'), to: `${IMAGE_PACKAGE}/dist/probe/agent.mjs` },
  ];
  for (const f of modules) {
    // `@scope+name.cjs` is `@scope/name`: node finds it as node_modules/@scope/name, by its package.json's main.
    const dir = `${IMAGE_PACKAGE}/node_modules/${f.replace(/\.cjs$/, '').replace('+', '/')}`;
    files.push({ from: join(dist, 'image', 'modules', f), to: `${dir}/index.cjs` });
    files.push({ content: '{"main":"index.cjs"}\n', to: `${dir}/package.json` });
  }
  const tools = await Promise.all(LAN_TOOLS.map(async (name) => ({ name, path: await onPath(name) })));
  return {
    binaries: [
      { from: process.execPath, to: IMAGE_NODE },
      ...tools.flatMap((t) => (t.path ? [{ from: t.path, to: `/usr/bin/${t.name}` }] : [])),
    ],
    files,
    // Node's tmpdir() (the probe image's build context, the LAN view's agent copy) and `ip netns add`'s /run/netns.
    directories: [
      { to: '/tmp', mode: 0o1777 },
      { to: '/run', mode: 0o755 },
    ],
    dockerfile: `FROM scratch
COPY rootfs/ /
WORKDIR /work
ENTRYPOINT ["${IMAGE_NODE}", "${IMAGE_PACKAGE}/dist/cli/bin.cjs"]
`,
    missingTools: tools.filter((t) => !t.path).map((t) => t.name),
  };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    throw new DockprobeError(ErrorCodes.IMAGE_BUILD, `${dir} is missing: the image is made of the built package`, {
      cause: error,
      hint: 'run `npm run build` (npm ci does it)',
    });
  }
}

// The image's content: every file's path and bytes, the node runtime's version and the Dockerfile.
async function contentHash(layout: RootfsLayout): Promise<string> {
  const hash = createHash('sha256').update(process.version).update(process.arch).update(layout.dockerfile);
  for (const entry of [...layout.binaries, ...layout.files].sort((a, b) => a.to.localeCompare(b.to))) {
    hash.update(entry.to);
    hash.update('from' in entry ? await readFile(entry.from) : entry.content);
  }
  return hash.digest('hex').slice(0, 12);
}

async function onPath(name: string): Promise<string | undefined> {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin'].filter(Boolean);
  for (const dir of new Set(dirs)) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}
