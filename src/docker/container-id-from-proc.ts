/** The files a container's /etc gets from its engine: a bind mount each, from a folder named after the container. */
const ENGINE_FILES = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);

/**
 * The id of the container a process runs in, read from its `/proc/self/mountinfo` and `/proc/self/cgroup`; undefined
 * outside a container. First the mount of the /etc files the engine makes for each container, from
 * `…/containers/<id>/` (Docker, any data-root, cgroup v1 or v2) or `…/overlay-containers/<id>/userdata/` (Podman,
 * rootful or rootless); then the cgroup path (`/docker/<id>`, `docker-<id>.scope`, `libpod-<id>.scope`), which a
 * private cgroup namespace (cgroup v2's default) hides. The engine host's own files never match: a container's shm
 * or netns shows there on a mount point of its own, never on /etc.
 */
export function containerIdFromProc(mountinfo: string, cgroup: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mount-point …
    const [, , , root, mountPoint] = line.split(' ');
    if (root === undefined || mountPoint === undefined || !ENGINE_FILES.has(mountPoint)) continue;
    const id =
      /\/(?:containers|overlay-containers)\/([0-9a-f]{64})\/(?:userdata\/)?(?:hostname|hosts|resolv\.conf)$/.exec(
        root,
      )?.[1];
    if (id) return id;
  }
  for (const line of cgroup.split('\n')) {
    // hierarchy-id:controllers:path
    const path = line.split(':').slice(2).join(':');
    const id = /(?:^|\/)(?:docker\/|docker-|libpod-)([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path)?.[1];
    if (id) return id;
  }
  return undefined;
}
