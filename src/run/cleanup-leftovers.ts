import { hostname } from 'node:os';
import type { ContainerRuntime } from '../docker/container-runtime.js';
import { short } from '../docker/short-id.js';
import { removeNetwork, type RemoveNetworkOptions } from './remove-network.js';
import { LABEL_HOST, LABEL_PID, LABEL_ROLE, LABEL_RUN, labelFilter } from '../docker/labels.js';

/** What `cleanup` removed, kept, or failed to remove. */
export interface CleanupReport {
  removed: string[];
  /** What was spared, each with why: its run is still alive on this host, or containers still use the network. */
  kept: string[];
  failures: string[];
}

/** Which leftovers to remove. */
export interface CleanupOptions {
  /** Only this run. */
  runId?: string;
  /** Also resources of runs that look alive (their process still runs on this host). */
  all?: boolean;
  /** Also probe images built by other versions of dockprobe: every one but `keepImage`. */
  images?: boolean;
  /** The probe image to keep with `images` (the current one). */
  keepImage?: string;
  /** Backoff of network removal (tests shorten it). */
  removeNetwork?: RemoveNetworkOptions;
}

/**
 * Removes containers and networks labelled `dockprobe.run` that earlier (crashed) runs left behind. Resources of a run
 * whose process is still alive on this host are kept unless `all` is set, so a cleanup never breaks a run in progress.
 */
export async function cleanupLeftovers(runtime: ContainerRuntime, options: CleanupOptions = {}): Promise<CleanupReport> {
  const filter = [labelFilter(LABEL_RUN, options.runId)];
  const report: CleanupReport = { removed: [], kept: [], failures: [] };
  const [containers, networks] = await Promise.all([runtime.listContainers({ all: true, labels: filter }), runtime.listNetworks({ labels: filter })]);
  const removeOptions = options.removeNetwork ?? {};
  const alive = (labels: Record<string, string>) => !options.all && !options.runId && isAlive(labels);
  await Promise.all(
    containers.map(async (c) => {
      const what = `container ${c.name} (${short(c.id)}, run ${c.labels[LABEL_RUN]})`;
      if (alive(c.labels)) return void report.kept.push(`${what}: its run is still alive (--all removes it)`);
      try {
        await runtime.removeContainer(c.id);
        report.removed.push(what);
      } catch (error) {
        report.failures.push(`${what}: ${(error as Error).message}`);
      }
    }),
  );
  // Networks after containers: a network with endpoints cannot be removed. Forced disconnects and a bounded backoff
  // handle endpoints that linger; a ghost endpoint (in dockerd's store, no container) is named, never waited on.
  for (const n of networks) {
    const what = `network ${n.name} (${short(n.id)}, run ${n.labels[LABEL_RUN]})`;
    if (alive(n.labels)) {
      report.kept.push(`${what}: its run is still alive (--all removes it)`);
      continue;
    }
    const removal = await removeNetwork(runtime, n, removeOptions);
    switch (removal.status) {
      case 'removed':
      case 'gone':
        report.removed.push(what);
        break;
      case 'in-use':
        // A network that containers still use is not a leftover, whatever its labels say.
        report.kept.push(`${what}: still in use by ${removal.holders.join(', ')}`);
        break;
      case 'ghost':
      case 'failed':
        report.failures.push(removal.detail);
    }
  }
  if (options.images) {
    for (const image of await runtime.listImages({ labels: [labelFilter(LABEL_ROLE, 'image')] })) {
      // Tags are what is removed: an image shared with the current tag only loses its other names, and an image
      // goes with its last tag (an untagged one by its id).
      const references = image.tags.length > 0 ? image.tags.filter((t) => t !== options.keepImage) : [image.id];
      for (const reference of references) {
        const what = `image ${reference.startsWith('sha256:') ? short(reference.slice(7)) : reference} (${Math.round(image.sizeBytes / 1024 / 1024)} MB)`;
        try {
          await runtime.removeImage(reference);
          report.removed.push(what);
        } catch (error) {
          report.failures.push(`${what}: ${(error as Error).message}`);
        }
      }
    }
  }
  return report;
}

function isAlive(labels: Record<string, string>): boolean {
  const pid = Number(labels[LABEL_PID]);
  if (labels[LABEL_HOST] !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
