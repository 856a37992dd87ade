import { DockerUnavailableError } from '../errors/docker-unavailable-error.js';
import { DockprobeError, ErrorCodes, isDockprobeError } from '../errors/dockprobe-error.js';
import { short } from './short-id.js';

// How a failed call to the engine becomes an error: only what the engine (or the way to it) said is wrapped. Anything
// else, a TypeError in our own code above all, goes on unchanged so the CLI reports it as the internal error it is.

/** Socket errors that mean the engine cannot be reached at all. */
const CONNECTION_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * The error to throw for `error`, raised by `what` (on `resource`) against the engine at `endpoint`:
 * - a DockprobeError (a timeout of ours …): itself;
 * - a connection error (a socket code above, or any error of a system call on the way): {@link DockerUnavailableError},
 *   naming the call and its resource;
 * - an engine answer (an HTTP `statusCode`): `DP_DOCKER_API`, with the engine's own words;
 * - anything else: itself, unchanged: a programming error is not the engine's.
 */
export function engineError(endpoint: string, what: string, resource: string, error: unknown): unknown {
  if (isDockprobeError(error)) return error;
  const call = resource ? `${what} ${short(resource)}` : what;
  if (isConnectionError(error)) return new DockerUnavailableError(endpoint, error, call);
  const status = statusOf(error);
  if (status === undefined) return error;
  return new DockprobeError(ErrorCodes.DOCKER_API, `docker: ${call} failed (HTTP ${status}): ${messageOf(error)}`, {
    cause: error,
  });
}

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) || typeof syscall === 'string';
}

/** The engine's own words for an error (its JSON `message`), else the error's message. */
export function messageOf(error: unknown): string {
  return String(
    (error as { json?: { message?: string } } | undefined)?.json?.message ??
      (error as Error | undefined)?.message ??
      error,
  ).trim();
}

/** The HTTP status of an engine answer, when `error` is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether the engine said the container it was asked about is not there (for `error`, or the engine error it wraps):
 * a 404, or Podman's 500 with `no container with ID … found in database` for a container removed while it was being
 * inspected.
 */
export function containerGone(error: unknown): boolean {
  return [error, (error as Error | undefined)?.cause].some(
    (e) =>
      statusOf(e) === 404 ||
      (statusOf(e) === 500 && /no such container|no container with (ID|name) .* found/i.test(messageOf(e))),
  );
}

/**
 * Whether the engine answered the call (an HTTP status came back): what it refused, it did not do. A timeout or a
 * dropped connection says nothing of whether it did.
 */
export function engineAnswered(error: unknown): boolean {
  return (isDockprobeError(error) && error.code === ErrorCodes.DOCKER_API) || statusOf(error) !== undefined;
}
