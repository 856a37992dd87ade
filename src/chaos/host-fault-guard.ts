import type { EngineInfo } from '../docker/system-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/** An endpoint by its scheme alone (tcp://, ssh://, http(s)://), where the engine was not told local or remote. */
export function isRemoteEndpoint(endpoint: string): boolean {
  return /^(tcp|ssh|https?):\/\//.test(endpoint);
}

/** A usage error (exit 2) of `--fault KIND`: why it is refused, and what to do. */
export function faultRefusal(kind: string, why: string, hint: string): DockprobeError {
  return new DockprobeError(ErrorCodes.USAGE, `--fault ${kind}: ${why}`, { hint });
}

/**
 * Refuses a fault that changes the engine host itself (its firewall, its dockerd) for a remote engine (its host is
 * not this one) and for a user who is not root. `uid` is the process's unless told (tests).
 */
export function refuseUnlessEngineHostRoot(
  kind: string,
  engine: Pick<EngineInfo, 'endpoint' | 'remote'>,
  needs: string,
  uid: number | undefined = process.getuid?.(),
): void {
  if (engine.remote ?? isRemoteEndpoint(engine.endpoint))
    throw faultRefusal(
      kind,
      `the engine at ${engine.endpoint} is remote: its host is not this one`,
      'run dockprobe on the engine host, in its network namespace',
    );
  if (uid !== 0) throw faultRefusal(kind, `${needs} needs root`, 'run it as root, first on a staging host');
}

/**
 * Refuses a host fault on a rootless engine (`docker info`: `name=rootless`), whatever the user, before the root check
 * (a rootless engine's user is seldom root, and root would not make the fault right): `why` says what the fault
 * would change, or fail to change, there.
 */
export function refuseOnRootless(
  kind: string,
  engine: Pick<EngineInfo, 'endpoint' | 'rootless'>,
  why: string,
  hint: string,
): void {
  if (engine.rootless) throw faultRefusal(kind, `the engine at ${engine.endpoint} is rootless: ${why}`, hint);
}
