import { hostname } from 'node:os';

// Every label dockprobe reads or writes lives here, so `cleanup` and the run can never disagree on a name.

/** On everything a run creates: its run id. `dockprobe cleanup` finds leftovers by this label. */
export const LABEL_RUN = 'dockprobe.run';
/**
 * What the resource is for: `probe`, `control-peer` (a listener dockprobe adds to a source's network that has no
 * running peer for its probe to reach), `topology` (demo and test deployments) or `image`.
 */
export const LABEL_ROLE = 'dockprobe.role';
/** The pid of the dockprobe process that created it, so cleanup can spare resources of runs still alive. */
export const LABEL_PID = 'dockprobe.pid';
/** The host that process runs on (pids only mean something there). */
export const LABEL_HOST = 'dockprobe.host';
/**
 * The container the dockprobe process that created it runs in (its full id), when the engine it talks to runs that
 * container: there its pid and host name are the container's, and `cleanup` on the engine's host asks the engine
 * whether that container still runs instead.
 */
export const LABEL_OWNER_CONTAINER = 'dockprobe.owner-container';
/** Which source of the scenario a probe stands for, for logs and `docker ps`. */
export const LABEL_SOURCE = 'dockprobe.source';
/** The network a control peer of dockprobe's own was added to (its name), for logs and `docker ps`. */
export const LABEL_CONTROL_PEER_NETWORK = 'dockprobe.control-peer-of';
/** The content hash of a probe image, or of dockprobe's own image. */
export const LABEL_IMAGE_HASH = 'dockprobe.image-hash';
/**
 * On dockprobe's own image (`image build-self`): `cli`. A probe image has no such label; `cleanup --images`
 * removes probe images only.
 */
export const LABEL_IMAGE_KIND = 'dockprobe.image-kind';

/** Compose's labels, the same in Compose v1 (docker-compose) and v2 (docker compose). */
export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_NETWORK = 'com.docker.compose.network';
/** The version of Compose that created a container (v1: 1.29.2, v2: 2.40.3). */
export const COMPOSE_VERSION = 'com.docker.compose.version';
export const COMPOSE_ONEOFF = 'com.docker.compose.oneoff';
/** A Compose container's replica number within its service (1, 2 …). */
export const COMPOSE_CONTAINER_NUMBER = 'com.docker.compose.container-number';
/** The Compose files a container's project was brought up from (comma-separated), and the directory they are under. */
export const COMPOSE_CONFIG_FILES = 'com.docker.compose.project.config_files';
export const COMPOSE_WORKING_DIR = 'com.docker.compose.project.working_dir';

/**
 * Swarm's labels. `docker stack deploy` puts the stack's name on its services, their task containers and its
 * networks; the swarm agent puts the service, task and node on each task container.
 */
export const STACK_NAMESPACE = 'com.docker.stack.namespace';
export const SWARM_SERVICE_NAME = 'com.docker.swarm.service.name';
export const SWARM_SERVICE_ID = 'com.docker.swarm.service.id';
export const SWARM_TASK_ID = 'com.docker.swarm.task.id';
export const SWARM_NODE_ID = 'com.docker.swarm.node.id';

/** What a resource is for. */
export type Role = 'probe' | 'control-peer' | 'topology' | 'image';

/** Whether a container is one a run adds to probe with (a probe, a control peer): never part of what is probed. */
export function isProbeHelper(labels: Record<string, string>): boolean {
  return labels[LABEL_ROLE] === 'probe' || labels[LABEL_ROLE] === 'control-peer';
}

// The container this process runs in, once the engine has confirmed it runs it (run/own-container.ts).
let ownerContainer: string | undefined;

/** Records the container this process runs in (undefined: none the engine runs), for {@link runLabels}. */
export function setOwnerContainer(id: string | undefined): void {
  ownerContainer = id;
}

/** The labels every resource of run `runId` carries. */
export function runLabels(runId: string, role: Role, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [LABEL_RUN]: runId,
    [LABEL_ROLE]: role,
    [LABEL_PID]: String(process.pid),
    [LABEL_HOST]: hostname(),
    ...(ownerContainer ? { [LABEL_OWNER_CONTAINER]: ownerContainer } : {}),
    ...extra,
  };
}

/** A Docker filter value for `label=key=value` (or `label=key` without a value). */
export function labelFilter(key: string, value?: string): string {
  return value === undefined ? key : `${key}=${value}`;
}
