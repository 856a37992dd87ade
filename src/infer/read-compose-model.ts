import { basename, dirname, resolve } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { detectCompose } from '../compose/compose-cli.js';
import { commandOutput } from '../compose/command-output.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { InferModel } from './infer-model.js';
import { modelFromComposeConfig } from './model-from-compose-config.js';

/**
 * The model of Compose files as Compose itself reads them (`config`): interpolation, `extends`, profiles and several
 * `-f` files are Compose's job, not a second parser's. The project is `--project`, else the name Compose gives it.
 */
export async function readComposeModel(
  files: readonly string[],
  project: string | undefined,
  timeoutMs = 30_000,
): Promise<InferModel> {
  const compose = await detectCompose();
  const args = [
    ...compose.args,
    ...files.flatMap((f) => ['--file', f]),
    ...(project ? ['--project-name', project] : []),
    'config',
  ];
  const command = [compose.file, ...args].join(' ');
  const result = await execa(compose.file, args, { timeout: timeoutMs, reject: false, stdin: 'ignore' });
  if (result.failed) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${result.exitCode}`;
    throw new DockprobeError(ErrorCodes.USAGE, `${command} failed (${why}): ${commandOutput(String(result.stderr))}`, {
      hint: 'check the file with that command; dockprobe reads Compose files only through Compose',
    });
  }
  // Compose v2 prints the project's name; v1 names it after the first file's directory.
  const named = (parse(result.stdout) as { name?: unknown } | null)?.name;
  const name =
    project ??
    (typeof named === 'string'
      ? named
      : basename(dirname(resolve(files[0] ?? 'docker-compose.yml')))
          .toLowerCase()
          .replace(/[^a-z0-9_-]/g, ''));
  return modelFromComposeConfig(result.stdout, name, command);
}
