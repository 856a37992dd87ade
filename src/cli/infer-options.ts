import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { listOption, oneProject } from './common-options.js';

/** Where `test --infer` infers from, decided from the command line before anything talks to Docker. */
export interface InferOptions {
  /** Compose files for `compose config` (empty: Compose finds its own file here); unused when `live`. */
  files: string[];
  /** The Compose project: the running one when `live`, else the name `compose config` is given. */
  project: string | undefined;
  /** Infer from the running project (its containers, networks and ports), as `infer --live` does. */
  live: boolean;
}

/**
 * `test [files..] [--infer [--file COMPOSE…]] [--project P]`, validated at the boundary: scenario files, `--infer`,
 * or both. `--infer` with `--project` and no `--file` infers from the running project (`infer --live`); with `--file`
 * (or neither), from the Compose files through `compose config` (`infer`). Undefined without `--infer`.
 */
export function inferOptionsFrom(
  argv: { files?: readonly string[] | undefined; infer: boolean; file?: readonly string[] | undefined },
  projects: readonly string[] | undefined,
): InferOptions | undefined {
  const composeFiles = listOption(argv.file);
  if (!argv.infer) {
    if (composeFiles !== undefined) {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `--file names Compose files to infer from, and goes with --infer (got --file ${composeFiles.join(',') || "''"})`,
        {
          hint: 'dockprobe test --infer --file docker-compose.yml; scenario files are named without an option: dockprobe test FILE…',
        },
      );
    }
    if ((argv.files ?? []).length === 0) {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        'name the scenario files to run, or --infer to run what the deployment itself implies',
        {
          hint: 'dockprobe test scenarios/reference.yml, or dockprobe test --infer --project shop (add scenario files to run both)',
        },
      );
    }
    return undefined;
  }
  // One model, one project: Compose is given one project name, and a live read infers one project's zones.
  const project = oneProject(projects, 'test --infer');
  return { files: composeFiles ?? [], project, live: composeFiles === undefined && project !== undefined };
}
