import { execa } from 'execa';
import { commandOutput } from '../compose/command-output.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { InferModel } from './infer-model.js';
import { modelFromComposeConfig } from './model-from-compose-config.js';

/**
 * The model of swarm stack files as the docker CLI reads them for `docker stack deploy` (`docker stack config`, which
 * needs no engine): interpolation, merges and several `-c` files are the CLI's job, as Compose's are for Compose
 * files. A stack's file says nothing of its name, so the stack is `--project` (as `docker stack deploy … NAME`).
 */
export async function readStackModel(
  files: readonly string[],
  stack: string | undefined,
  timeoutMs = 30_000,
): Promise<InferModel> {
  if (!stack)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      "--stack-file needs --project: the stack's name, as docker stack deploy takes it",
      { hint: 'dockprobe infer --stack-file stack.yml --project glasck' },
    );
  const args = ['stack', 'config', ...files.flatMap((f) => ['--compose-file', f])];
  const command = ['docker', ...args].join(' ');
  const result = await execa('docker', args, { timeout: timeoutMs, reject: false, stdin: 'ignore' });
  if (result.failed) {
    const why = result.timedOut
      ? `timed out after ${timeoutMs} ms`
      : result.exitCode === undefined
        ? String(result.shortMessage)
        : `exit code ${result.exitCode}`;
    throw new DockprobeError(ErrorCodes.USAGE, `${command} failed (${why}): ${commandOutput(String(result.stderr))}`, {
      hint: 'check the file with that command (docker CLI 20.10 or newer); dockprobe reads stack files only through it',
    });
  }
  return modelFromComposeConfig(String(result.stdout), stack, command);
}
