import { hostname } from 'node:os';
import { composeDown, composeUp, detectCompose } from '../compose/compose-cli.js';
import { waitForProject } from '../compose/wait-for-project.js';
import type { ContainerRuntime } from '../docker/container-runtime.js';
import { DockerodeRuntime } from '../docker/dockerode-runtime.js';
import { ensureProbeImage } from '../image/probe-image.js';
import { BROKEN_COMPOSE, REFERENCE_COMPOSE, REFERENCE_SCENARIO } from '../package-paths.js';
import { CleanupStack } from '../run/cleanup-stack.js';
import { newRunId } from '../run/run-id.js';
import type { RunResult } from '../run-result.js';
import { verify, type VerifyOptions } from '../verify.js';

/** Options of {@link runDemo}. */
export interface DemoOptions extends Omit<VerifyOptions, 'scenarios' | 'project'> {
  /** Bring up the broken twin (every service on the public network) instead: the same scenario must fail. */
  broken?: boolean;
  /** Leave the topology up afterwards (it still carries the run label, for `dockprobe cleanup`). */
  keep?: boolean;
  /** Limit for `compose up` plus the wait for every container to run (default 2 min). */
  upTimeoutMs?: number;
}

/**
 * The built-in demo: brings up the reference topology (or its broken twin) under a project of its own, runs
 * scenarios/reference.yml against it, and tears it down, whatever happens.
 */
export async function runDemo(options: DemoOptions = {}): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  const runtime: ContainerRuntime = options.runtime ?? new DockerodeRuntime();
  const runId = options.runId ?? newRunId();
  const engine = await runtime.info();
  const image = await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log });
  const compose = await detectCompose();
  const project = `dockprobe-demo-${runId}`;
  const composeFile = options.broken ? BROKEN_COMPOSE : REFERENCE_COMPOSE;
  const call = {
    project,
    composeFile,
    timeoutMs: options.upTimeoutMs ?? 120_000,
    env: { ...process.env, DOCKPROBE_IMAGE: image, DOCKPROBE_RUN: runId, DOCKPROBE_PID: String(process.pid), DOCKPROBE_HOST: hostname() } as Record<string, string>,
  };
  const { stack, close } = (options.cleanup ?? new CleanupStack()).child(`demo project ${project}`);
  // With --keep nothing tears the project down, not even Ctrl-C: the user asked to keep it.
  if (!options.keep) stack.defer(`compose down ${project}`, () => composeDown(compose, call));
  try {
    log(`bringing up ${options.broken ? 'the broken twin' : 'the reference topology'} as project ${project} with ${compose.file} ${compose.args.join(' ')} ${compose.version} on engine ${engine.version}`.replace(/\s+/g, ' '));
    await composeUp(compose, call);
    await waitForProject(runtime, project, { timeoutMs: call.timeoutMs });
    return await verify({ ...options, runtime, runId, image, cleanup: stack, scenarios: [REFERENCE_SCENARIO], project });
  } finally {
    log(options.keep ? `leaving project ${project} up (--keep); remove it with: dockprobe cleanup --run ${runId} --all` : `tearing down project ${project}`);
    for (const failure of await close()) log(`cleanup: ${failure}`);
  }
}
