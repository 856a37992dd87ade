import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

// `serve --ready`: once its listeners are up, the server connects to each of its own addresses at each TCP port and
// says which answered, so whoever started it (dockprobe, for a control peer of its own) knows it answers before
// anything relies on it. The lines are the contract with src/run/control-peer.ts.

/** A listener answered at an address and port: `ready tcp 172.20.0.3 40004`. */
const READY = 'ready tcp';
/** It did not, on any try: `not-ready tcp 172.20.0.3 40004 ECONNREFUSED`. */
const NOT_READY = 'not-ready tcp';

/** How often, and how far apart, each address is tried before it is said not ready. */
const TRIES = 10;
const SPACING_MS = 200;

/** The line for an address and port that answered. */
export function readyLine(address: string, port: number): string {
  return `${READY} ${address} ${port}`;
}

/**
 * What `serve --ready` said of each address and port: answered or not, by `readinessKey(address, port)` (an IPv6
 * address in its canonical form, however the engine or the kernel wrote it).
 */
export function readiness(stdout: string): Map<string, 'ready' | 'not-ready'> {
  const said = new Map<string, 'ready' | 'not-ready'>();
  for (const line of stdout.split('\n')) {
    const [state, proto, address, port] = line.trim().split(' ');
    if (proto !== 'tcp' || address === undefined || port === undefined) continue;
    if (state === 'ready' || state === 'not-ready') said.set(readinessKey(address, Number(port)), state);
  }
  return said;
}

/** The key of an address and port in {@link readiness}'s answer. */
export function readinessKey(address: string, port: number): string {
  const canonical = address.includes(':') ? new URL(`http://[${address}]`).hostname.slice(1, -1) : address;
  return `${canonical} ${port}`;
}

/** The addresses others reach this host at: IPv4 and global IPv6, loopback and link-local left out. */
export function ownAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80')))
    .map((a) => a.address);
}

/**
 * Connects to each address at each port, each try bounded by `timeoutMs`, up to `tries` times `spacingMs` apart, and
 * prints a ready line for each that answered, a not-ready line with the last error for each that did not on any of its
 * tries. Returns how many answered.
 */
export async function proveReady(
  ports: readonly number[],
  addresses: readonly string[],
  print: (line: string) => void,
  { timeoutMs = 1000, tries = TRIES, spacingMs = SPACING_MS } = {},
): Promise<number> {
  const answered = await Promise.all(
    addresses.flatMap((address) =>
      ports.map(async (port) => {
        let error = 'no try';
        for (let n = 0; n < tries; n++) {
          if (n > 0) await new Promise((r) => setTimeout(r, spacingMs));
          error = await tryConnect(address, port, timeoutMs);
          if (error === '') {
            print(readyLine(address, port));
            return true;
          }
        }
        print(`${NOT_READY} ${address} ${port} ${error}`);
        return false;
      }),
    ),
  );
  return answered.filter(Boolean).length;
}

// One connection: '' once it opened, else why not.
function tryConnect(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done('ETIMEDOUT'), timeoutMs);
    socket.once('connect', () => done(''));
    // Every error listened to, a late one too: one nobody listens to would end the server.
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}
