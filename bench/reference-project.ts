import { composeDown, composeUp, detectCompose } from '../src/compose/compose-cli.js';
import { probeProjectEnv } from '../src/compose/probe-project-env.js';
import { waitForProject } from '../src/compose/wait-for-project.js';
import { DockerodeEngine } from '../src/docker/dockerode-engine.js';
import { ensureProbeImage } from '../src/image/probe-image.js';
import { REFERENCE_COMPOSE } from '../src/package-paths.js';
import { newRunId } from '../src/run/run-id.js';

/** The reference topology, brought up as a project of a benchmark's own, labelled with its run. */
export function upReferenceProject() {
  return upBenchProject(REFERENCE_COMPOSE, 'dockprobe-bench');
}

/**
 * A Compose file whose services are the probe image (DOCKPROBE_IMAGE, DOCKPROBE_RUN), brought up as a project of a
 * benchmark's own (`<prefix>-<run id>`), labelled with its run.
 */
export async function upBenchProject(composeFile: string, prefix: string) {
  const runtime = new DockerodeEngine();
  const image = await ensureProbeImage(runtime, { log: (m) => console.error(m) });
  const compose = await detectCompose();
  const runId = newRunId();
  const project = `${prefix}-${runId}`;
  const call = {
    project,
    composeFile,
    env: { ...process.env, ...probeProjectEnv(image, runId) } as Record<string, string>,
  };
  await composeUp(compose, call);
  try {
    await waitForProject(runtime, project);
  } catch (error) {
    await composeDown(compose, call);
    throw error;
  }
  return { runtime, image, runId, project, down: () => composeDown(compose, call) };
}
