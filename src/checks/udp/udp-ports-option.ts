import { DockprobeError, ErrorCodes } from '../../errors/dockprobe-error.js';
import { parsePort } from '../../scenario/port.js';

/**
 * `--udp-ports 53,514`: the UDP ports a drill sends to at every container address, numbers or well-known names, one
 * value per flag or a comma list. Each port is a row per address, and a silent one costs its tries a second apart.
 */
export function parseUdpPortsOption(value: unknown, option = '--udp-ports'): number[] {
  const raw = (Array.isArray(value) ? value : [value]).map((v) => String(v));
  const items = raw
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const hint = `e.g. ${option} 53,514 (DNS and syslog at every address)`;
  if (items.length === 0)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${option} must list ports, got ${raw.map((v) => `'${v}'`).join(', ')}`,
      { hint },
    );
  const ports = new Set<number>();
  for (const item of items) {
    const parsed = parsePort(item);
    if ('error' in parsed)
      throw new DockprobeError(ErrorCodes.USAGE, `${option}: ${parsed.error}`, { hint: parsed.hint });
    ports.add(parsed.port);
  }
  return [...ports].sort((a, b) => a - b);
}
