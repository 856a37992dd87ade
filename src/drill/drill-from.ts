import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/**
 * Where a drill probes from: inside each running container of a service (what it reaches if it is compromised), or a
 * probe container of its own on a network (what any new container there reaches), or every service at once.
 */
export type DrillFrom =
  | { kind: 'service'; service: string }
  | { kind: 'network'; network: string }
  | { kind: 'lan' }
  | { kind: 'all' };

const HINT =
  "--from api (inside each running container of service api), --from network:public-facing (a new container on that network), --from lan (a neighbour on the host's LAN), or --all (every service)";

// A Compose service name, a stack's service, or a Docker network name: letters, digits and . _ - (no spaces, no `:`).
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * `--from` and `--all` as the command line gives them, validated at the boundary: exactly one of them, and `--from` of
 * the forms `SERVICE` or `network:NAME`; anything else is a usage error naming the value received.
 */
export function parseDrillFrom(from: string | undefined, all: boolean): DrillFrom {
  if (from !== undefined && all)
    throw new DockprobeError(ErrorCodes.USAGE, `give --from or --all, not both (got --from '${from}' and --all)`, {
      hint: HINT,
    });
  if (all) return { kind: 'all' };
  if (from === undefined)
    throw new DockprobeError(ErrorCodes.USAGE, 'drill needs --from SERVICE, --from network:NAME, --from lan or --all', {
      hint: HINT,
    });
  const value = from.trim();
  // `lan` is no service name here: a service called lan is drilled with --from network:… or by its project's name.
  if (value === 'lan') return { kind: 'lan' };
  const network = /^network:(.*)$/.exec(value);
  if (network) {
    if (!NAME.test(network[1]!))
      throw new DockprobeError(ErrorCodes.USAGE, `--from network:NAME needs a network name, got '${from}'`, {
        hint: HINT,
      });
    return { kind: 'network', network: network[1]! };
  }
  if (!NAME.test(value))
    throw new DockprobeError(ErrorCodes.USAGE, `--from must be SERVICE, network:NAME or lan, got '${from}'`, {
      hint: HINT,
    });
  return { kind: 'service', service: value };
}
