import { DockprobeError, ErrorCodes } from './dockprobe-error.js';

/** The Docker daemon could not be reached at all (no socket, refused, timed out). */
export class DockerUnavailableError extends DockprobeError {
  readonly endpoint: string;

  /** `context`: what was going on when it went away (`wait for container 1a2b3c: the engine stopped answering`). */
  constructor(endpoint: string, cause: unknown, context?: string) {
    const reason = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    super(
      ErrorCodes.DOCKER_UNAVAILABLE,
      `${context ? `${context}: ` : ''}cannot reach the Docker daemon at ${endpoint} (${reason})`,
      {
        cause,
        hint: 'is dockerd running? Set DOCKER_HOST to its socket, or start Docker (Docker Desktop, `systemctl start docker`, or `dockerd &`).',
      },
    );
    this.endpoint = endpoint;
  }
}
