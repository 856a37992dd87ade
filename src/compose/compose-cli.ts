import { execa } from 'execa';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** How to call Compose here: `docker compose` (v2) or `docker-compose` (v1). */
export interface ComposeCommand {
  file: string;
  args: string[];
  version: string;
}

/** Options of one compose call. */
export interface ComposeCallOptions {
  project: string;
  composeFile: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Finds Compose: `$DOCKPROBE_COMPOSE` if set (e.g. "docker-compose"), else `docker compose` (v2), else
 * `docker-compose` (v1). Each candidate is asked for its version, with a timeout.
 */
export async function detectCompose(env: NodeJS.ProcessEnv = process.env): Promise<ComposeCommand> {
  const override = env['DOCKPROBE_COMPOSE']?.trim();
  const candidates = override ? [override.split(/\s+/)] : [['docker', 'compose'], ['docker-compose']];
  const tried: string[] = [];
  for (const [file, ...args] of candidates) {
    try {
      const { stdout } = await execa(file!, [...args, 'version', '--short'], { timeout: 15_000 });
      return { file: file!, args, version: stdout.trim() };
    } catch (error) {
      tried.push(
        `${[file, ...args].join(' ')} (${(error as { shortMessage?: string }).shortMessage?.split('\n')[0] ?? (error as Error).message})`,
      );
    }
  }
  throw new DockprobeError(ErrorCodes.COMMAND_FAILED, `no Docker Compose found; tried ${tried.join(', ')}`, {
    hint: 'install the compose plugin (docker compose) or docker-compose, or set DOCKPROBE_COMPOSE',
  });
}

/** `compose up -d`: creates and starts the project; `scale` runs several replicas of a service. */
export async function composeUp(
  compose: ComposeCommand,
  options: ComposeCallOptions & { scale?: Record<string, number> },
): Promise<void> {
  const scale = Object.entries(options.scale ?? {}).flatMap(([service, n]) => ['--scale', `${service}=${n}`]);
  await runCompose(compose, options, ['up', '-d', '--remove-orphans', ...scale]);
}

/** `compose down`: removes the project's containers, networks and anonymous volumes. */
export async function composeDown(compose: ComposeCommand, options: ComposeCallOptions): Promise<void> {
  await runCompose(compose, options, ['down', '--volumes', '--remove-orphans', '--timeout', '2']);
}

async function runCompose(compose: ComposeCommand, options: ComposeCallOptions, command: string[]): Promise<void> {
  const args = [...compose.args, '--project-name', options.project, '--file', options.composeFile, ...command];
  const timeout = options.timeoutMs ?? 120_000;
  const result = await execa(compose.file, args, {
    env: { ...options.env },
    timeout,
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  if (result.failed) {
    const why = result.timedOut ? `timed out after ${timeout} ms` : `exit code ${result.exitCode}`;
    throw new DockprobeError(
      ErrorCodes.COMMAND_FAILED,
      `${[compose.file, ...args].join(' ')} failed (${why}):\n${String(result.all ?? '')
        .trim()
        .split('\n')
        .slice(-8)
        .join('\n')}`,
    );
  }
}
