import { hostname } from 'node:os';

/**
 * What a Compose file of dockprobe's own (the reference topology, its broken twin, a swarm fixture) interpolates: the
 * probe image its services run, and the run they belong to, so that `cleanup` knows them as the run's.
 */
export function probeProjectEnv(image: string, runId: string) {
  return {
    DOCKPROBE_IMAGE: image,
    DOCKPROBE_RUN: runId,
    DOCKPROBE_PID: String(process.pid),
    DOCKPROBE_HOST: hostname(),
  };
}
