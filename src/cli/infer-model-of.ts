import type { Engine } from '../docker/engine.js';
import type { ImageClient } from '../docker/image-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { ScenarioError } from '../errors/scenario-error.js';
import { addImagePorts } from '../infer/add-image-ports.js';
import { inferExpectations, type InferredEntry } from '../infer/infer-expectations.js';
import type { InferModel } from '../infer/infer-model.js';
import { modelFromTopology } from '../infer/model-from-topology.js';
import { readComposeModel } from '../infer/read-compose-model.js';
import { renderMatrix, renderScenario } from '../infer/render-inferred.js';
import { refuseUncheckable } from '../plan/scenario-problems.js';
import { parseScenario } from '../scenario/parse-scenario.js';

/**
 * `infer`'s work, and `test --infer`'s: the model (files or live), the inferred entries, and their two renderings. A
 * live model is read through `runtime` when given (test's, with its --engine-timeout), else a runtime of its own
 * with `engine`'s deadline (infer's --engine-timeout).
 */
export async function inferModel(options: {
  files: string[];
  stackFiles?: string[];
  project: string | undefined;
  live: boolean;
  runtime?: Engine;
  engine?: { apiTimeoutMs?: number };
  /** Where a file's images are asked for their exposed ports: `runtime`'s images, else the engine's of `engine`. */
  images?: Pick<ImageClient, 'exposedPorts'>;
}): Promise<{ model: InferModel; entries: InferredEntry[]; matrix: string; scenario: string }> {
  let model: InferModel;
  if (options.live && (options.files.length > 0 || (options.stackFiles?.length ?? 0) > 0)) {
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `--live reads what runs; ${options.files.length > 0 ? '--file' : '--stack-file'} reads files: give one of them`,
      { hint: 'dockprobe infer --live --project glasck, or dockprobe infer --stack-file stack.yml --project glasck' },
    );
  }
  if (options.live) {
    if (!options.project)
      throw new DockprobeError(ErrorCodes.USAGE, '--live needs --project: the running Compose project to infer from', {
        hint: 'dockprobe infer --live --project shop',
      });
    const [{ DockerodeEngine }, { resolveTopology }] = await Promise.all([
      import('../docker/dockerode-engine.js'),
      import('../topology/resolve-topology.js'),
    ]);
    const topology = await resolveTopology(
      [
        {
          file: 'infer --live',
          projects: [options.project],
          timeoutMs: 1000,
          internet: [],
          expectations: [],
          rules: [],
          traefik: undefined,
        },
      ],
      options.runtime ?? new DockerodeEngine(options.engine ?? {}),
    );
    model = modelFromTopology(topology, options.project);
  } else if (options.stackFiles && options.stackFiles.length > 0) {
    if (options.files.length > 0)
      throw new DockprobeError(
        ErrorCodes.USAGE,
        '--file and --stack-file read the same deployment two ways: give one of them',
        { hint: 'Compose files with --file, swarm stack files with --stack-file' },
      );
    const { readStackModel } = await import('../infer/read-stack-model.js');
    model = await readStackModel(options.stackFiles, options.project);
  } else {
    model = await readComposeModel(options.files, options.project);
  }
  if (!options.live) model = await addImagePorts(model, await imagesOf(model, options));
  const entries = inferExpectations(model);
  const scenario = renderScenario(model, entries);
  if (entries.length > 0) refuseRefused(scenario, model.origin);
  return { model, entries, matrix: renderMatrix(model, entries), scenario };
}

/**
 * The images of a file's services, asked only when a service has no port of its own: an engine that cannot even be
 * set up (a malformed DOCKER_HOST) answers each question with why, and inference goes on without the images' ports.
 */
async function imagesOf(
  model: InferModel,
  options: { runtime?: Engine; engine?: { apiTimeoutMs?: number }; images?: Pick<ImageClient, 'exposedPorts'> },
): Promise<Pick<ImageClient, 'exposedPorts'>> {
  if (options.images) return options.images;
  if (options.runtime) return options.runtime.images;
  const asks = model.services.some((s) => s.ports.length === 0 && s.udpPorts.length === 0 && s.images?.length);
  if (!asks) return { exposedPorts: async () => undefined };
  try {
    const { DockerodeEngine } = await import('../docker/dockerode-engine.js');
    return new DockerodeEngine(options.engine ?? {}).images;
  } catch (error) {
    return {
      exposedPorts: async () => {
        throw error;
      },
    };
  }
}

/**
 * Throws, with `validate`'s own words, when what was inferred is a scenario `validate` would refuse (a Compose network
 * named `host` or `none` is no zone): nothing is written or run that the next command refuses.
 */
function refuseRefused(scenario: string, origin: string): void {
  try {
    refuseUncheckable(parseScenario(scenario, `<inferred from ${origin}>`));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `what was inferred from ${origin} is a scenario validate refuses, so none is written or run:\n${error.message}`,
      { hint: 'write the scenario by hand for that deployment, from scenarios/reference.yml', cause: error },
    );
  }
}
