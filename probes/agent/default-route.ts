import { readFileSync } from 'node:fs';
import type { DefaultRoute } from './protocol.js';

/** The IPv4 default route from /proc/net/route text; null when there is none (an internal network). */
export function parseDefaultRoute(text: string): DefaultRoute | null {
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination, gateway, flags] = line.trim().split(/\s+/);
    // RTF_UP (1) must be set; destination 0.0.0.0 is the default route.
    if (!iface || destination !== '00000000' || !gateway || (Number.parseInt(flags ?? '0', 16) & 1) === 0) continue;
    const g = Number.parseInt(gateway, 16);
    // /proc/net/route prints addresses in host (little-endian) byte order.
    return { iface, gateway: [g & 0xff, (g >>> 8) & 0xff, (g >>> 16) & 0xff, (g >>> 24) & 0xff].join('.') };
  }
  return null;
}

/** This process's default route, or null when there is none or the table cannot be read. */
export function readDefaultRoute(): DefaultRoute | null {
  try {
    return parseDefaultRoute(readFileSync('/proc/net/route', 'utf8'));
  } catch {
    return null;
  }
}
