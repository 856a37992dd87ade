/**
 * Stable error codes. A code never changes meaning once released; scripts may match on it.
 * The exit-code family each belongs to is fixed here, so the CLI never guesses.
 */
export const ErrorCodes = {
  /** The command line was wrong (unknown flag, bad value). */
  USAGE: 'DP_USAGE',
  /** The scenario file could not be read, parsed or validated. */
  SCENARIO_INVALID: 'DP_SCENARIO_INVALID',
  /** A project, network or service named in the scenario does not exist. */
  UNKNOWN_NAME: 'DP_UNKNOWN_NAME',
  /** The Docker daemon could not be reached or answered with an error. */
  DOCKER_UNAVAILABLE: 'DP_DOCKER_UNAVAILABLE',
  /** An ssh:// engine's host key is unknown, changed or revoked in the known_hosts files. */
  SSH_HOST_KEY: 'DP_SSH_HOST_KEY',
  /** A Docker API call failed while the daemon was reachable. */
  DOCKER_API: 'DP_DOCKER_API',
  /** The probe image could not be found or built. */
  IMAGE_BUILD: 'DP_IMAGE_BUILD',
  /** An external command (docker compose) failed. */
  COMMAND_FAILED: 'DP_COMMAND_FAILED',
  /** The engine refuses to remove a network that still has endpoints (a container, or a ghost in its store). */
  NETWORK_IN_USE: 'DP_NETWORK_IN_USE',
  /** A wait ran past its limit. */
  TIMEOUT: 'DP_TIMEOUT',
  /** The run was interrupted by a signal (Ctrl-C, SIGTERM). */
  ABORTED: 'DP_ABORTED',
} as const;

/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** What each code means, for docs/codes.md's table and its sync test; a code without its meaning does not compile. */
export const ERROR_CODE_MEANINGS: Readonly<Record<ErrorCode, string>> = {
  DP_USAGE: 'the command line was wrong (an unknown flag, a bad value, an option given twice)',
  DP_SCENARIO_INVALID: 'the scenario file could not be read, parsed or validated; each problem at file:line:col',
  DP_UNKNOWN_NAME: 'a project, network or service the scenario names does not exist',
  DP_DOCKER_UNAVAILABLE: 'the Docker daemon could not be reached, or stopped answering',
  DP_SSH_HOST_KEY:
    "an ssh:// engine's host key is not in the known_hosts files, differs from the one there, or is revoked: no call is made",
  DP_DOCKER_API: 'a Docker API call failed while the daemon was reachable (its own words follow)',
  DP_IMAGE_BUILD: 'the probe image could not be found or built',
  DP_COMMAND_FAILED: 'an external command (docker compose) failed',
  DP_NETWORK_IN_USE:
    'the engine refuses to remove a network that still has endpoints (a container, or a ghost in its store)',
  DP_TIMEOUT: 'a wait ran past its limit: an engine call not answered, a project not running in time',
  DP_ABORTED: 'the run was interrupted by a signal (Ctrl-C, SIGTERM); the process exits 130 / 143 once cleanup is done',
};

/** Which exit-code family an error belongs to: 2 for the user's input, 3 for the infrastructure. */
export function errorExitFamily(code: ErrorCode): 2 | 3 {
  switch (code) {
    case ErrorCodes.USAGE:
    case ErrorCodes.SCENARIO_INVALID:
    case ErrorCodes.UNKNOWN_NAME:
      return 2;
    default:
      return 3;
  }
}

/**
 * The brand every {@link DockprobeError} carries. `Symbol.for` is one symbol per process, so an error made by another
 * copy of this module (a second install in node_modules, a bundle) still counts, and nothing else does: an error
 * whose `code` merely starts with `DP_` (the probe agent's `DP_DNS_TIMEOUT` …) is not one of ours.
 */
const kDockprobeError: unique symbol = Symbol.for('dockprobe.error');

/**
 * The one base class for every error dockprobe raises on purpose. It carries a stable {@link ErrorCode},
 * a message written for the operator (what, where, and what to do) and the underlying `cause`.
 */
export class DockprobeError extends Error {
  readonly code: ErrorCode;
  /** A one-line suggestion shown under the message, when there is one. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** The brand {@link isDockprobeError} checks; on the prototype, as undici's errors carry theirs. */
  get [kDockprobeError](): true {
    return true;
  }
}

/** Whether `value` is a {@link DockprobeError}, by its brand (so also across module copies). */
export function isDockprobeError(value: unknown): value is DockprobeError {
  return (
    value instanceof DockprobeError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { [kDockprobeError]?: unknown })[kDockprobeError] === true)
  );
}
