import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/**
 * The first `nameserver` of a resolv.conf text that is an IP address (a scope suffix such as `%eth0` dropped), or
 * undefined when it names none.
 */
export function firstNameserver(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    const address = match?.[1]?.replace(/%.*$/, '');
    if (address && isIP(address)) return address;
  }
  return undefined;
}

/**
 * The nameserver the engine wrote into this container's /etc/resolv.conf. Where there is none, `fallback`: its
 * lookups then fail, the probe's DNS control with them, and no verdict rests on a name.
 */
export function containerNameserver(fallback: string, path = '/etc/resolv.conf'): string {
  try {
    return firstNameserver(readFileSync(path, 'utf8')) ?? fallback;
  } catch {
    return fallback;
  }
}
