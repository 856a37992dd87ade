import { isIP } from 'node:net';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';

/**
 * `--listen HOST:PORT` → where to listen: `127.0.0.1:9480`, `[::1]:9480`, `:9480` (every interface), port 0 for any
 * free one. Validated at the boundary, naming the value received.
 */
export function listenOption(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const host = m ? (m[1] ?? m[2] ?? '') : '';
  const port = m ? Number(m[3]) : Number.NaN;
  const hint = '--listen 127.0.0.1:9480 (loopback), --listen :9480 (every interface), --listen [::1]:9480';
  if (!m || port > 65535)
    throw new DockprobeError(ErrorCodes.USAGE, `--listen must be HOST:PORT with a port of 0 to 65535, got '${value}'`, {
      hint,
    });
  if (m[1] !== undefined && isIP(host) !== 6)
    throw new DockprobeError(ErrorCodes.USAGE, `--listen: '${host}' in brackets is not an IPv6 address`, { hint });
  return { host: host === '' ? '0.0.0.0' : host, port };
}
