import { probeProjectEnv } from '../compose/probe-project-env.js';
import { composeUp, detectCompose } from '../compose/compose-cli.js';
import { tearDownProject } from '../compose/tear-down-project.js';
import { waitForProject } from '../compose/wait-for-project.js';
import type { Engine } from '../docker/engine.js';
import { DockerodeEngine } from '../docker/dockerode-engine.js';
import { ensureProbeImage } from '../image/probe-image.js';
import { addressPoolWarning } from '../topology/address-pools.js';
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
  const runtime: Engine =
    options.runtime ?? new DockerodeEngine(options.engineTimeoutMs ? { apiTimeoutMs: options.engineTimeoutMs } : {});
  const runId = options.runId ?? newRunId();
  const engine = await runtime.system.info();
  const image = await ensureProbeImage(runtime, { ...(options.image ? { image: options.image } : {}), log });
  const compose = await detectCompose();
  // The demo creates three networks: say so before Compose fails with an opaque pool error.
  const pools = addressPoolWarning(await runtime.networks.list(), 3);
  if (pools) log(`warning: ${pools}`);
  const project = `dockprobe-demo-${runId}`;
  const composeFile = options.broken ? BROKEN_COMPOSE : REFERENCE_COMPOSE;
  const call = {
    project,
    composeFile,
    timeoutMs: options.upTimeoutMs ?? 120_000,
    env: { ...process.env, ...probeProjectEnv(image, runId) } as Record<string, string>,
  };
  const { stack, close } = (options.cleanup ?? new CleanupStack()).child(`demo project ${project}`);
  // With --keep nothing tears the project down, not even Ctrl-C: the user asked to keep it.
  if (!options.keep) {
    stack.defer(`tear down project ${project}`, async () => {
      const { leftBehind, composeError } = await tearDownProject(runtime, compose, {
        ...call,
        timeoutMs: DOWN_TIMEOUT_MS,
      });
      if (composeError && leftBehind.length === 0)
        log(`compose down failed, but the sweep after it removed everything: ${composeError.split('\n')[0]}`);
      if (leftBehind.length > 0) throw new Error(leftBehind.join('; '));
    });
  }
  let result: RunResult | undefined;
  try {
    log(
      `bringing up ${options.broken ? 'the broken twin' : 'the reference topology'} as project ${project} with ${compose.file} ${compose.args.join(' ')} ${compose.version} on engine ${engine.version}`.replace(
        /\s+/g,
        ' ',
      ),
    );
    await composeUp(compose, call);
    await waitForProject(runtime, project, { timeoutMs: call.timeoutMs });
    result = await verify({
      ...options,
      runtime,
      runId,
      image,
      cleanup: stack,
      scenarios: [REFERENCE_SCENARIO],
      project,
    });
    return result;
  } finally {
    log(
      options.keep
        ? `leaving project ${project} up (--keep); remove it with: dockprobe cleanup --run ${runId}`
        : `tearing down project ${project}`,
    );
    const failures = await close();
    for (const failure of failures) log(`cleanup: ${failure}`);
    // What could not be removed is part of the result: the run exits 3 (or 1 for a mismatch) and names it.
    result?.cleanupFailures.push(...failures);
  }
}

/** Limit for `compose down` in the demo's teardown; the sweep after it adds a few seconds per network. */
const DOWN_TIMEOUT_MS = 60_000;
