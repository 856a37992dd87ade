import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Engine } from '../docker/engine.js';
import { short } from '../docker/short-id.js';
import { forceRemoveNetwork, type ForceRemoveOptions } from './force-remove-network.js';
import { lanNames, removeLanNeighbour } from '../run/lan-neighbour.js';
import type { ContainerInfo } from '../docker/container-client.js';
import {
  LABEL_HOST,
  LABEL_IMAGE_KIND,
  LABEL_OWNER_CONTAINER,
  LABEL_PID,
  LABEL_ROLE,
  LABEL_RUN,
  labelFilter,
} from '../docker/labels.js';
import { ownPlace } from '../run/own-container.js';

/** What `cleanup` removed, kept, or failed to remove. */
export interface CleanupReport {
  removed: string[];
  /** With `dryRun`: what would be removed, each with why. */
  wouldRemove: string[];
  /** What was spared, each with why: its owner is alive or elsewhere or unknown, or containers still use it. */
  kept: string[];
  failures: string[];
}

/** Which leftovers to remove. */
export interface CleanupOptions {
  /**
   * Only this run. What records no owner is removed as the user named it; a run still alive here needs `all` too,
   * and one started on another host `otherHosts`.
   */
  runId?: string;
  /** Also resources of runs whose process is still alive on this host. */
  all?: boolean;
  /** Also resources of runs started on other hosts (their pids mean nothing here, so nothing proves them gone). */
  otherHosts?: boolean;
  /** List what would be removed and why; remove nothing. */
  dryRun?: boolean;
  /** Also probe images built by other versions of dockprobe: every one but `keepImage`. */
  images?: boolean;
  /** The probe image to keep with `images` (the current one). */
  keepImage?: string;
  /** Backoff of network removal (tests shorten it). */
  removeNetwork?: ForceRemoveOptions;
  /** How LAN neighbours (`from: lan`) are listed and removed on this host (tests give fakes); default: /run/netns, ip. */
  lan?: { list: () => Promise<string[]>; remove: (netns: string, hostIf: string) => Promise<void> };
}

/** Whose a labelled resource is, as far as this host can prove. */
export type Owner =
  | { status: 'gone'; why: string }
  | { status: 'alive'; why: string }
  | { status: 'elsewhere'; why: string }
  | { status: 'unknown'; why: string };

/**
 * Whether the run that made a resource is provably gone: it must name a run, this host, and a process id that no
 * longer runs here; or, for a run in a container of the engine (`dockprobe.owner-container`), that container, which
 * `containers` gives as the engine inspected it (undefined: no longer there). A resource without them (a stack
 * brought up by hand from a file that carries the labels) is never taken for a leftover.
 */
export function ownerOf(
  labels: Record<string, string>,
  here = hostname(),
  containers: ReadonlyMap<string, ContainerInfo | undefined> = new Map(),
): Owner {
  const run = labels[LABEL_RUN];
  const host = labels[LABEL_HOST];
  const pid = Number(labels[LABEL_PID]);
  if (!run) return { status: 'unknown', why: 'it names no run' };
  const owner = labels[LABEL_OWNER_CONTAINER];
  // Inside its container, the run's pid and host name are the container's: the engine says whether it still runs.
  if (owner !== undefined && containers.has(owner)) {
    const c = containers.get(owner);
    if (c === undefined)
      return { status: 'gone', why: `run ${run} is gone (its container ${short(owner)} no longer exists)` };
    if (!c.running)
      return { status: 'gone', why: `run ${run} is gone (its container ${c.name} (${short(owner)}) is ${c.state})` };
    return { status: 'alive', why: `run ${run} is still running in container ${c.name} (${short(owner)})` };
  }
  if (!host || !Number.isInteger(pid) || pid <= 0)
    return {
      status: 'unknown',
      why: `run ${run} records no owner process (pid ${labels[LABEL_PID] ?? 'none'}, host ${host || 'none'}): nothing proves it dockprobe's and gone`,
    };
  if (host !== here) return { status: 'elsewhere', why: `run ${run} was started on host ${host}` };
  if (pid === process.pid) return { status: 'alive', why: `run ${run} is this process` };
  try {
    process.kill(pid, 0);
    return { status: 'alive', why: `run ${run} is still alive (pid ${pid})` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM')
      return { status: 'alive', why: `run ${run} is still alive (pid ${pid}, another user's)` };
    return { status: 'gone', why: `run ${run} is gone (pid ${pid} no longer runs on this host)` };
  }
}

/**
 * Removes containers (probes, control peers, test deployments), swarm jobs and networks labelled `dockprobe.run` whose run is provably gone: started on this host by a
 * process that no longer runs. Runs still alive here (`all`) and runs of other hosts (`otherHosts`) are each removed
 * only when asked for, a named run (`runId`) included; a resource that records no owner only when its run is named.
 */
export async function cleanupLeftovers(
  runtime: Pick<Engine, 'system' | 'containers' | 'networks' | 'swarm' | 'images'>,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const filter = [labelFilter(LABEL_RUN, options.runId)];
  const report: CleanupReport = { removed: [], wouldRemove: [], kept: [], failures: [] };
  const [containers, networks] = await Promise.all([
    runtime.containers.list({ all: true, labels: filter }),
    runtime.networks.list({ labels: filter }),
  ]);
  const removeOptions = options.removeNetwork ?? {};
  const engine = await runtime.system.info();
  const jobs = engine.swarmManager ? await runtime.swarm.listServices({ labels: filter }) : [];
  const ownerContainers = await ownerContainersOf(runtime, [...containers, ...jobs, ...networks]);
  // Why a resource goes, or undefined when it stays (then `kept` says why).
  const decide = (what: string, labels: Record<string, string>): string | undefined => {
    const owner = ownerOf(labels, hostname(), ownerContainers);
    if (owner.status === 'gone') return owner.why;
    // Naming a run narrows what goes, and stands for the owner a resource does not record; a run still alive here or
    // started on another host still needs its own flag: `--run` with an id from another machine's log must not pull
    // probes out from under that machine's run.
    if (owner.status === 'alive' && options.all) return `${owner.why}, and --alive was given`;
    if (owner.status === 'elsewhere' && options.otherHosts) return `${owner.why}, and --other-hosts was given`;
    if (owner.status === 'unknown' && options.runId) return `run ${options.runId} was named`;
    const flag =
      owner.status === 'alive'
        ? ' (--alive removes it)'
        : owner.status === 'elsewhere'
          ? ' (--other-hosts removes it)'
          : ' (--run ID removes it)';
    report.kept.push(`${what}: ${owner.why}${flag}`);
    return undefined;
  };
  // Removes each leftover the owner rules let go (all at once: they do not depend on each other), or lists it with
  // --dry-run; the report says which went, which stayed and why, and which failed.
  const removeAll = (items: { what: string; labels: Record<string, string>; remove: () => Promise<void> }[]) =>
    Promise.all(
      items.map(async ({ what, labels, remove }) => {
        const why = decide(what, labels);
        if (why === undefined) return;
        if (options.dryRun) return void report.wouldRemove.push(`${what}: ${why}`);
        try {
          await remove();
          report.removed.push(what);
        } catch (error) {
          report.failures.push(`${what}: ${(error as Error).message}`);
        }
      }),
    );
  const runOf = (labels: Record<string, string>) => labels[LABEL_RUN] || 'none';
  await removeAll(
    containers.map((c) => ({
      what: `${c.labels[LABEL_ROLE] === 'control-peer' ? 'control peer' : 'container'} ${c.name} (${short(c.id)}, run ${runOf(c.labels)})`,
      labels: c.labels,
      remove: () => runtime.containers.remove(c.id),
    })),
  );
  // Swarm jobs (probes on other nodes), listed on a manager only: a worker cannot list services. The swarm removes
  // each job's task container on its node with the service.
  await removeAll(
    jobs.map((j) => ({
      what: `swarm job ${j.name} (${short(j.id)}, run ${runOf(j.labels)})`,
      labels: j.labels,
      remove: () => runtime.swarm.removeService(j.id),
    })),
  );
  // LAN neighbours (`from: lan`): network namespaces on this host, named after their run and owner process.
  const lan = options.lan ?? { list: listLanNamespaces, remove: removeLanNeighbour };
  const neighbours = (await lan.list()).flatMap((netns) => {
    const m = /^dockprobe-lan-(.+)-(\d+)$/.exec(netns);
    return m && (!options.runId || m[1] === options.runId) ? [{ netns, run: m[1]!, pid: m[2]! }] : [];
  });
  await removeAll(
    neighbours.map(({ netns, run, pid }) => ({
      what: `LAN neighbour ${netns} (run ${run})`,
      labels: { [LABEL_RUN]: run, [LABEL_PID]: pid, [LABEL_HOST]: hostname() },
      remove: () => lan.remove(netns, lanNames(run, Number(pid)).hostIf),
    })),
  );
  // Networks after containers: a network with endpoints cannot be removed. Forced disconnects and a bounded backoff
  // handle endpoints that linger; a ghost endpoint (in dockerd's store, no container) is named, never waited on.
  for (const n of networks) {
    const what = `network ${n.name} (${short(n.id)}, run ${runOf(n.labels)})`;
    const why = decide(what, n.labels);
    if (why === undefined) continue;
    if (options.dryRun) {
      report.wouldRemove.push(`${what}: ${why}`);
      continue;
    }
    const removal = await forceRemoveNetwork(runtime, n, removeOptions);
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
    // An image a container still runs (another run's live probe of an older version, or anything of the user's that
    // runs it) keeps its last name: removing that would need force, and forcing would touch what is not dockprobe's.
    const holders = new Map<string, string[]>();
    for (const c of await runtime.containers.list({ all: true })) {
      holders.set(c.imageId, [...(holders.get(c.imageId) ?? []), `${c.name} (${short(c.id)})`]);
    }
    const images = await runtime.images.list({ labels: [labelFilter(LABEL_ROLE, 'image')] });
    // dockprobe's own image (`image build-self`) is the user's to keep: it is no probe image.
    for (const image of images.filter((i) => i.labels[LABEL_IMAGE_KIND] === undefined)) {
      // Tags are what is removed: an image shared with the current tag only loses its other names, and an image
      // goes with its last tag (an untagged one by its id).
      const references = image.tags.length > 0 ? image.tags.filter((t) => t !== options.keepImage) : [image.id];
      const heldBy = holders.get(image.id);
      for (const [index, reference] of references.entries()) {
        const lastName = references.length === image.tags.length && index === references.length - 1;
        if (heldBy !== undefined && (lastName || image.tags.length === 0)) {
          report.kept.push(`image ${reference}: still used by container(s) ${heldBy.join(', ')}`);
          continue;
        }
        if (options.dryRun) {
          report.wouldRemove.push(`image ${reference}: built by another dockprobe version`);
          continue;
        }
        const what = `image ${reference.startsWith('sha256:') ? short(reference.slice(7)) : reference} (${Math.round(image.sizeBytes / 1024 / 1024)} MB)`;
        try {
          await runtime.images.remove(reference);
          report.removed.push(what);
        } catch (error) {
          report.failures.push(`${what}: ${(error as Error).message}`);
        }
      }
    }
  }
  return report;
}

/**
 * The containers that runs in a container of this engine recorded as their owner, each as the engine inspects it
 * (undefined: gone), but the one this process runs in: there the run's pid and host name are this container's, and
 * mean what they say.
 */
async function ownerContainersOf(
  runtime: Pick<Engine, 'containers'>,
  resources: readonly { labels: Record<string, string> }[],
): Promise<Map<string, ContainerInfo | undefined>> {
  const place = await ownPlace(runtime);
  const self = place.kind === 'container' ? place.id : undefined;
  const ids = new Set(
    resources.map((r) => r.labels[LABEL_OWNER_CONTAINER]).filter((id) => id !== undefined && id !== self),
  );
  return new Map(await Promise.all([...ids].map(async (id) => [id!, await runtime.containers.inspect(id!)] as const)));
}

// The named network namespaces of this host (`ip netns add` keeps them under /run/netns); none where there is no such dir.
async function listLanNamespaces(): Promise<string[]> {
  try {
    return (await readdir('/run/netns')).filter((n) => n.startsWith('dockprobe-lan-'));
  } catch {
    return [];
  }
}
