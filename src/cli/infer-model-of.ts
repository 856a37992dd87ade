import type { Engine } from '../docker/engine.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { inferExpectations, type InferredEntry } from '../infer/infer-expectations.js';
import type { InferModel } from '../infer/infer-model.js';
import { modelFromTopology } from '../infer/model-from-topology.js';
import { readComposeModel } from '../infer/read-compose-model.js';
import { renderMatrix, renderScenario } from '../infer/render-inferred.js';

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
  const entries = inferExpectations(model);
  return { model, entries, matrix: renderMatrix(model, entries), scenario: renderScenario(model, entries) };
}
