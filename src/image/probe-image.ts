import { createHash } from 'node:crypto';
import { access, readFile, rm } from 'node:fs/promises';
import type { Engine } from '../docker/engine.js';
import { LABEL_IMAGE_HASH, LABEL_ROLE } from '../docker/labels.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { AGENT_BUNDLE, VERSION } from '../package-paths.js';
import { OFFLINE_DOCKERFILE, offlineContext } from './offline-context.js';

/** The repository part of every probe image tag. */
export const IMAGE_REPOSITORY = 'dockprobe-probe';

/** Options for {@link ensureProbeImage}. */
export interface ProbeImageOptions {
  /** Use this image as is (e.g. one pushed to a registry, built from probes/Dockerfile). */
  image?: string;
  /** Rebuild even if the tag exists. */
  rebuild?: boolean;
  /** Limit for the build (default 5 min). */
  buildTimeoutMs?: number;
  log?: (message: string) => void;
}

/** The tag of the probe image this version of dockprobe builds (its content hash included). */
export async function currentProbeImageTag(): Promise<string> {
  const agent = await readAgent();
  const hash = createHash('sha256')
    .update(agent)
    .update(process.version)
    .update(process.arch)
    .update(OFFLINE_DOCKERFILE)
    .digest('hex')
    .slice(0, 12);
  return `${IMAGE_REPOSITORY}:${VERSION}-${hash}`;
}

/**
 * The probe image to run: `--image` as given, or `dockprobe-probe:<version>-<content hash>`, built offline from the
 * host's node runtime when missing. The hash covers the agent, the node binary's version and the Dockerfile, so a
 * changed agent never runs from a stale image.
 */
export async function ensureProbeImage(
  runtime: Pick<Engine, 'endpoint' | 'images'>,
  options: ProbeImageOptions = {},
): Promise<string> {
  const found = await findProbeImage(runtime, options);
  if (found) return found;
  const tag = await currentProbeImageTag();
  const hash = tag.slice(tag.lastIndexOf('-') + 1);
  if (process.platform !== 'linux') {
    throw new DockprobeError(
      ErrorCodes.IMAGE_BUILD,
      `no probe image ${tag}, and the offline build needs a Linux host (this is ${process.platform})`,
      {
        hint: 'build the registry image: docker build -t dockprobe-probe -f probes/Dockerfile . && dockprobe test --image dockprobe-probe …',
      },
    );
  }
  options.log?.(`building probe image ${tag} from this host's node ${process.version} (offline, FROM scratch)`);
  const context = await offlineContext(AGENT_BUNDLE);
  try {
    await runtime.images.build({
      contextDir: context.dir,
      files: context.files,
      tag,
      labels: { [LABEL_ROLE]: 'image', [LABEL_IMAGE_HASH]: hash },
      timeoutMs: options.buildTimeoutMs ?? 300_000,
    });
  } finally {
    await rm(context.dir, { recursive: true, force: true });
  }
  return tag;
}

/**
 * The probe image to run when it is on the engine already: `--image` as given (an error when it is missing), or the
 * current tag unless `rebuild`; undefined when ensureProbeImage would build it. Nothing is built or logged, so a run
 * can ask while it reads the deployment.
 */
export async function findProbeImage(
  runtime: Pick<Engine, 'endpoint' | 'images'>,
  options: Pick<ProbeImageOptions, 'image' | 'rebuild'> = {},
): Promise<string | undefined> {
  if (options.image) {
    if (!(await runtime.images.exists(options.image))) {
      throw new DockprobeError(
        ErrorCodes.IMAGE_BUILD,
        `probe image ${options.image} is not on the engine at ${runtime.endpoint}`,
        { hint: 'pull it first, or leave out --image to build one offline' },
      );
    }
    return options.image;
  }
  if (options.rebuild) return undefined;
  const tag = await currentProbeImageTag();
  return (await runtime.images.exists(tag)) ? tag : undefined;
}

async function readAgent(): Promise<Buffer> {
  try {
    await access(AGENT_BUNDLE);
  } catch (error) {
    throw new DockprobeError(ErrorCodes.IMAGE_BUILD, `the probe agent bundle ${AGENT_BUNDLE} is missing`, {
      cause: error,
      hint: 'run `npm run build` (npm ci does it)',
    });
  }
  return readFile(AGENT_BUNDLE);
}
